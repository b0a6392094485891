"""The demo city's news: posts of the council, its departments and communal enterprises in
every category, some for one district, a few scheduled; and the demo resident's subscriptions.

Safe to run again: a post is added only when its addressee has no post with that title, a
subscription only when the resident has none with the same filter. Posts are written row for
row as the services would (search text, topics, an audit event), but nobody is announced to:
these posts were never really published.
"""

from datetime import timedelta

from django.utils import timezone

from hromada.accounts.models import User
from hromada.core.audit import audit_event_record
from hromada.core.models import District
from hromada.directory.models import Addressee
from hromada.news.models import Post, Subscription, Tag
from hromada.news.services import _refresh_search_text, _tags, subscription_key

CITIZEN_EMAIL = "citizen@novoiarsk.example"
MODERATOR_EMAIL = "moderator@novoiarsk.example"

# (addressee, category, district or "", topics, hours ago (negative: scheduled), title, text)
POSTS = [
    ("kp-vodokanal", "notice", "tsentralnyi", "вода, відключення", 3,
     "Відключення холодної води на вулиці Соборній",
     "У зв’язку з ремонтом водогону 12 грудня з 9:00 до 18:00 не буде холодної води в "
     "будинках № 1–25 на вулиці Соборній.\n\nПідвіз питної води організовано до двору "
     "будинку № 11. Просимо вибачення за незручності."),
    ("kp-teplomerezha", "notice", "zavodskyi", "тепло, аварія", 20,
     "Аварійні роботи на тепломережі Заводського району",
     "Через пошкодження магістральної труби на вулиці Заводській тимчасово припинено подачу "
     "тепла до 14 будинків. Аварійна бригада працює на місці; орієнтовний час відновлення — "
     "до 20:00.\n\nАварійно-диспетчерська служба: 1580."),
    ("cnap", "news", "", "цнап, адміністративні послуги", 28,
     "ЦНАП працюватиме в суботу",
     "Центр надання адміністративних послуг прийматиме відвідувачів у суботу з 9:00 до "
     "14:00. Можна оформити ID-картку, закордонний паспорт, зареєструвати місце проживання.\n\n"
     "Запишіться в електронну чергу, щоб не чекати."),
    ("cnap", "announcement", "livoberezhnyi", "цнап, пенсіонерам", 50,
     "Виїзний прийом ЦНАП на Лівобережжі",
     "Адміністратори ЦНАП проведуть виїзний прийом у бібліотеці на вулиці Дніпровській, 8. "
     "Приймаємо документи на субсидії, пільги та реєстрацію місця проживання.\n\n"
     "Маломобільним мешканцям адміністратор може приїхати додому — телефонуйте заздалегідь."),
    ("zhkh-upravlinnia", "news", "pivnichnyi", "ремонт доріг, благоустрій", 75,
     "Розпочато ремонт вулиці Гетьманської",
     "Підрядник розпочав капітальний ремонт дорожнього покриття на вулиці Гетьманській між "
     "вулицями Лесі Українки та Вишневою. Рух транспорту обмежено до кінця місяця.\n\n"
     "Об’їзд — вулицею Садовою."),
    ("kp-novoiarskblahoustrii", "announcement", "tsentralnyi", "благоустрій, толока", 100,
     "Толока в парку Перемоги",
     "Запрошуємо мешканців на весняну толоку в парку Перемоги в суботу о 10:00. Рукавиці, "
     "граблі та мішки надамо. Збір біля центрального входу."),
    ("miska-rada", "news", "", "сесія, бюджет", 130,
     "Сесія міської ради затвердила бюджет громади на наступний рік",
     "Депутати ухвалили бюджет Новоярської міської територіальної громади. Найбільше коштів "
     "спрямовано на освіту, ремонт доріг та підтримку внутрішньо переміщених осіб.\n\n"
     "Повний текст рішення — у додатку на сайті ради."),
    ("kp-pasazhyrski-perevezennia", "notice", "", "транспорт", 150,
     "Змінено розклад тролейбуса № 3",
     "З понеділка тролейбус № 3 курсуватиме з 5:30 до 23:00 з інтервалом 12 хвилин. "
     "Вечірні рейси після 21:00 продовжено до залізничного вокзалу."),
    ("kp-misksvitlo", "news", "pivdennyi", "освітлення", 200,
     "На вулицях Південного району встановлено 120 нових ліхтарів",
     "Комунальне підприємство «Міськсвітло» завершило заміну ліхтарів на енергоощадні "
     "світлодіодні на восьми вулицях Південного району."),
    ("osvita-upravlinnia", "announcement", "", "освіта, діти", 230,
     "Запис дітей до першого класу",
     "Управління освіти нагадує: прийом заяв до перших класів триває до 31 травня. Заяву "
     "можна подати в школі за місцем проживання або онлайн.\n\nДовідки: 50-12-40."),
    ("sotszakhyst-upravlinnia", "news", "", "соціальний захист, впо", 300,
     "Нова програма допомоги внутрішньо переміщеним особам",
     "Виконавчий комітет затвердив програму одноразової допомоги на облаштування для "
     "внутрішньо переміщених осіб. Заяви приймають у ЦНАП та в управлінні соцзахисту."),
    ("kp-vodokanal", "news", "verbivskyi", "вода", 400,
     "У Вербівці запрацювала нова свердловина",
     "Мешканці старостинського округу тепер отримують воду з нової свердловини. Якість "
     "води перевірено лабораторією — вона відповідає державним санітарним нормам."),
    ("deputat-levchenko", "announcement", "tsentralnyi", "прийом депутата", 500,
     "Прийом громадян депутатом Левченком",
     "Депутат міської ради проводитиме особистий прийом громадян у четвер з 15:00 до 17:00 "
     "у приміщенні громадської приймальні на вулиці Паркова, 5."),
    ("kp-teplomerezha", "announcement", "", "тепло, опалювальний сезон", -30,
     "Завершення опалювального сезону",
     "Опалювальний сезон завершиться, коли середньодобова температура повітря три доби "
     "поспіль перевищить +8 °C. Соціальні заклади опалюватимуться довше."),
    ("cnap", "notice", "", "цнап", -72,
     "Санітарний день у ЦНАП",
     "В останній четвер місяця ЦНАП не прийматиме відвідувачів: санітарний день. "
     "Електронна черга на цей день не відкривається."),
]  # fmt: skip

# (filter fields, channels, frequency) for the demo resident.
SUBSCRIPTIONS = [
    ({"addressee": "kp-vodokanal"}, ["inbox", "email"], "immediate"),
    ({"district": "tsentralnyi"}, ["inbox"], "daily"),
    ({"tag": "ремонт доріг"}, ["telegram"], "immediate"),
]


def _posts() -> int:
    addressees = {a.slug: a for a in Addressee.objects.filter(slug__in={p[0] for p in POSTS})}
    districts = {d.slug: d for d in District.objects.all()}
    author = User.objects.filter(email=MODERATOR_EMAIL).first()
    now = timezone.now()
    made = 0
    for slug, category, district, topics, hours_ago, title, body in POSTS:
        addressee = addressees.get(slug)
        if addressee is None or Post.objects.filter(addressee=addressee, title=title).exists():
            continue
        moment = now - timedelta(hours=hours_ago)
        scheduled = hours_ago < 0
        post = Post(
            addressee=addressee,
            category=category,
            title=title,
            body=body,
            district=districts.get(district),
            author=author,
            state=Post.State.SCHEDULED if scheduled else Post.State.PUBLISHED,
            publish_at=moment if scheduled else None,
            published_at=None if scheduled else moment,
        )
        tags = _tags([name.strip() for name in topics.split(",")])
        _refresh_search_text(post, tags)
        post.save()
        post.tags.set(tags)
        audit_event_record(actor=None, action="news.post_created", target=post, demo=True)
        made += 1
    return made


def _subscriptions() -> int:
    citizen = User.objects.filter(email=CITIZEN_EMAIL).first()
    if citizen is None:
        return 0
    made = 0
    for fields, channels, frequency in SUBSCRIPTIONS:
        addressee = Addressee.objects.filter(slug=fields.get("addressee", "")).first()
        district = District.objects.filter(slug=fields.get("district", "")).first()
        tag = Tag.objects.filter(name=fields.get("tag", "")).first()
        found = {"addressee": addressee, "district": district, "tag": tag}
        if any(fields.get(name) and found[name] is None for name in found):
            continue
        key = subscription_key(
            addressee_id=addressee.pk if addressee else None,
            district_id=district.pk if district else None,
            tag_id=tag.pk if tag else None,
            category="",
            query="",
        )
        _sub, created = Subscription.objects.get_or_create(
            user=citizen,
            key=key,
            defaults={
                "addressee": addressee,
                "district": district,
                "tag": tag,
                "channels": channels,
                "frequency": frequency,
            },
        )
        made += created
    return made


def load(*, stdout) -> None:
    posts = _posts()
    subscriptions = _subscriptions()
    stdout.write(
        f"News: {Post.objects.count()} posts ({posts} new, a few scheduled); "
        f"{subscriptions} new subscriptions of {CITIZEN_EMAIL}; the moderator of ЦНАП "
        f"({MODERATOR_EMAIL}) writes at /office/news/"
    )
