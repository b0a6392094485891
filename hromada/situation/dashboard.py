"""The situation centre's live dashboard, read from the pre-counted tables only.

Every figure carries the query string of the list behind it, so the page links each number to
the appeals it counts. A figure is "received in the period, and where those appeals are now":
received, in progress (new or in work), done, overdue.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.appeals.models import Category, Kind
from hromada.core.errors import PermissionDenied
from hromada.core.models import District
from hromada.situation.facts import cell_size
from hromada.situation.filters import ReportFilters
from hromada.situation.models import DailyCount, DailyTotal, MapCell, RecurringProblem, Status

HEAT_LEVEL = 14
HEAT_DAYS = 90
RECURRING_LEVEL = 15
RECURRING_MONTHS = 12
# At least this many different months with reports of one category in one cell.
RECURRING_MIN_MONTHS = 3
TREND_MONTHS = 12

COLUMNS = (
    ("received", gettext_lazy("Received"), ()),
    ("in_progress", gettext_lazy("In progress"), (Status.NEW, Status.IN_WORK)),
    ("done", gettext_lazy("Done"), (Status.DONE,)),
    ("overdue", gettext_lazy("Overdue"), (Status.OVERDUE,)),
)


@dataclass
class Figure:
    value: int
    query: str


@dataclass
class Row:
    label: str
    figures: list[Figure]


@dataclass
class Dashboard:
    kind: str
    today: date
    periods: list[tuple[str, date, list[Figure]]]
    by_district: list[Row]
    by_category: list[Row]
    trend: list[dict]
    heat: list[dict]
    recurring: list[dict]
    columns: tuple = field(default=COLUMNS)


def _figures(counts: dict[str, int], filters: ReportFilters) -> list[Figure]:
    figures = []
    for key, _label, statuses in COLUMNS:
        if key == "received":
            value = sum(counts.values())
        else:
            value = sum(counts.get(s, 0) for s in statuses)
        figures.append(Figure(value, filters.query(statuses=tuple(sorted(statuses)))))
    return figures


def _month_start(day: date, back: int = 0) -> date:
    """The first day of the month ``back`` months before ``day``'s (after it when negative)."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def dashboard_for(*, user, kind: str = "", today: date | None = None) -> Dashboard:
    if not (user and user.is_authenticated and user.has_perm("situation.view_dashboard")):
        raise PermissionDenied(_("The dashboard is for the situation centre's staff."))
    today = today or timezone.localdate()
    kinds = (kind,) if kind in Kind.values and kind != Kind.CORRUPTION_REPORT else ()
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)

    def scoped(queryset):
        return queryset.filter(kind__in=kinds) if kinds else queryset

    # Today, this week and this month from one read of the days since the earliest start.
    per_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        scoped(DailyTotal.objects.filter(day__gte=min(week_start, month_start), day__lte=today))
        .values("day", "status")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        per_day[row["day"]][row["status"]] += row["n"]
    periods = []
    for label, start in (
        (_("Today"), today),
        (_("This week"), week_start),
        (_("This month"), month_start),
    ):
        counts: dict[str, int] = defaultdict(int)
        for day, statuses in per_day.items():
            if start <= day <= today:
                for status, n in statuses.items():
                    counts[status] += n
        filters = ReportFilters(kinds=kinds, received_from=start, received_to=today)
        periods.append((label, start, _figures(counts, filters)))

    month_filters = ReportFilters(kinds=kinds, received_from=month_start, received_to=today)
    by_district = _breakdown(
        scoped(DailyCount.objects.filter(day__gte=month_start, day__lte=today)),
        "district_id",
        dict(District.objects.values_list("pk", "name")),
        _("Not on the map"),
        lambda pk: ReportFilters(**{**month_filters.__dict__, "districts": (pk,)}),
    )
    by_category = _breakdown(
        scoped(DailyCount.objects.filter(day__gte=month_start, day__lte=today)),
        "category_id",
        dict(Category.objects.values_list("pk", "name")),
        _("No category"),
        lambda pk: ReportFilters(**{**month_filters.__dict__, "categories": (pk,)}),
    )
    return Dashboard(
        kind=kinds[0] if kinds else "",
        today=today,
        periods=periods,
        by_district=by_district,
        by_category=by_category,
        trend=_trend(scoped, today, kinds),
        heat=_heat(today, kinds),
        recurring=_recurring(),
    )


def _breakdown(queryset, key: str, names: dict, none_label: str, filters_for) -> list[Row]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in queryset.values(key, "status").annotate(n=Sum("count")).order_by():
        counts[row[key]][row["status"]] += row["n"]
    rows = [
        Row(names.get(pk, none_label) if pk else none_label, _figures(c, filters_for(pk)))
        for pk, c in counts.items()
        if sum(c.values())
    ]
    return sorted(rows, key=lambda row: (-row.figures[0].value, row.label))


def _trend(scoped, today: date, kinds) -> list[dict]:
    start = _month_start(today, TREND_MONTHS - 1)
    months: dict[date, dict[str, int]] = {
        _month_start(today, back): defaultdict(int) for back in range(TREND_MONTHS)
    }
    for row in (
        scoped(DailyTotal.objects.filter(day__gte=start, day__lte=today))
        .values("day", "status")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        months[row["day"].replace(day=1)][row["status"]] += row["n"]
    trend = []
    for month in sorted(months):
        counts = months[month]
        end = _month_start(month, -1) - timedelta(days=1)
        filters = ReportFilters(kinds=kinds, received_from=month, received_to=min(end, today))
        received = sum(counts.values())
        trend.append(
            {
                "month": month,
                "received": received,
                "done": counts.get(Status.DONE, 0),
                "received_query": filters.query(),
                "done_query": filters.query(statuses=(Status.DONE,)),
            }
        )
    return trend


def _heat(today: date, kinds) -> list[dict]:
    """Problem reports of the last HEAT_DAYS per cell (about 1 by 1.2 km): the heat map."""
    if kinds and Kind.PROBLEM_REPORT not in kinds:
        return []
    since = today - timedelta(days=HEAT_DAYS)
    size = cell_size(HEAT_LEVEL)
    rows = (
        MapCell.objects.filter(
            level=HEAT_LEVEL,
            slice=MapCell.Slice.RECEIVED,
            addressee_id=0,
            month__gte=since.year * 100 + since.month,
        )
        .values("cx", "cy")
        .annotate(n=Sum("count"))
        .filter(n__gt=0)
        .order_by("-n")
    )
    cells = []
    for row in rows:
        south, west = row["cy"] * size - 90, row["cx"] * size - 180
        box = f"{west:.6f},{south:.6f},{west + size:.6f},{south + size:.6f}"
        filters = ReportFilters(
            kinds=(Kind.PROBLEM_REPORT,), received_from=_month_start(since), bbox=box
        )
        cells.append(
            {
                "south": round(south, 6),
                "west": round(west, 6),
                "north": round(south + size, 6),
                "east": round(west + size, 6),
                "count": row["n"],
                "query": filters.query(),
            }
        )
    return cells


def _recurring() -> list[dict]:
    names = dict(Category.objects.values_list("pk", "name"))
    size = cell_size(RECURRING_LEVEL)
    found = []
    for problem in RecurringProblem.objects.all()[:20]:
        box = (
            f"{problem.cx * size - 180:.6f},{problem.cy * size - 90:.6f},"
            f"{(problem.cx + 1) * size - 180:.6f},{(problem.cy + 1) * size - 90:.6f}"
        )
        filters = ReportFilters(
            kinds=(Kind.PROBLEM_REPORT,),
            categories=(problem.category_id,) if problem.category_id else (),
            bbox=box,
        )
        found.append(
            {
                "category": names.get(problem.category_id, _("No category")),
                "months": problem.months,
                "count": problem.count,
                "latitude": problem.latitude,
                "longitude": problem.longitude,
                "query": filters.query(),
            }
        )
    return found


def recurring_problems_refresh(*, today: date | None = None) -> int:
    """Recompute the places where one category's reports came back in RECURRING_MIN_MONTHS or
    more of the last RECURRING_MONTHS months."""
    today = today or timezone.localdate()
    start = _month_start(today, RECURRING_MONTHS - 1)
    rows = (
        MapCell.objects.filter(
            level=RECURRING_LEVEL,
            slice=MapCell.Slice.RECEIVED,
            addressee_id=0,
            month__gte=start.year * 100 + start.month,
            count__gt=0,
        )
        .values("cx", "cy", "category_id")
        .annotate(
            months=Count("month", distinct=True),
            n=Sum("count"),
            slat=Sum("sum_lat"),
            slon=Sum("sum_lon"),
        )
        .filter(months__gte=RECURRING_MIN_MONTHS)
        .order_by("-months", "-n")[:200]
    )
    now = timezone.now()
    problems = [
        RecurringProblem(
            level=RECURRING_LEVEL,
            cx=row["cx"],
            cy=row["cy"],
            category_id=row["category_id"],
            months=row["months"],
            count=row["n"],
            latitude=row["slat"] / row["n"],
            longitude=row["slon"] / row["n"],
            computed_at=now,
        )
        for row in rows
    ]
    with transaction.atomic():
        RecurringProblem.objects.all().delete()
        RecurringProblem.objects.bulk_create(problems)
    return len(problems)
