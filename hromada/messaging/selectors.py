"""Reading deliveries and settings for the cabinet, the API and the back office."""

from django.db.models import Count, Q, QuerySet

from hromada.messaging.models import (
    Channel,
    Delivery,
    Frequency,
    Kind,
    Mailing,
    Preference,
    Profile,
    PushSubscription,
    Status,
)
from hromada.messaging.planning import CHOOSABLE_KINDS, DEFAULT_CHANNELS


def inbox(user) -> QuerySet[Delivery]:
    """A person's inbox, newest first."""
    return (
        Delivery.objects.filter(user=user, channel=Channel.INBOX)
        .select_related("message")
        .order_by("-created_at", "-pk")
    )


UNREAD_SHOWN = 99


def unread_count(user) -> int:
    """Unread inbox messages, counted up to 100 (the menu says "99+"): reading at most a
    hundred index entries, never counting a long-neglected inbox."""
    if not user.is_authenticated:
        return 0
    unread = Delivery.objects.filter(user=user, channel=Channel.INBOX, opened_at__isnull=True)
    return len(unread.values_list("pk", flat=True)[: UNREAD_SHOWN + 1])


def preferences_of(user) -> list[dict]:
    """Each choosable kind with the person's channels and frequency (or the defaults)."""
    chosen = {p.kind: p for p in Preference.objects.filter(user=user)}
    rows = []
    for kind in CHOOSABLE_KINDS:
        preference = chosen.get(kind)
        rows.append(
            {
                "kind": kind,
                "label": Kind(kind).label,
                "channels": list(preference.channels if preference else DEFAULT_CHANNELS[kind]),
                "frequency": preference.frequency if preference else Frequency.IMMEDIATE,
            }
        )
    return rows


def profile_of(user) -> Profile:
    return Profile.objects.filter(user=user).select_related("district").first() or Profile(
        user=user
    )


def push_subscriptions_of(user) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user, expired_at__isnull=True).order_by("pk")


def mailings() -> QuerySet[Mailing]:
    return Mailing.objects.select_related("template", "district", "created_by").order_by(
        "-scheduled_at", "-pk"
    )


def mailing_counts(mailing: Mailing) -> dict[str, int]:
    """Per status, over every delivery of the mailing."""
    rows = (
        Delivery.objects.filter(message__mailing=mailing).values("status").annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts["opened"] = Delivery.objects.filter(
        message__mailing=mailing, opened_at__isnull=False
    ).count()
    return counts


def mailing_deliveries(mailing: Mailing, *, status: str = "") -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(message__mailing=mailing).select_related("user")
    if status:
        rows = rows.filter(Q(status=status))
    return rows.order_by("pk")
