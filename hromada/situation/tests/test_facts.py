"""The facts and counts follow every change of an appeal, and a rebuild gives the same."""

import pytest
import time_machine
from django.utils import timezone

from hromada.appeals import services as appeals
from hromada.appeals.models import Appeal, Kind
from hromada.appeals.tasks import watch_deadlines
from hromada.appeals.tests.factories import staff_of
from hromada.situation.facts import LEVELS, facts_rebuild
from hromada.situation.models import AppealFact, DailyCount, DailyTotal, MapCell, Status
from hromada.situation.tests.factories import report

pytestmark = pytest.mark.django_db
CELL_FIELDS = (
    "level", "slice", "cx", "cy", "is_public", "category_id", "addressee_id", "status", "month"
)  # fmt: skip


def snapshot():
    return (
        sorted(
            AppealFact.objects.values_list(
                "appeal_id", "status", "is_public", "category_id", "received_on", "resolved_on"
            )
        ),
        sorted(
            DailyCount.objects.filter(count__gt=0).values_list(
                "day", "kind", "district_id", "category_id", "status", "count"
            )
        ),
        sorted(
            DailyTotal.objects.filter(count__gt=0).values_list("day", "kind", "status", "count")
        ),
        sorted(
            (*row[:-1], round(row[-1], 6))
            for row in MapCell.objects.filter(count__gt=0).values_list(
                *CELL_FIELDS, "count", "sum_lat"
            )
        ),
    )


def test_a_report_is_counted_once_at_intake(centre):
    appeal = report()
    fact = AppealFact.objects.get(pk=appeal.pk)
    assert (fact.status, fact.is_public, fact.district_id) == (Status.NEW, True, centre.pk)
    assert DailyTotal.objects.get(kind=Kind.PROBLEM_REPORT, status=Status.NEW).count == 1
    # Each level counts it three times: in its month, in all months together, and by its
    # addressee; not yet by the month it was resolved in.
    assert MapCell.objects.filter(count=1).count() == 3 * len(LEVELS)
    assert not MapCell.objects.filter(slice=MapCell.Slice.RESOLVED).exists()


def test_counts_move_with_the_lifecycle_and_match_a_rebuild(centre):
    appeal = report()
    executor = staff_of(appeal.addressee, responsible=True)
    appeals.appeal_assign(appeal_id=appeal.pk, actor=executor, executor=executor)
    appeals.appeal_start(appeal_id=appeal.pk, actor=executor)
    assert AppealFact.objects.get(pk=appeal.pk).status == Status.IN_WORK
    appeals.appeal_answer(appeal_id=appeal.pk, actor=executor, text="Яму залатали.")
    fact = AppealFact.objects.get(pk=appeal.pk)
    assert fact.status == Status.DONE and fact.resolved_on == timezone.localdate()
    other = report(is_public=False)
    assert DailyTotal.objects.get(kind=Kind.PROBLEM_REPORT, status=Status.DONE).count == 1
    assert DailyTotal.objects.get(kind=Kind.PROBLEM_REPORT, status=Status.NEW).count == 1
    assert DailyTotal.objects.get(kind=Kind.PROBLEM_REPORT, status=Status.IN_WORK).count == 0
    before = snapshot()
    assert facts_rebuild() == 2
    assert snapshot() == before
    assert AppealFact.objects.get(pk=other.pk).is_public is False


def test_the_overdue_job_moves_a_report_to_overdue(centre):
    appeal = report()
    with time_machine.travel(appeal.due_at + timezone.timedelta(hours=1)):
        watch_deadlines.call()
    assert Appeal.objects.get(pk=appeal.pk).is_overdue
    assert AppealFact.objects.get(pk=appeal.pk).status == Status.OVERDUE
    assert DailyTotal.objects.get(status=Status.OVERDUE).count == 1
    assert DailyTotal.objects.get(status=Status.NEW).count == 0


def test_corruption_reports_are_not_counted(centre):
    appeals.appeal_submit(
        actor=None,
        kind=Kind.CORRUPTION_REPORT,
        subject="Хабар",
        text="Вимагали гроші за довідку.",
        is_anonymous=True,
    )
    assert not AppealFact.objects.exists()
    assert not DailyTotal.objects.exists()
