"""The outbox: e-mails owed about appeals, written in the transaction of the action they report.

Each row has a unique key (``<what>:<appeal>:<recipient>…``): writing the same notification
twice is a no-op, and the sending task marks its row sent under a row lock, so a retried or
duplicated task never sends it again.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.appeals.models import Appeal, Event, Kind, Notification
from hromada.core.mail import deliver_owed, stable_message_id
from hromada.directory.models import Membership

# template -> the subject line's format; the body is appeals/email/<template>.txt
TEMPLATES = {
    "accepted",
    "new_for_addressee",
    "department_copy",
    "registered",
    "assigned",
    "answered",
    "returned",
    "forwarded",
    "extended",
    "not_considered",
    "duplicate",
    "reopened",
    "reminder",
    "overdue",
    "escalated",
    "sign_request",
    "low_rating",
}


def notify(
    *,
    appeal: Appeal,
    template: str,
    recipients: Iterable[str],
    event: Event | None = None,
    key_suffix: str = "",
) -> list[Notification]:
    """Owe these e-mails; enqueue their sending in the same transaction."""
    from hromada.appeals.tasks import notification_send

    assert template in TEMPLATES, template
    created = []
    for recipient in dict.fromkeys(r.strip().lower() for r in recipients if r and r.strip()):
        key = f"{template}:{appeal.pk}:{event.pk if event else ''}:{key_suffix}:{recipient}"
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    key=key[:200],
                    appeal=appeal,
                    event=event,
                    template=template,
                    recipient=recipient,
                )
        except IntegrityError:
            continue  # already owed
        notification_send.enqueue(notification.pk)
        created.append(notification)
    return created


def author_recipients(appeal: Appeal) -> list[str]:
    """The author (unless anonymous) and the confirmed co-signers."""
    emails = [appeal.author_email] if appeal.author_email and not appeal.is_anonymous else []
    emails += appeal.signers.filter(confirmed_at__isnull=False).values_list(
        "user__email", flat=True
    )
    return emails


def officer_recipients() -> list[str]:
    """The designated anti-corruption officers: the only staff who hear of such reports."""
    return list(
        User.objects.filter(groups__name=Role.ANTICORRUPTION, is_active=True)
        .values_list("email", flat=True)
        .distinct()
    )


def addressee_recipients(appeal: Appeal) -> list[str]:
    """Who receives the addressee's work: its responsible staff (the officers, for a report
    of possible corruption, whoever its addressee)."""
    if appeal.kind == Kind.CORRUPTION_REPORT:
        return officer_recipients()
    if appeal.addressee_id is None:
        return []
    return list(
        Membership.objects.filter(
            addressee_id=appeal.addressee_id, is_responsible=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def department_recipients(appeal: Appeal) -> list[str]:
    """The appeals department's mailbox; never told of a report of possible corruption."""
    if appeal.kind == Kind.CORRUPTION_REPORT or not settings.APPEALS_DEPARTMENT_EMAIL:
        return []
    return [settings.APPEALS_DEPARTMENT_EMAIL]


def head_recipients(appeal: Appeal) -> list[str]:
    """Escalation goes to the responsible staff of the addressee's parent (its head); with
    none there, to the appeals department. Corruption reports stay with the officers."""
    if appeal.kind == Kind.CORRUPTION_REPORT:
        return officer_recipients()
    addressee = appeal.addressee
    if addressee is not None and addressee.parent_id is not None:
        heads = list(
            Membership.objects.filter(
                addressee_id=addressee.parent_id, is_responsible=True, user__is_active=True
            ).values_list("user__email", flat=True)
        )
        if heads:
            return heads
    return department_recipients(appeal)


def render(notification: Notification) -> EmailMessage:
    appeal = notification.appeal
    context = {
        "appeal": appeal,
        "event": notification.event,
        "site_url": settings.SITE_URL.rstrip("/"),
        "city_name": settings.CITY_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"appeals/email/{notification.template}_subject.txt", context)
        body = render_to_string(f"appeals/email/{notification.template}.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[notification.recipient],
        headers={"Message-ID": stable_message_id("appeal-notification", notification.pk)},
    )
    return message


def notification_deliver(notification_id: int) -> bool:
    """Send one owed e-mail unless it was sent; True when this call sent it."""
    return deliver_owed(
        Notification,
        notification_id,
        related=("appeal", "appeal__addressee", "event"),
        render=render,
    )
