"""Turning "tell these people" into delivery rows: preferences, addresses, quiet hours.

Works on batches: the facts of a batch of recipients are read in a fixed number of queries
(users, preferences, settings, push subscriptions, suppressed addresses), whatever its size.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from hromada.core.deadlines import KYIV
from hromada.messaging.channels import channel_classes
from hromada.messaging.models import (
    Channel,
    Delivery,
    Frequency,
    Kind,
    Message,
    Preference,
    Profile,
    PushSubscription,
    Status,
    SuppressedAddress,
)

# What a person gets before choosing anything.
DEFAULT_CHANNELS: dict[str, list[str]] = {
    Kind.APPEAL_STATUS: [Channel.INBOX, Channel.EMAIL],
    Kind.QUEUE: [Channel.INBOX, Channel.EMAIL],
    Kind.SURVEY: [Channel.INBOX],
    Kind.SUBSCRIPTION: [Channel.INBOX, Channel.EMAIL],
    Kind.MAILING: [Channel.INBOX, Channel.EMAIL],
    Kind.SERVICE: [Channel.INBOX, Channel.EMAIL],
    Kind.APPEAL_SUMMARY: [Channel.EMAIL],
    Kind.DIGEST: [Channel.EMAIL],
}
# The kinds a person sets in the cabinet (the digest follows the others).
CHOOSABLE_KINDS = [
    Kind.APPEAL_STATUS,
    Kind.QUEUE,
    Kind.SURVEY,
    Kind.SUBSCRIPTION,
    Kind.MAILING,
    Kind.SERVICE,
    Kind.APPEAL_SUMMARY,
]


@dataclass(frozen=True)
class Recipient:
    """One recipient of a fan-out, with the channels and frequency its subscription chose
    (None: the person's own preferences for the kind)."""

    user_id: int
    channels: Sequence[str] | None = None
    frequency: str | None = None


def quiet_until(profile: Profile | None, now: datetime) -> datetime | None:
    """The end of the person's quiet hours (Kyiv time) when ``now`` falls in them."""
    if profile is None or profile.quiet_from is None or profile.quiet_to is None:
        return None
    start, end = profile.quiet_from, profile.quiet_to
    if start == end:
        return None
    local = timezone.localtime(now, KYIV)
    clock = local.time()
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=KYIV)


class Facts:
    """What is known about a batch of users, read in a fixed number of queries."""

    def __init__(self, user_ids: Sequence[int], kind: str):
        from hromada.accounts.models import User

        ids = list(user_ids)
        self.emails = dict(
            User.objects.filter(pk__in=ids, is_active=True).values_list("pk", "email")
        )
        self.preferences = {
            p.user_id: p for p in Preference.objects.filter(user_id__in=ids, kind=kind)
        }
        self.profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=ids)}
        self.push: dict[int, list[int]] = defaultdict(list)
        for pk, user_id in PushSubscription.objects.filter(
            user_id__in=ids, expired_at__isnull=True
        ).values_list("pk", "user_id"):
            self.push[user_id].append(pk)
        self.suppressed = suppressed_addresses(self.emails.values(), kind)


def suppressed_addresses(addresses, kind: str) -> dict[str, str]:
    """address → reason, for those nothing of ``kind`` may be sent to."""
    addresses = [a.lower() for a in addresses if a]
    if not addresses:
        return {}
    return dict(
        SuppressedAddress.objects.filter(address__in=addresses)
        .filter(Q(kind="") | Q(kind=kind))
        .values_list("address", "reason")
    )


def plan_deliveries(
    *,
    message: Message,
    user_id: int | None,
    email: str,
    facts: Facts | None,
    suppressed: dict[str, str],
    channels: Sequence[str] | None,
    frequency: str | None,
    now: datetime,
) -> list[Delivery]:
    """The unsaved delivery rows of one recipient."""
    classes = channel_classes()
    preference = facts.preferences.get(user_id) if facts and user_id else None
    profile = facts.profiles.get(user_id) if facts and user_id else None
    if channels is None:
        channels = preference.channels if preference is not None else DEFAULT_CHANNELS[message.kind]
    if frequency is None:
        frequency = preference.frequency if preference is not None else Frequency.IMMEDIATE
    if user_id is None:
        channels = [Channel.EMAIL]  # an address without an account: e-mail is all there is
    quiet = quiet_until(profile, now)
    rows = []
    for code in channels:
        cls = classes.get(code)
        if cls is None:
            continue  # a channel switched off since the person chose it
        push = facts.push.get(user_id, []) if facts and user_id else []
        for address in cls().addresses(user_id=user_id, email=email, profile=profile, push=push):
            row = Delivery(message=message, user_id=user_id, channel=code, address=address)
            if cls.immediate:
                row.status, row.sent_at = Status.SENT, now
            elif code == Channel.EMAIL and address in suppressed:
                row.status, row.failed_at = Status.FAILED, now
                row.reason = f"suppressed: {suppressed[address]}"
            elif frequency == Frequency.DAILY and message.kind != Kind.DIGEST:
                row.status = Status.HELD
            elif quiet is not None:
                row.not_before = quiet
            rows.append(row)
    return rows
