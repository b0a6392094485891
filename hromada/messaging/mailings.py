"""Mass mailings by staff: templates with {{ placeholders }}, recipient lists, scheduled
sending through the same deliveries as every notification, retrying failures."""

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.core.audit import audit_event_record
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.messaging.channels import channel_codes
from hromada.messaging.models import (
    Channel,
    Delivery,
    Kind,
    Mailing,
    MailingTemplate,
    Message,
    Preference,
    Profile,
    Status,
)
from hromada.messaging.planning import DEFAULT_CHANNELS, plan_deliveries, suppressed_addresses
from hromada.messaging.rendering import Content, register_renderer

PLACEHOLDER = re.compile(r"{{\s*([^{}]*?)\s*}}")
PLACEHOLDERS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "patronymic": "patronymic",
    "full_name": "full_name",
    "email": "email",
}
KNOWN = sorted([*PLACEHOLDERS, "city"])
LIST_MAX = 100_000
BATCH = 2000


def placeholders_check(*texts: str) -> None:
    """Refuse a text with a placeholder this module cannot fill, naming the known ones."""
    unknown = sorted({m for text in texts for m in PLACEHOLDER.findall(text)} - set(KNOWN))
    if unknown:
        raise ValidationFailed(
            _("Unknown placeholder: %(unknown)s. Known placeholders: %(known)s.")
            % {
                "unknown": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
                "known": ", ".join(f"{{{{ {name} }}}}" for name in KNOWN),
            },
            field="body",
            extra={"unknown": unknown, "known": KNOWN},
        )


def fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)


def _check_staff(actor) -> None:
    if not actor.has_perm("messaging.send_mailings"):
        raise PermissionDenied(_("You may not prepare mailings."))


def mailing_template_save(
    *, actor, subject: str, body: str, name: str, template_id: int | None = None
) -> MailingTemplate:
    _check_staff(actor)
    if not subject.strip() or not body.strip() or not name.strip():
        raise ValidationFailed(_("A template needs a name, a subject and a text."))
    placeholders_check(subject, body)
    with transaction.atomic():
        if template_id is None:
            template = MailingTemplate(created_by=actor)
        else:
            template = MailingTemplate.objects.select_for_update().filter(pk=template_id).first()
            if template is None:
                raise NotFound(_("No such template."))
        template.name, template.subject, template.body = name.strip(), subject.strip(), body
        template.save()
        audit_event_record(actor=actor, action="messaging.template_saved", target=template)
    return template


def emails_from_csv(data: bytes) -> list[str]:
    """E-mail addresses from an uploaded CSV (any column; a header row is skipped)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("The list must be a CSV file in UTF-8."), field="file") from exc
    found, bad = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        emails = [c for c in cells if "@" in c]
        if not emails:
            if number == 1:
                continue  # a header
            bad.append(f"{number}: {cells[0][:60]}")
            continue
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                bad.append(f"{number}: {email[:60]}")
            else:
                found.append(email.lower())
    if bad:
        raise ValidationFailed(
            _("These lines of the list are not e-mail addresses: %s.") % "; ".join(bad[:10]),
            field="file",
        )
    found = list(dict.fromkeys(found))
    if len(found) > LIST_MAX:
        raise ValidationFailed(_("A list may hold at most %d addresses.") % LIST_MAX, field="file")
    return found


def _accounts_of(emails: list[str]) -> dict[str, tuple[int, bool]]:
    """address → (user id, active) for the addresses that belong to an account; read in
    chunks, so a list of 100,000 never makes one giant IN (…)."""
    found: dict[str, tuple[int, bool]] = {}
    users = get_user_model().objects
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for pk, email, active in users.filter(email__in=chunk).values_list(
            "pk", "email", "is_active"
        ):
            found[email] = (pk, active)
    return found


def audience_ids(mailing: Mailing) -> Iterator[int]:
    """The ids of the accounts a mailing goes to (for a list: those whose address matches)."""
    if mailing.audience == Mailing.Audience.LIST:
        yield from sorted(pk for pk, active in _accounts_of(mailing.emails).values() if active)
        return
    yield from _audience_users(mailing).values_list("pk", flat=True).iterator(chunk_size=BATCH)


def _audience_users(mailing: Mailing) -> QuerySet:
    users = get_user_model().objects.filter(is_active=True)
    if mailing.audience == Mailing.Audience.DISTRICT:
        users = users.filter(
            pk__in=Profile.objects.filter(district_id=mailing.district_id).values("user_id")
        )
    elif mailing.audience == Mailing.Audience.ROLE:
        users = users.filter(groups__name=mailing.role)
    elif mailing.audience == Mailing.Audience.KIND:
        # Everyone receives a kind unless they emptied its channels.
        silent = Preference.objects.filter(kind=mailing.kind, channels=[]).values("user_id")
        users = users.exclude(pk__in=silent)
    return users.order_by("pk")


def _list_only(mailing: Mailing) -> list[str]:
    """Addresses of the uploaded list that belong to no account."""
    if mailing.audience != Mailing.Audience.LIST:
        return []
    taken = _accounts_of(mailing.emails)
    return [e for e in mailing.emails if e not in taken]


def audience_size(mailing: Mailing) -> int:
    if mailing.audience == Mailing.Audience.LIST:
        accounts = _accounts_of(mailing.emails)
        active = sum(1 for _pk, is_active in accounts.values() if is_active)
        return active + len(mailing.emails) - len(accounts)
    return _audience_users(mailing).count()


def mailing_create(
    *,
    actor,
    title: str,
    template_id: int,
    channels: list[str],
    audience: str,
    scheduled_at: datetime | None = None,
    district_id: int | None = None,
    role: str = "",
    kind: str = "",
    emails: list[str] | None = None,
) -> Mailing:
    _check_staff(actor)
    from hromada.accounts.roles import Role

    template = MailingTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise ValidationFailed(_("Choose a template."), field="template")
    placeholders_check(template.subject, template.body)
    channels = [c for c in channel_codes() if c in set(channels)]
    if not channels:
        raise ValidationFailed(_("Choose at least one channel."), field="channels")
    if audience not in Mailing.Audience.values:
        raise ValidationFailed(_("Choose the recipients."), field="audience")
    if audience == Mailing.Audience.DISTRICT and not district_id:
        raise ValidationFailed(_("Choose a district."), field="district")
    if audience == Mailing.Audience.ROLE and role not in Role.values:
        raise ValidationFailed(_("Choose a role."), field="role")
    if audience == Mailing.Audience.KIND and kind not in Kind.values:
        raise ValidationFailed(_("Choose a kind of notification."), field="kind")
    mailing = Mailing(
        title=title.strip() or template.name,
        template=template,
        channels=channels,
        audience=audience,
        district_id=district_id if audience == Mailing.Audience.DISTRICT else None,
        role=role if audience == Mailing.Audience.ROLE else "",
        kind=kind if audience == Mailing.Audience.KIND else "",
        emails=list(emails or []) if audience == Mailing.Audience.LIST else [],
        scheduled_at=scheduled_at or timezone.now(),
        created_by=actor,
    )
    size = audience_size(mailing)
    if size == 0:
        raise ValidationFailed(
            _("Nobody matches these recipients: the mailing would reach no one."),
            field="audience",
            code="empty_audience",
        )
    with transaction.atomic():
        mailing.recipients_count = size
        mailing.save()
        audit_event_record(
            actor=actor,
            action="messaging.mailing_scheduled",
            target=mailing,
            recipients=size,
            at=mailing.scheduled_at.isoformat(),
        )
    return mailing


def mailing_start(*, mailing_id: int) -> int:
    """Write the deliveries of a due mailing, all in one transaction that holds the mailing's
    row: a second worker waits, then finds it started; a crash writes nothing."""
    from hromada.messaging.notify import _start_senders, notification_fan_out

    with transaction.atomic():
        mailing = (
            Mailing.objects.select_for_update()
            .filter(pk=mailing_id, state=Mailing.State.SCHEDULED)
            .select_related("template")
            .first()
        )
        if mailing is None:
            return 0
        template = mailing.template
        preferences = Preference.objects.filter(kind=Kind.MAILING)
        fan = notification_fan_out(
            recipients=_within(audience_ids(mailing), mailing.channels, preferences),
            kind=Kind.MAILING,
            subject=template.subject,
            body=template.body,
            template="messaging.mailing",
            source=f"messaging.mailing:{mailing.pk}",
            key=f"messaging.mailing:{mailing.pk}",
            batch_size=BATCH,
        )
        message = Message.objects.get(pk=fan.message_id)
        Message.objects.filter(pk=message.pk).update(mailing=mailing)
        extra = 0
        if Channel.EMAIL in mailing.channels:
            now = timezone.now()
            addresses = _list_only(mailing)
            suppressed = suppressed_addresses(addresses, Kind.MAILING)
            rows = []
            for address in addresses:
                rows += plan_deliveries(
                    message=message,
                    user_id=None,
                    email=address,
                    facts=None,
                    suppressed=suppressed,
                    channels=None,
                    frequency=None,
                    now=now,
                )
            Delivery.objects.bulk_create(rows, batch_size=BATCH)
            extra = len(rows)
            if rows:
                _start_senders(message_id=message.pk, channels={Channel.EMAIL})
        mailing.state = Mailing.State.SENT
        mailing.save(update_fields=["state"])
        audit_event_record(
            actor=None,
            action="messaging.mailing_started",
            target=mailing,
            deliveries=fan.deliveries + extra,
        )
    return fan.deliveries + extra


def _within(user_ids, channels: list[str], preferences: QuerySet):
    """Recipients limited to the mailing's channels that each person keeps for mailings."""
    from hromada.messaging.notify import Recipient

    batch: list[int] = []

    def flush():
        chosen = dict(preferences.filter(user_id__in=batch).values_list("user_id", "channels"))
        for user_id in batch:
            own = chosen.get(user_id, DEFAULT_CHANNELS[Kind.MAILING])
            yield Recipient(user_id=user_id, channels=[c for c in channels if c in own])

    for user_id in user_ids:
        batch.append(user_id)
        if len(batch) >= BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def mailings_start_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = Mailing.objects.filter(state=Mailing.State.SCHEDULED, scheduled_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(mailing_start(mailing_id=pk) for pk in list(due[:20]))


def mailing_cancel(*, actor, mailing_id: int) -> Mailing:
    _check_staff(actor)
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None:
            raise NotFound(_("No such mailing."))
        if mailing.state != Mailing.State.SCHEDULED:
            raise Conflict(_("Only a mailing that has not started can be cancelled."))
        mailing.state = Mailing.State.CANCELLED
        mailing.save(update_fields=["state"])
        audit_event_record(actor=actor, action="messaging.mailing_cancelled", target=mailing)
    return mailing


def mailing_retry_failed(*, actor, mailing_id: int) -> int:
    """Queue again the failed deliveries a retry may fix (not bounced or suppressed ones)."""
    from hromada.messaging.notify import _start_senders

    _check_staff(actor)
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None:
            raise NotFound(_("No such mailing."))
        failed = (
            Delivery.objects.filter(message__mailing=mailing, status=Status.FAILED)
            .exclude(reason__startswith="bounced")
            .exclude(reason__startswith="suppressed")
            .exclude(reason__startswith="push subscription expired")
        )
        channels = set(failed.values_list("channel", flat=True).distinct())
        retried = Delivery.objects.filter(pk__in=failed.values("pk")).update(
            status=Status.QUEUED, attempts=0, not_before=None, failed_at=None
        )
        for message_id in mailing.messages.values_list("pk", flat=True):
            _start_senders(message_id=message_id, channels=channels)
        audit_event_record(
            actor=actor, action="messaging.mailing_retried", target=mailing, retried=retried
        )
    return retried


def render_mailing(name: str, context: dict, delivery: Delivery) -> Content:
    message = delivery.message
    user = delivery.user
    values = {"city": settings.CITY_NAME, "email": delivery.address}
    if user is not None:
        values.update({key: getattr(user, attr) or "" for key, attr in PLACEHOLDERS.items()})
        values["email"] = user.email
    return Content(
        subject=fill(message.subject, values), text=fill(message.body, values), url=message.url
    )


register_renderer("messaging", render_mailing)
