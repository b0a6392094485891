"""Reading the queue: plans, free slots, tickets and the desk's lists.

``bookings_visible_to`` turns the rules of rules.py into SQL, so lists never show what the
object rules would refuse.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from hromada.accounts.models import User
from hromada.accounts.rules import is_administrator
from hromada.directory.models import Absence, Addressee, Membership
from hromada.directory.schedules import DayHours
from hromada.equeue.models import Booking, Queue, Service, State
from hromada.equeue.slots import MonthlyHours, Plan, free_slots

LIVE = (State.BOOKED, State.ARRIVED, State.SERVED, State.NO_SHOW)


def zone():
    return timezone.get_default_timezone()


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, zone())


def _hours(row) -> DayHours:
    return DayHours(row.opens, row.closes, row.break_starts, row.break_ends)


def queue_plan(queue: Queue, *, first_day: date, last_day: date) -> Plan:
    """The queue's schedule as plain data, with the addressee's absences as closures."""
    closures = [
        (c.starts_on, c.ends_on)
        for c in queue.closures.filter(ends_on__gte=first_day, starts_on__lte=last_day)
    ]
    closures += list(
        Absence.objects.filter(
            addressee_id=queue.addressee_id, ends_on__gte=first_day, starts_on__lte=last_day
        ).values_list("starts_on", "ends_on")
    )
    return Plan(
        week={row.weekday: _hours(row) for row in queue.week.all()},
        monthly=tuple(
            MonthlyHours(r.ordinal, r.weekday, _hours(r), r.starts_on, r.ends_on)
            for r in queue.monthly_rules.all()
        ),
        exceptions={
            e.date: _hours(e)
            for e in queue.exceptions.filter(date__gte=first_day, date__lte=last_day)
        },
        closures=tuple(closures),
        closed_on_public_holidays=queue.closed_on_public_holidays,
    )


def taken_intervals(
    queue_id: int, first_day: date, last_day: date, *, exclude: int | None = None
) -> list[tuple[datetime, datetime]]:
    bookings = Booking.objects.filter(
        queue_id=queue_id,
        state__in=LIVE,
        starts_at__lt=local_day_start(last_day + timedelta(days=1)),
        ends_at__gt=local_day_start(first_day),
    )
    if exclude is not None:
        bookings = bookings.exclude(pk=exclude)
    return list(bookings.values_list("starts_at", "ends_at"))


def booking_window(queue: Queue, *, now: datetime | None = None) -> tuple[datetime, date]:
    """The earliest start a resident may book now, and the last day within the horizon."""
    now = now or timezone.now()
    earliest = now + timedelta(minutes=queue.min_notice_minutes)
    today = timezone.localtime(now, zone()).date()
    return earliest, today + timedelta(days=queue.horizon_days)


def slots_for(
    queue: Queue,
    service: Service,
    *,
    first_day: date | None = None,
    days: int | None = None,
    now: datetime | None = None,
    exclude: int | None = None,
    beyond_horizon: bool = False,
) -> dict[date, list[datetime]]:
    """The free starts for a service, day by day, within the booking horizon."""
    earliest, last_allowed = booking_window(queue, now=now)
    today = timezone.localtime(earliest, zone()).date()
    first_day = max(first_day or today, today)
    last_day = first_day + timedelta(days=(days or queue.horizon_days + 1) - 1)
    if not beyond_horizon:
        last_day = min(last_day, last_allowed)
    if last_day < first_day:
        return {}
    return free_slots(
        queue_plan(queue, first_day=first_day, last_day=last_day),
        first_day=first_day,
        last_day=last_day,
        duration=timedelta(minutes=service.duration_minutes),
        step=timedelta(minutes=queue.slot_step_minutes),
        earliest=earliest,
        taken=taken_intervals(queue.pk, first_day, last_day, exclude=exclude),
        zone=zone(),
    )


def next_free(queue: Queue, service: Service, *, count: int = 5, **kwargs) -> list[datetime]:
    found: list[datetime] = []
    for starts in slots_for(queue, service, **kwargs).values():
        found += starts[: count - len(found)]
        if len(found) >= count:
            break
    return found


# --- Queues ---------------------------------------------------------------------------------


def open_queues() -> QuerySet[Queue]:
    return Queue.objects.filter(is_active=True, addressee__is_published=True).select_related(
        "addressee"
    )


def queue_by_slug(slug: str) -> Queue | None:
    return (
        open_queues()
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.filter(is_active=True)),
            "form_fields",
            "week",
            "monthly_rules",
        )
        .filter(slug=slug)
        .first()
    )


def addressees_with_queues() -> list[Addressee]:
    """Published addressees with open queues, each with its queues, in catalogue order."""
    return list(
        Addressee.objects.filter(queues__is_active=True, is_published=True)
        .distinct()
        .order_by("order", "name")
        .prefetch_related(
            Prefetch("queues", queryset=Queue.objects.filter(is_active=True), to_attr="open")
        )
    )


# --- Bookings -------------------------------------------------------------------------------


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    """Every booking the person may open (rules.py decides the same per object)."""
    if not user.is_authenticated or not user.is_active:
        return Booking.objects.none()
    if is_administrator(user):
        return Booking.objects.all()
    staff_of = Membership.objects.filter(user=user).values("addressee_id")
    return Booking.objects.filter(Q(citizen=user) | Q(queue__addressee_id__in=staff_of))


def booking_for(user: User, code: str) -> Booking | None:
    return (
        bookings_visible_to(user)
        .select_related("queue", "queue__addressee", "service", "citizen", "previous")
        .filter(code=code)
        .first()
    )


def bookings_of_citizen(user: User) -> QuerySet[Booking]:
    """The cabinet: the person's own tickets, the coming ones first."""
    return (
        Booking.objects.filter(citizen=user)
        .select_related("queue", "queue__addressee", "service")
        .order_by("-starts_at", "-pk")
    )


def desk_queues(user: User) -> list[Queue]:
    """The queues whose desk the person works at (administrators see every queue)."""
    queues = Queue.objects.select_related("addressee").order_by("addressee__name", "order")
    if is_administrator(user):
        return list(queues)
    staff_of = Membership.objects.filter(user=user).values("addressee_id")
    return list(queues.filter(addressee_id__in=staff_of))


def day_list(queue: Queue, day: date) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(queue=queue, day=day)
        .select_related("service", "citizen")
        .order_by("starts_at", "pk")
    )


def find_by_number(user: User, queues: list[Queue], number: str, day: date) -> Booking | None:
    number = number.strip().upper().replace(" ", "")
    return (
        bookings_visible_to(user)
        .filter(queue__in=queues, day=day, number__iexact=number)
        .order_by("-pk")
        .first()
    )


def bookings_between(queue: Queue, first_day: date, last_day: date) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(queue=queue, day__gte=first_day, day__lte=last_day)
        .select_related("service", "queue")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class FeedPage:
    bookings: list[Booking]
    cursor: str | None  # where the next poll continues (the last change returned)
    has_more: bool


def feed(queue: Queue, *, since: datetime | None, after_id: int = 0, limit: int = 100) -> FeedPage:
    """Bookings changed since a moment, oldest change first: the document-management
    system polls with the cursor it was given last and never misses a change."""
    bookings = Booking.objects.filter(queue=queue).select_related("service", "queue")
    if since is not None:
        bookings = bookings.filter(Q(updated_at__gt=since) | Q(updated_at=since, pk__gt=after_id))
    rows = list(bookings.order_by("updated_at", "pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = f"{rows[-1].updated_at.isoformat()}|{rows[-1].pk}" if rows else None
    return FeedPage(rows, cursor, more)
