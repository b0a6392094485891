"""Reading appeals: who sees which, the back office's queues, timelines and statistics.

``appeals_visible_to`` is the one place that turns the rules of rules.py into SQL, so lists
never show what the object rules would refuse.
"""

import base64
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.appeals.models import (
    OPEN_STATES,
    Appeal,
    Event,
    Kind,
    Signer,
    State,
)
from hromada.core.deadlines import KYIV, ONE_DAY
from hromada.core.errors import ValidationFailed
from hromada.directory.models import Membership
from hromada.directory.services import normalize_search

PAGE_SIZE = 50
DUE_SOON_DAYS = 3

QUEUES = {
    "triage": _("New and triage"),
    "mine": _("Mine"),
    "addressee": _("My addressee's"),
    "overdue": _("Overdue"),
    "due_soon": _("Due soon"),
    "all": _("All I may see"),
}


def day_start(day: date) -> datetime:
    """Midnight in Kyiv: dates in filters are the community's dates, and the comparison
    stays on the indexed column."""
    return datetime.combine(day, time.min, tzinfo=KYIV)


def appeals_visible_to(user: User) -> QuerySet[Appeal]:
    """Every appeal the person may open (see rules.py for the same decision per object)."""
    appeals = Appeal.objects.all()
    if not user.is_authenticated or not user.is_active:
        return appeals.none()
    roles = user.roles
    own = Q(author=user) | Q(Exists(Signer.objects.filter(appeal=OuterRef("pk"), user=user)))
    corruption = Q(kind=Kind.CORRUPTION_REPORT)
    visible = own
    if Role.ANTICORRUPTION in roles:
        visible |= corruption
    if Role.OPERATOR in roles or Role.ADMINISTRATOR in roles or user.is_superuser:
        visible |= ~corruption
    else:
        staff_of = Membership.objects.filter(user=user).values("addressee_id")
        visible |= ~corruption & (Q(addressee_id__in=staff_of) | Q(executor=user))
    return appeals.filter(visible)


def appeals_of_author(user: User) -> QuerySet[Appeal]:
    """The citizen's cabinet: the appeals they wrote or co-signed."""
    if not user.is_authenticated:
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(
            Q(author=user) | Q(Exists(Signer.objects.filter(appeal=OuterRef("pk"), user=user)))
        )
        .select_related("addressee", "category")
        .order_by("-received_at", "-pk")
    )


def invitations_of(user: User) -> list[Signer]:
    """Invitations to co-sign that still wait for this person's confirmation."""
    return list(
        Signer.objects.filter(user=user, confirmed_at__isnull=True, appeal__state__in=OPEN_STATES)
        .select_related("appeal", "appeal__addressee")
        .order_by("-invited_at", "-pk")
    )


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    state: str = ""
    addressee_id: int | None = None
    category_id: int | None = None
    district_id: int | None = None
    channel: str = ""
    received_from: date | None = None
    received_to: date | None = None
    query: str = ""
    # "support": the most supported problem reports first (public support raises their
    # priority), then the earliest deadline; otherwise the earliest deadline first.
    sort: str = ""


def _filtered(appeals: QuerySet[Appeal], filters: Filters) -> QuerySet[Appeal]:
    if filters.kind:
        appeals = appeals.filter(kind=filters.kind)
    if filters.state:
        appeals = appeals.filter(state=filters.state)
    if filters.addressee_id:
        appeals = appeals.filter(addressee_id=filters.addressee_id)
    if filters.category_id:
        appeals = appeals.filter(category_id=filters.category_id)
    if filters.district_id:
        appeals = appeals.filter(district_id=filters.district_id)
    if filters.channel:
        appeals = appeals.filter(channel=filters.channel)
    if filters.received_from:
        appeals = appeals.filter(received_at__gte=day_start(filters.received_from))
    if filters.received_to:
        appeals = appeals.filter(received_at__lt=day_start(filters.received_to + ONE_DAY))
    if filters.query:
        # Exact matches use the unique index; numbers are kept with an upper-case initial.
        typed = filters.query.strip()
        number = Q(number__in={typed, typed.upper()})
        # Every word, in any order (as the directory's search): "Шевченка ліхтар" finds
        # "ліхтар на вулиці Шевченка".
        words = Q()
        for word in normalize_search(filters.query).split()[:8]:
            words &= Q(search_text__contains=word)
        appeals = appeals.filter(number | words)
    return appeals


def queue(
    user: User, name: str, filters: Filters | None = None, *, now: datetime | None = None
) -> QuerySet[Appeal]:
    """One of the back office's queues, earliest deadline first."""
    if name not in QUEUES:
        raise ValidationFailed(_("No such queue."), field="queue")
    now = now or timezone.now()
    appeals = appeals_visible_to(user)
    if name == "triage":
        appeals = appeals.filter(state=State.SUBMITTED)
    elif name == "mine":
        appeals = appeals.filter(executor=user, state__in=OPEN_STATES)
    elif name == "addressee":
        staff_of = Membership.objects.filter(user=user).values("addressee_id")
        appeals = appeals.filter(addressee_id__in=staff_of, state__in=OPEN_STATES)
    elif name == "overdue":
        appeals = appeals.filter(state__in=OPEN_STATES, due_at__lt=now)
    elif name == "due_soon":
        appeals = appeals.filter(
            state__in=OPEN_STATES, due_at__gte=now, due_at__lt=now + timedelta(days=DUE_SOON_DAYS)
        )
    filters = filters or Filters()
    appeals = _filtered(appeals, filters).select_related("addressee", "category", "executor")
    if filters.sort == "support":
        return appeals.order_by("-support_count", "due_at", "pk")
    return appeals.order_by("due_at", "pk")


def encode_cursor(appeal: Appeal, *, by_support: bool = False) -> str:
    raw = f"{appeal.due_at.isoformat()}|{appeal.pk}"
    if by_support:
        raw = f"{appeal.support_count}|{raw}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, by_support: bool = False) -> tuple[int, datetime, int]:
    """(supporters, deadline, id) of the last row of the page before; supporters are 0 for
    the order by deadline."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = raw.split("|")
        support = int(parts.pop(0)) if by_support else 0
        due, pk = parts
        due_at = parse_datetime(due)
        if due_at is None or support < 0:
            raise ValueError(due)
        return support, due_at, int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(_("The page address is not valid."), field="after") from exc


def page_after(
    appeals: QuerySet[Appeal], cursor: str = "", size: int = PAGE_SIZE, *, by_support: bool = False
) -> tuple[list[Appeal], str]:
    """Keyset pagination over (due_at, id), or (supporters descending, due_at, id) for the
    most supported first: the same cost on page 1 and page 20,000."""
    if cursor:
        support, due_at, pk = decode_cursor(cursor, by_support=by_support)
        after = Q(due_at__gt=due_at) | Q(due_at=due_at, pk__gt=pk)
        if by_support:
            # The redundant bound lets the database seek into the (supporters, due_at, id)
            # index instead of reading it from the start and filtering the OR.
            appeals = appeals.filter(support_count__lte=support).filter(
                Q(support_count__lt=support) | (Q(support_count=support) & after)
            )
        else:
            # The same for the (due_at, id) index.
            appeals = appeals.filter(due_at__gte=due_at).filter(after)
    rows = list(appeals[: size + 1])
    following = ""
    if len(rows) > size:
        following = encode_cursor(rows[size - 1], by_support=by_support)
    return rows[:size], following


def appeal_for(user: User, pk: int) -> Appeal | None:
    """One appeal with what its page needs, or None when the person may not see it."""
    appeal = (
        Appeal.objects.select_related(
            "addressee",
            "category",
            "district",
            "executor",
            "duplicate_of",
            "repeated_of",
            "complaint_about",
            "registered_by",
        )
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not user.has_perm("appeals.view_appeal", appeal):
        return None
    return appeal


def timeline(appeal: Appeal, *, internals: bool) -> QuerySet[Event]:
    events = appeal.events.select_related("actor").order_by("created_at", "pk")
    return events if internals else events.filter(is_public=True)


def earlier_of_author(appeal: Appeal, user: User, limit: int = 10) -> list[Appeal]:
    if appeal.author_id is None and not appeal.author_email:
        return []
    same = (
        Q(author_id=appeal.author_id)
        if appeal.author_id
        else Q(author_email__iexact=appeal.author_email)
    )
    return list(
        appeals_visible_to(user)
        .filter(same)
        .exclude(pk=appeal.pk)
        .select_related("addressee")
        .order_by("-received_at")[:limit]
    )


def similar(appeal: Appeal, user: User, limit: int = 10) -> list[Appeal]:
    """The same category in the same district (or to the same addressee) this past year."""
    if appeal.category_id is None:
        return []
    place = (
        Q(district_id=appeal.district_id)
        if appeal.district_id
        else Q(addressee_id=appeal.addressee_id)
    )
    return list(
        appeals_visible_to(user)
        .filter(
            place,
            category_id=appeal.category_id,
            received_at__gte=appeal.received_at - timedelta(days=365),
        )
        .exclude(pk=appeal.pk)
        .select_related("addressee")
        .order_by("-received_at")[:limit]
    )


@dataclass(frozen=True)
class Statistics:
    received: int
    answered: int
    answered_on_time: int
    overdue: int
    average_rating: float | None

    @property
    def on_time_share(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None


def addressee_statistics(addressee_id: int, *, since: datetime | None = None) -> Statistics:
    """Received, answered (on time), overdue now, and the average rating; corruption reports
    are not counted (their existence is confidential)."""
    now = timezone.now()
    appeals = Appeal.objects.filter(addressee_id=addressee_id).exclude(kind=Kind.CORRUPTION_REPORT)
    if since:
        appeals = appeals.filter(received_at__gte=since)
    figures = appeals.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        answered_on_time=Count("pk", filter=Q(answered_at__isnull=False, is_overdue=False)),
        overdue=Count("pk", filter=Q(state__in=OPEN_STATES, due_at__lt=now)),
    )
    rating = appeals.filter(ratings__isnull=False).aggregate(
        q=Avg("ratings__quality"), s=Avg("ratings__speed"), c=Avg("ratings__completeness")
    )
    average = (
        round((rating["q"] + rating["s"] + rating["c"]) / 3, 2) if rating["q"] is not None else None
    )
    return Statistics(average_rating=average, **figures)


def journal(user: User, *, received_from: date, received_to: date) -> QuerySet[Appeal]:
    """The journal of appeals for a period, in the order of their numbers."""
    return (
        appeals_visible_to(user)
        .filter(
            received_at__gte=day_start(received_from),
            received_at__lt=day_start(received_to + ONE_DAY),
        )
        .select_related("addressee", "category", "district", "executor")
        .order_by("received_at", "pk")
    )
