"""The daily digest: what a person chose to receive once a day, bundled into one message
per channel at MESSAGING_DIGEST_HOUR (Kyiv time)."""

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext, override

from hromada.core.deadlines import KYIV
from hromada.messaging.models import Delivery, Kind, Message, Profile, Status
from hromada.messaging.planning import quiet_until
from hromada.messaging.rendering import absolute

MOST_ITEMS = 50


def _digest_text(rows: list[Delivery]) -> str:
    lines = []
    for row in rows[:MOST_ITEMS]:
        message = row.message
        lines.append(f"• {message.subject or message.template}")
        if message.url:
            lines.append(f"  {absolute(message.url)}")
    if len(rows) > MOST_ITEMS:
        rest = len(rows) - MOST_ITEMS
        lines.append(ngettext("…and %(n)d more.", "…and %(n)d more.", rest) % {"n": rest})
    return "\n".join(lines)


def digests_send(*, now: datetime | None = None) -> int:
    """Bundle the held deliveries of every person and channel held before today's digest
    hour; returns how many digests were written. Safe to run again: bundled rows are no
    longer held."""
    from hromada.messaging.notify import _start_senders

    now = now or timezone.now()
    local = timezone.localtime(now, KYIV)
    cutoff = datetime.combine(local.date(), time(settings.MESSAGING_DIGEST_HOUR), tzinfo=KYIV)
    if local < cutoff:
        return 0
    groups = (
        Delivery.objects.filter(status=Status.HELD, created_at__lt=cutoff)
        .values_list("user_id", "channel", "address")
        .distinct()
    )
    written = 0
    for user_id, channel, address in list(groups):
        with transaction.atomic():
            rows = list(
                Delivery.objects.filter(
                    status=Status.HELD,
                    created_at__lt=cutoff,
                    user_id=user_id,
                    channel=channel,
                    address=address,
                )
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("message")
                .order_by("created_at", "pk")
            )
            if not rows:
                continue
            with override(settings.LANGUAGE_CODE):
                subject = ngettext(
                    "Your daily digest: %(n)d notification",
                    "Your daily digest: %(n)d notifications",
                    len(rows),
                ) % {"n": len(rows)}
                message = Message.objects.create(
                    kind=Kind.DIGEST,
                    subject=subject,
                    body=_digest_text(rows),
                    source=f"messaging.digest:{local.date().isoformat()}",
                )
            profile = Profile.objects.filter(user_id=user_id).first()
            digest = Delivery.objects.create(
                message=message,
                user_id=user_id,
                channel=channel,
                address=address,
                not_before=quiet_until(profile, now),
            )
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=Status.DIGESTED, digest=digest, sent_at=now
            )
            if digest.not_before is None:
                _start_senders(message_id=message.pk, channels={channel})
            written += 1
    return written
