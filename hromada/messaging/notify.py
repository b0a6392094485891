"""The public way for any app to tell people something.

Personal notification (one person, their preferences respected)::

    from hromada.messaging.notify import notification_send

    notification_send(
        kind=Kind.APPEAL_STATUS,          # decides which of the person's preferences apply
        user_id=appeal.author_id,         # or email="..." for an address with no account
        subject="...", body="...", url="/appeals/12/",
        source="appeals.appeal:12",       # what it is about (for lookups)
        key="answered:12:345",            # optional: the same key twice owes it once
    )

or with a registered template (``template="appeals.answered", context={...}``) that renders
per channel (see hromada.messaging.rendering.register_renderer).

Fan-out (one message to many, e.g. a news post to 100,000 subscribers)::

    from hromada.messaging.notify import Recipient, notification_fan_out

    notification_fan_out(
        recipients=(Recipient(user_id=s.user_id, channels=s.channels, frequency=s.frequency)
                    for s in subscriptions),   # or plain user ids: their preferences apply
        kind=Kind.SUBSCRIPTION,
        subject=post.title, body=post.lead, url=post.get_absolute_url(),
        source=f"news.post:{post.pk}", key=f"news.post:{post.pk}",
    )

Both write the delivery rows (queued) and their senders' jobs in the caller's transaction:
call them inside the transaction of the action they report. The fan-out inserts
in batches (``batch_size``) with a fixed number of queries per batch, and with a ``key`` it
can be run again after a crash: it adds only the deliveries still missing.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from django.db import IntegrityError, transaction
from django.utils import timezone

from hromada.messaging.models import Delivery, Kind, Message, Status
from hromada.messaging.planning import Facts, Recipient, plan_deliveries, suppressed_addresses

__all__ = ["FanOut", "Recipient", "notification_fan_out", "notification_send"]

# How many parallel senders a large fan-out starts per channel (workers take them in turn).
FAN_OUT_SENDERS = 4


@dataclass(frozen=True)
class FanOut:
    message_id: int
    recipients: int
    deliveries: int


def _start_senders(*, message_id: int, channels: set[str], senders: int = 1) -> None:
    from hromada.messaging.tasks import deliveries_send

    # The database task queue writes the job in the caller's transaction: the deliveries and
    # their senders are committed together, or neither is.
    for channel in sorted(channels):
        for _ in range(senders):
            deliveries_send.enqueue(channel=channel, message_id=message_id)


def notification_send(
    *,
    kind: str,
    user_id: int | None = None,
    email: str = "",
    subject: str = "",
    body: str = "",
    url: str = "",
    template: str = "",
    context: dict | None = None,
    source: str = "",
    key: str | None = None,
    channels: Sequence[str] | None = None,
) -> list[Delivery]:
    """Owe one person (``user_id``; ``email`` then overrides their account's address) or one
    address (``email`` alone) a notification of ``kind``
    through the channels they chose for it (or ``channels``, for duties like a copy to a
    department's mailbox). Returns the delivery rows written ([] when ``key`` was owed
    already, or the person receives nothing of this kind)."""
    assert kind in Kind.values, kind
    assert user_id or email, "a person or an address"
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    kind=kind,
                    template=template,
                    context=context or {},
                    subject=subject[:300],
                    body=body,
                    url=url,
                    source=source,
                    key=key[:200] if key else None,
                )
        except IntegrityError:
            return []  # already owed
        facts = None
        if user_id is not None:
            facts = Facts([user_id], kind)
            if user_id not in facts.emails:
                return []  # a deactivated account hears nothing
            # An address given with a person (a booking's own e-mail) takes precedence.
            email = email.strip().lower() or facts.emails[user_id]
            suppressed = facts.suppressed | suppressed_addresses([email], kind)
        else:
            suppressed = suppressed_addresses([email], kind)
        rows = plan_deliveries(
            message=message,
            user_id=user_id,
            email=email,
            facts=facts,
            suppressed=suppressed,
            channels=channels,
            frequency=None,
            now=now,
        )
        return _write(message, rows)


def _write(message: Message, rows: list[Delivery]) -> list[Delivery]:
    rows = Delivery.objects.bulk_create(rows)
    queued = {r.channel for r in rows if r.status == Status.QUEUED and r.not_before is None}
    if queued:
        _start_senders(message_id=message.pk, channels=queued)
    return rows


def notification_fan_out(
    *,
    recipients: Iterable[int | Recipient],
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    source: str = "",
    key: str | None = None,
    template: str = "",
    context: dict | None = None,
    batch_size: int = 2000,
) -> FanOut:
    """Owe one message to many people: ``recipients`` are user ids (their preferences for
    ``kind`` apply) or ``Recipient`` rows carrying a subscription's own channels and
    frequency. Deliveries are inserted ``batch_size`` at a time, with their senders' jobs, in one
    transaction."""
    assert kind in Kind.values, kind
    now = timezone.now()
    with transaction.atomic():
        message, created = (
            Message.objects.get_or_create(
                key=key[:200],
                defaults={
                    "kind": kind,
                    "subject": subject[:300],
                    "body": body,
                    "url": url,
                    "source": source,
                    "template": template,
                    "context": context or {},
                },
            )
            if key
            else (
                Message.objects.create(
                    kind=kind,
                    subject=subject[:300],
                    body=body,
                    url=url,
                    source=source,
                    template=template,
                    context=context or {},
                ),
                True,
            )
        )
        people = deliveries = 0
        channels: set[str] = set()
        iterator = iter(recipients)
        while batch := list(islice(iterator, batch_size)):
            wanted = [r if isinstance(r, Recipient) else Recipient(user_id=r) for r in batch]
            facts = Facts([r.user_id for r in wanted], kind)
            rows: list[Delivery] = []
            for recipient in wanted:
                if recipient.user_id not in facts.emails:
                    continue
                people += 1
                rows += plan_deliveries(
                    message=message,
                    user_id=recipient.user_id,
                    email=facts.emails[recipient.user_id],
                    facts=facts,
                    suppressed=facts.suppressed,
                    channels=recipient.channels,
                    frequency=recipient.frequency,
                    now=now,
                )
            # A second run of the same key adds only the rows still missing.
            Delivery.objects.bulk_create(rows, ignore_conflicts=not created)
            deliveries += len(rows)
            channels |= {r.channel for r in rows if r.status == Status.QUEUED}
        if channels:
            _start_senders(message_id=message.pk, channels=channels, senders=FAN_OUT_SENDERS)
    return FanOut(message_id=message.pk, recipients=people, deliveries=deliveries)
