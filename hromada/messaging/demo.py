"""Demo: mailing templates, one sent mailing, and a resident's inbox with a few notifications.

Safe to run again: each piece is created only when missing.
"""

from django.db import transaction
from django.utils import timezone

from hromada.accounts.models import User
from hromada.messaging.models import Channel, Delivery, Kind, MailingTemplate, Message, Status

CITIZEN_EMAIL = "citizen@novoiarsk.example"

TEMPLATES = [
    (
        "Планове відключення води",
        "Планове відключення води {{ first_name }}",
        "Шановна(ий) {{ full_name }}!\n\nУ вашому районі завтра з 9:00 до 17:00 не буде "
        "холодної води через ремонт водогону. Підвезення води — біля школи № 3.\n\n{{ city }}",
    ),
    (
        "Запрошення на громадські слухання",
        "Громадські слухання щодо бюджету громади",
        "{{ first_name }}, запрошуємо вас на громадські слухання щодо бюджету на наступний рік "
        "у четвер о 18:00 у великій залі міської ради.\n\n{{ city }}",
    ),
]

INBOX = [
    (
        Kind.APPEAL_STATUS,
        "Звернення зареєстровано",
        "Ваше звернення зареєстровано й передано до відділу благоустрою.",
        "/cabinet/",
    ),
    (
        Kind.QUEUE,
        "Нагадування про візит до ЦНАП",
        "Завтра о 10:20 на вас чекають у ЦНАП, вікно 2. Візьміть паспорт.",
        "/queue/mine/",
    ),
    (
        Kind.MAILING,
        "Планове відключення води",
        "У вашому районі завтра з 9:00 до 17:00 не буде холодної води.",
        "",
    ),
]


@transaction.atomic
def load(*, stdout) -> None:
    admin = User.objects.filter(is_superuser=True).first()
    for name, subject, body in TEMPLATES:
        MailingTemplate.objects.get_or_create(
            name=name, defaults={"subject": subject, "body": body, "created_by": admin}
        )
    citizen = User.objects.filter(email=CITIZEN_EMAIL).first()
    if citizen is None or Delivery.objects.filter(user=citizen, channel=Channel.INBOX).exists():
        return
    stdout.write(f"Notifications: {len(INBOX)} in the inbox of {CITIZEN_EMAIL}.")
    now = timezone.now()
    for kind, subject, body, url in INBOX:
        message = Message.objects.create(
            kind=kind, subject=subject, body=body, url=url, source="demo"
        )
        Delivery.objects.create(
            message=message, user=citizen, channel=Channel.INBOX, status=Status.SENT, sent_at=now
        )
