"""Notifications about appeals, through the messaging layer (hromada.messaging).

Each is owed in the transaction of the action it reports, with a key
(``appeals:<what>:<appeal>:<event>:…:<recipient>``) that makes owing it twice a no-op. A
recipient with an account gets it through the channels they chose (the inbox and e-mail by
default): status changes of their appeals as "appeal status", staff work as "service"; an
address without an account (the department's mailbox) gets an e-mail.
"""

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.appeals.models import Appeal, Event, Kind
from hromada.directory.models import Membership
from hromada.messaging.models import Delivery
from hromada.messaging.models import Kind as MessageKind
from hromada.messaging.notify import notification_send
from hromada.messaging.rendering import Content

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
# What the author (and the co-signers) are told; the rest is staff work.
AUTHOR_TEMPLATES = {
    "accepted",
    "registered",
    "answered",
    "returned",
    "forwarded",
    "extended",
    "not_considered",
    "duplicate",
    "sign_request",
}


def notify(
    *,
    appeal: Appeal,
    template: str,
    recipients: Iterable[str],
    event: Event | None = None,
    key_suffix: str = "",
) -> list[Delivery]:
    """Owe these people the notification; its sending starts when the transaction commits."""
    assert template in TEMPLATES, template
    emails = list(dict.fromkeys(r.strip().lower() for r in recipients if r and r.strip()))
    if not emails:
        return []
    accounts = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    kind = MessageKind.APPEAL_STATUS if template in AUTHOR_TEMPLATES else MessageKind.SERVICE
    context = {"appeal": appeal.pk, "event": event.pk if event else None}
    # The inbox shows what the e-mail says, in the site's language.
    content = _render(template, appeal, event)
    url = (
        appeal.get_absolute_url()
        if kind == MessageKind.APPEAL_STATUS
        else reverse("appeals:office_detail", kwargs={"pk": appeal.pk})
    )
    created = []
    for recipient in emails:
        key = f"appeals:{template}:{appeal.pk}:{event.pk if event else ''}:{key_suffix}:{recipient}"
        created += notification_send(
            kind=kind,
            user_id=accounts.get(recipient),
            email=recipient,
            subject=content.subject,
            body=content.text,
            url=url,
            template=f"appeals.{template}",
            context=context,
            source=f"appeals.appeal:{appeal.pk}",
            key=key[:200],
        )
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


def _render(template: str, appeal: Appeal, event: Event | None) -> Content:
    context = {
        "appeal": appeal,
        "event": event,
        "site_url": settings.SITE_URL.rstrip("/"),
        "city_name": settings.CITY_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"appeals/email/{template}_subject.txt", context)
        body = render_to_string(f"appeals/email/{template}.txt", context)
    return Content(subject=" ".join(subject.split()), text=body)


def render(name: str, context: dict, delivery: Delivery) -> Content:
    """The messaging layer's renderer for ``appeals.<template>``: the e-mail as of sending."""
    appeal = Appeal.objects.select_related("addressee").get(pk=context["appeal"])
    event = Event.objects.filter(pk=context.get("event")).first() if context.get("event") else None
    content = _render(name, appeal, event)
    # The link of a Telegram button or a browser notification (e-mails carry it in the text).
    content.url = delivery.message.url
    return content
