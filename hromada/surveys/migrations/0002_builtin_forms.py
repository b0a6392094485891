"""The three forms every community has from the first day, and the opinion centre's headings:
made here, not in the demo, so that a fresh production install has them too."""

from django.db import migrations
from django.utils import timezone

CATEGORIES = [
    ("city-improvement", "Благоустрій міста"),
    ("public-discussions", "Громадські обговорення"),
    ("development-strategy", "Стратегія розвитку"),
    ("transport", "Транспорт і дороги"),
    ("education-culture", "Освіта, культура, спорт"),
]

SPHERES = [
    "Благоустрій і озеленення",
    "Дороги і транспорт",
    "Житлово-комунальне господарство",
    "Освіта",
    "Охорона здоров'я",
    "Соціальний захист",
]

# (builtin, slug, title, description, visibility, offer after ticket/answer, questions)
# A question: (kind, text, required, options, allow_other, counts_for_quality)
FORMS = [
    (
        "complaint",
        "complaint",
        "Поскаржитись",
        "Розкажіть, що пішло не так: неввічливість, затримки, відмова без причини. "
        "Скаргу читають відповідальні працівники; вона не публікується. Якщо потрібна "
        "офіційна відповідь у строки Закону «Про звернення громадян», подайте звернення.",
        "staff",
        False,
        (
            ("single", "Чого стосується скарга?", True, [
                "Неввічливе ставлення", "Довге очікування", "Неправильна інформація",
                "Відмова в послузі", "Стан приміщення",
            ], True, False),
            ("short_text", "Де і хто (установа, відділ, кабінет)", False, [], False, False),
            ("date", "Коли це сталося", False, [], False, False),
            ("long_text", "Опишіть, що сталося", True, [], False, False),
        ),
    ),
    (
        "proposal",
        "proposal",
        "Внести пропозицію",
        "Маєте ідею, як зробити громаду кращою? Запропонуйте — відповідальні працівники "
        "розглянуть кожну пропозицію.",
        "staff",
        False,
        (
            ("single", "Сфера пропозиції", True, SPHERES, True, False),
            ("short_text", "Коротко: що пропонуєте", True, [], False, False),
            ("long_text", "Опишіть пропозицію докладніше", False, [], False, False),
            ("single", "Чи готові ви долучитися до втілення?", False, [
                "Так, особисто", "Так, як волонтер або з ініціативною групою", "Ні",
            ], False, False),
        ),
    ),
    (
        "quality",
        "quality",
        "Оцінити якість",
        "Оцініть, як вас обслужили. Оцінки рахуються в показник якості кожного адресата, "
        "який видно на його сторінці.",
        "public",
        True,
        (
            ("rating", "Загальна оцінка обслуговування", True, [], False, True),
            ("rating", "Ввічливість і компетентність працівників", False, [], False, False),
            ("single", "Скільки ви чекали?", False, [
                "До 15 хвилин", "15–30 хвилин", "30–60 хвилин", "Понад годину",
            ], False, False),
            ("single", "Чи вирішили ваше питання?", False, [
                "Так, повністю", "Частково", "Ні",
            ], False, False),
            ("scale", "Наскільки ймовірно, що ви порадите цю службу знайомим?", False, [],
             False, False),
            ("long_text", "Що варто покращити?", False, [], False, False),
        ),
    ),
]

NUMBERS = {"rating": range(1, 6), "scale": range(0, 11)}


def create(apps, schema_editor):
    Category = apps.get_model("surveys", "Category")
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    Option = apps.get_model("surveys", "Option")
    for order, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    now = timezone.now()
    for builtin, slug, title, description, visibility, offered, questions in FORMS:
        if Survey.objects.filter(builtin=builtin).exclude(state="archived").exists():
            continue
        survey = Survey.objects.create(
            builtin=builtin,
            slug=slug,
            title=title,
            description=description,
            state="published",
            published_at=now,
            results_visibility=visibility,
            allow_anonymous=False,
            offer_after_ticket=offered,
            offer_after_answer=offered,
            show_on_addressee_page=False,
        )
        for number, (kind, text, required, options, other, quality) in enumerate(questions, 1):
            question = Question.objects.create(
                survey=survey,
                kind=kind,
                text=text,
                is_required=required,
                allow_other=other,
                counts_for_quality=quality,
                order=number,
            )
            if kind in NUMBERS:
                rows = [Option(question=question, label=str(n), value=n, order=n)
                        for n in NUMBERS[kind]]
            else:
                rows = [Option(question=question, label=label, order=i)
                        for i, label in enumerate(options)]
            Option.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
