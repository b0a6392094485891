"""The demo city's surveys: the ЦНАП's quality survey offered after a served ticket, three
surveys of the opinion centre with answers, and a replaced one in the archive.

Safe to run again: a survey is created only when its code is missing, and only a new survey
gets demo answers. Answers go through the same service as a resident's, so every count and
the ЦНАП's monthly quality score are what they would be.
"""

import random
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from hromada.accounts.models import User
from hromada.directory.models import Addressee
from hromada.equeue.models import Queue
from hromada.surveys import services
from hromada.surveys.models import Category, Question, Survey
from hromada.surveys.responses import response_submit

SEED = 2026
ADMIN_EMAIL = "admin@novoiarsk.example"
MODERATOR_EMAIL = "moderator@novoiarsk.example"

K = Question.Kind
SURVEYS = [
    {
        "slug": "yakist-cnap",
        "title": "Як вас обслужили в ЦНАП?",
        "description": "Оцініть візит до Центру надання адміністративних послуг. Анонімно, "
        "хвилина часу. Середня оцінка видно на сторінці ЦНАП.",
        "addressee": "cnap",
        "queue": "cnap-pryiom",
        "category": None,
        "anonymous": True,
        "visibility": Survey.Visibility.PUBLIC,
        "report": Survey.Period.WEEKLY,
        "questions": [
            (K.RATING, "Загальна оцінка візиту", True, [], False, True),
            (
                K.SINGLE,
                "Скільки ви чекали своєї черги?",
                True,
                ["До 10 хвилин", "10–30 хвилин", "30–60 хвилин", "Понад годину"],
                False,
                False,
            ),
            (
                K.MULTIPLE,
                "Що сподобалося?",
                False,
                [
                    "Ввічливість адміністратора",
                    "Швидкість",
                    "Зрозумілі пояснення",
                    "Зручний запис онлайн",
                    "Чистота і комфорт",
                ],
                True,
                False,
            ),
            (K.SCALE, "Чи порадите ЦНАП знайомим?", False, [], False, False),
            (K.LONG_TEXT, "Що варто покращити?", False, [], False, False),
        ],
        "answers": 320,
        "months": 6,
    },
    {
        "slug": "tsentralnyi-park",
        "title": "Облаштування Центрального парку",
        "description": "Місто готує проєкт реконструкції Центрального парку. Які зони вам "
        "потрібні найбільше? Результати врахують у технічному завданні.",
        "addressee": "zhkh-viddil-blahoustroiu",
        "category": "city-improvement",
        "anonymous": True,
        "visibility": Survey.Visibility.PUBLIC,
        "questions": [
            (
                K.MULTIPLE,
                "Які зони потрібні в парку?",
                True,
                [
                    "Дитячий майданчик",
                    "Спортивний майданчик",
                    "Велодоріжка",
                    "Зона тихого відпочинку",
                    "Вигул собак",
                    "Кав'ярня",
                ],
                True,
                False,
            ),
            (
                K.SINGLE,
                "Як часто ви буваєте в парку?",
                True,
                ["Щодня", "Щотижня", "Кілька разів на місяць", "Рідко"],
                False,
                False,
            ),
            (K.RATING, "Як оцінюєте нинішній стан парку?", False, [], False, False),
            (K.LONG_TEXT, "Ваші побажання", False, [], False, False),
        ],
        "answers": 180,
        "months": 1,
    },
    {
        "slug": "stratehiia-2030",
        "title": "Стратегія розвитку громади до 2030 року: пріоритети",
        "description": "Громадське обговорення проєкту стратегії. Оберіть, що важливіше.",
        "addressee": None,
        "category": "development-strategy",
        "anonymous": True,
        "visibility": Survey.Visibility.PUBLIC,
        "questions": [
            (
                K.SINGLE,
                "Головний пріоритет на найближчі роки",
                True,
                [
                    "Відновлення інфраструктури",
                    "Енергонезалежність",
                    "Робочі місця",
                    "Освіта і молодь",
                    "Безпека",
                ],
                True,
                False,
            ),
            (
                K.SCALE,
                "Наскільки ви підтримуєте проєкт стратегії загалом?",
                False,
                [],
                False,
                False,
            ),
            (K.SHORT_TEXT, "Ваш старостинський округ або район", False, [], False, False),
        ],
        "answers": 120,
        "months": 1,
    },
]

WISHES = [
    "Більше лавок і тіні",
    "Освітлення доріжок увечері",
    "Громадський туалет",
    "Більше вікон прийому в обідню пору",
    "Електронна черга працює чудово",
    "",
]


def _answers(survey: Survey, rng: random.Random) -> dict:
    answers = {}
    for question in survey.questions.prefetch_related("options"):
        options = list(question.options.all())
        if question.kind == K.RATING:
            answers[question.key] = rng.choices([1, 2, 3, 4, 5], weights=[3, 4, 10, 30, 40])[0]
        elif question.kind == K.SCALE:
            answers[question.key] = rng.choices(range(11), weights=[1] * 6 + [2, 4, 8, 10, 12])[0]
        elif question.kind == K.SINGLE:
            weights = [len(options) - i + 1 for i in range(len(options))]
            answers[question.key] = rng.choices(options, weights=weights)[0].pk
        elif question.kind == K.MULTIPLE:
            answers[question.key] = [o.pk for o in rng.sample(options, rng.randint(1, 3))]
        elif question.kind == K.LONG_TEXT:
            answers[question.key] = rng.choice(WISHES)
        elif question.kind == K.SHORT_TEXT:
            answers[question.key] = rng.choice(["Центральний", "Заводський", "Лісовий", ""])
    return answers


def _build(spec: dict, admin: User) -> Survey:
    addressee = (
        Addressee.objects.filter(slug=spec["addressee"]).first() if spec["addressee"] else None
    )
    queue = Queue.objects.filter(slug=spec.get("queue") or "").first()
    category = Category.objects.filter(slug=spec["category"] or "").first()
    survey = services.survey_create(
        admin,
        title=spec["title"],
        slug=spec["slug"],
        description=spec["description"],
        addressee_id=addressee.pk if addressee else None,
        category_id=category.pk if category else None,
        queue_id=queue.pk if queue else None,
        offer_after_ticket=queue is not None,
        allow_anonymous=spec["anonymous"],
        results_visibility=spec["visibility"],
        report_period=spec.get("report", ""),
    )
    for order, (kind, text, required, options, other, quality) in enumerate(spec["questions"]):
        services.question_save(
            admin,
            survey_id=survey.pk,
            kind=kind,
            text=text,
            is_required=required,
            options=options,
            allow_other=other,
            counts_for_quality=quality,
            order=order,
        )
    services.survey_publish(admin, survey_id=survey.pk, now=timezone.now() - timedelta(days=200))
    return survey


def load(*, stdout) -> None:
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is None:
        stdout.write("  no demo administrator: surveys skipped")
        return
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
    now = timezone.now()
    for spec in SURVEYS:
        if Survey.objects.filter(slug=spec["slug"]).exists():
            continue
        survey = _build(spec, admin)
        for number in range(spec["answers"]):
            # Spread over the months, so the quality score has a history.
            moment = now - timedelta(days=30 * spec["months"] * number / spec["answers"])
            response_submit(
                AnonymousUser(), survey_id=survey.pk, answers=_answers(survey, rng), now=moment
            )
        stdout.write(f"  survey «{survey.title}»: {spec['answers']} answers")
    if not Survey.objects.filter(slug="marshruty-2025").exists():
        _archived_version(admin, rng)


def _archived_version(admin: User, rng: random.Random) -> None:
    """A public discussion whose first version was replaced: the archive keeps its results."""
    category = Category.objects.filter(slug="transport").first()
    old = services.survey_create(
        admin,
        title="Нова схема автобусних маршрутів",
        slug="marshruty-2025",
        description="Перша редакція схеми маршрутів (обговорення завершено).",
        category_id=category.pk if category else None,
        allow_anonymous=True,
    )
    services.question_save(
        admin,
        survey_id=old.pk,
        kind=K.SINGLE,
        text="Чи підтримуєте нову схему маршрутів?",
        is_required=True,
        options=["Так", "Так, зі змінами", "Ні"],
    )
    services.survey_publish(admin, survey_id=old.pk)
    for _n in range(90):
        response_submit(AnonymousUser(), survey_id=old.pk, answers=_answers(old, rng))
    new = services.survey_replace(admin, survey_id=old.pk)
    services.survey_update(
        admin,
        survey_id=new.pk,
        title="Нова схема автобусних маршрутів: друга редакція",
        description="Друга редакція враховує пропозиції першого обговорення.",
    )
    services.survey_publish(admin, survey_id=new.pk)
    for _n in range(40):
        response_submit(AnonymousUser(), survey_id=new.pk, answers=_answers(new, rng))
