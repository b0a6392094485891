"""The map's fast counts (cell slices plus the edge days read from the facts' indexes) give
exactly what a count of the reports themselves gives, for random combinations of filters."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from hromada.appeals import services as appeals
from hromada.appeals.tests.factories import staff_of
from hromada.directory.tests.factories import AddresseeFactory
from hromada.situation.facts import LEVELS, cell_of, facts_rebuild
from hromada.situation.filters import Box, ReportFilters
from hromada.situation.models import AppealFact, MapCell, Status
from hromada.situation.selectors import clusters_counted, split_period
from hromada.situation.tests.factories import CategoryFactory, report

pytestmark = pytest.mark.django_db
FIRST_DAY = date(2026, 1, 1)
d = date


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def cells_of(filters: ReportFilters, box: Box, level: int) -> Counter:
    counted = clusters_counted(filters, box, level)
    return Counter({cell: n for cell, (n, _slat, _slon) in counted.items() if n})


def counted_one_by_one(filters: ReportFilters, box: Box, level: int) -> Counter:
    """The reference: every public report tested against the filters in Python."""
    west, south = cell_of(level, lat=box.south, lon=box.west)
    east, north = cell_of(level, lat=box.north, lon=box.east)
    found = Counter()
    for fact in AppealFact.objects.filter(is_public=True, kind="problem_report"):
        checks = (
            not filters.categories or fact.category_id in filters.categories,
            not filters.statuses or fact.status in filters.statuses,
            not filters.districts or fact.district_id in filters.districts,
            not filters.addressee or fact.addressee_id == filters.addressee,
            not filters.received_from or fact.received_on >= filters.received_from,
            not filters.received_to or fact.received_on <= filters.received_to,
            not filters.resolved_from
            or (fact.resolved_on is not None and fact.resolved_on >= filters.resolved_from),
            not filters.resolved_to
            or (fact.resolved_on is not None and fact.resolved_on <= filters.resolved_to),
        )
        cell = cell_of(level, lat=fact.latitude, lon=fact.longitude)
        if all(checks) and west <= cell[0] <= east and south <= cell[1] <= north:
            found[cell] += 1
    return found


@pytest.fixture
def reports(centre):
    """Thirty reports over five months, in three categories and for three addressees; two in
    three resolved some days later, one in ten private."""
    rng = random.Random(5)
    categories = [CategoryFactory() for _ in range(3)]
    addressees = [AddresseeFactory() for _ in range(3)]
    executors = {a.pk: staff_of(a, responsible=True) for a in addressees}
    for _ in range(30):
        received = FIRST_DAY + timedelta(days=rng.randrange(150))
        with time_machine.travel(at(received), tick=False):
            appeal = report(
                category=rng.choice(categories),
                addressee=rng.choice(addressees),
                latitude=50.0 + rng.uniform(-0.09, 0.09),
                longitude=30.0 + rng.uniform(-0.09, 0.09),
                is_public=rng.random() > 0.1,
            )
        executor = executors[appeal.addressee_id]
        if rng.random() < 0.33:
            continue
        appeals.appeal_assign(appeal_id=appeal.pk, actor=executor, executor=executor)
        with time_machine.travel(at(received + timedelta(days=rng.randrange(1, 40))), tick=False):
            appeals.appeal_answer(appeal_id=appeal.pk, actor=executor, text="Зроблено.")
    return categories, addressees


def random_day(rng) -> date | None:
    if rng.random() < 0.4:
        return None
    day = FIRST_DAY + timedelta(days=rng.randrange(200))
    # Whole months' bounds half the time: the cells alone answer those.
    return rng.choice([day, day.replace(day=1)])


def test_the_fast_counts_match_a_count_of_the_reports(reports, centre):
    categories, addressees = reports
    rng = random.Random(2026)
    keep = (Status.NEW, Status.IN_WORK, Status.OVERDUE, Status.DONE)
    found = 0
    for _ in range(120):
        received = sorted([random_day(rng), random_day(rng)], key=lambda d: d or date.max)
        resolved = sorted([random_day(rng), random_day(rng)], key=lambda d: d or date.max)
        filters = ReportFilters(
            categories=tuple(c.pk for c in rng.sample(categories, rng.randrange(3))),
            statuses=tuple(rng.sample(keep, rng.randrange(3))),
            districts=rng.choice([(), (centre.pk,)]),
            addressee=rng.choice([None, None, *(a.pk for a in addressees)]),
            received_from=received[0] if rng.random() < 0.5 else None,
            received_to=received[1] if rng.random() < 0.5 else None,
            resolved_from=resolved[0] if rng.random() < 0.3 else None,
            resolved_to=resolved[1] if rng.random() < 0.3 else None,
        )
        west, south = rng.uniform(29.9, 30.0), rng.uniform(49.9, 50.0)
        box = Box(south=south, west=west, north=south + 0.1, east=west + 0.1)
        level = rng.choice(list(LEVELS))
        expected = counted_one_by_one(filters, box, level)
        assert cells_of(filters, box, level) == expected, filters
        found += bool(expected)
    # Most combinations find some reports: the comparison is not between two empty maps.
    assert found > 60


def test_the_cells_kept_report_by_report_equal_a_rebuild(reports):
    def cells():
        return sorted(
            (*row[:-1], round(row[-1], 6))
            for row in MapCell.objects.filter(count__gt=0).values_list(
                "level", "slice", "cx", "cy", "is_public", "category_id", "district_id",
                "addressee_id", "status", "month", "count", "sum_lat",
            )
        )  # fmt: skip

    kept = cells()
    assert {row[1] for row in kept} == set(MapCell.Slice.values)
    facts_rebuild()
    assert cells() == kept


@pytest.mark.parametrize(
    ("start", "end", "months", "edges"),
    [
        (None, None, (None, None), ()),
        (date(2026, 1, 1), date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31)), ()),
        (
            date(2026, 1, 15),
            date(2026, 3, 10),
            (date(2026, 2, 1), date(2026, 2, 28)),
            ((date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 3, 1), date(2026, 3, 10))),
        ),
        (date(2026, 2, 3), date(2026, 2, 20), None, ((date(2026, 2, 3), date(2026, 2, 20)),)),
        (
            date(2026, 1, 2),
            date(2026, 2, 27),
            None,
            ((date(2026, 1, 2), date(2026, 2, 27)),),
        ),
        (d(2025, 12, 9), None, (d(2026, 1, 1), None), ((d(2025, 12, 9), d(2025, 12, 31)),)),
        (None, d(2024, 2, 28), (None, d(2024, 1, 31)), ((d(2024, 2, 1), d(2024, 2, 28)),)),
    ],
)  # fmt: skip
def test_a_period_splits_into_whole_months_and_edge_days(start, end, months, edges):
    period = split_period(start, end)
    assert (period.months, period.edges) == (months, edges)
