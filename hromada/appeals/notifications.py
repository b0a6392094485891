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
from django.utils import timezone, translation

from hromada.appeals.models import Appeal, Event, Notification
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


def addressee_recipients(appeal: Appeal, *, responsible_only: bool = True) -> list[str]:
    if appeal.addressee_id is None:
        return []
    members = Membership.objects.filter(addressee_id=appeal.addressee_id, user__is_active=True)
    if responsible_only:
        members = members.filter(is_responsible=True)
    return list(members.values_list("user__email", flat=True))


def head_recipients(appeal: Appeal) -> list[str]:
    """Escalation goes to the responsible staff of the addressee's parent (its head)."""
    addressee = appeal.addressee
    if addressee is None or addressee.parent_id is None:
        return [settings.APPEALS_DEPARTMENT_EMAIL] if settings.APPEALS_DEPARTMENT_EMAIL else []
    return list(
        Membership.objects.filter(
            addressee_id=addressee.parent_id, is_responsible=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def department_recipients() -> list[str]:
    return [settings.APPEALS_DEPARTMENT_EMAIL] if settings.APPEALS_DEPARTMENT_EMAIL else []


def _mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"


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
        # The same id however often it is sent: a mail client shows a resend as one message.
        headers={"Message-ID": f"<appeal-notification-{notification.pk}@{_mail_domain()}>"},
    )
    return message


def notification_deliver(notification_id: int) -> bool:
    """Send one owed e-mail unless it was sent; True when this call sent it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("appeal", "appeal__addressee", "event")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        Notification.objects.filter(pk=notification.pk).update(attempts=notification.attempts + 1)
        render(notification).send()
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True
