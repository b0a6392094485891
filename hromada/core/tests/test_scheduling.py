import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from hromada.core.models import PeriodicJobRun
from hromada.core.scheduling import registered_jobs, schedule_due_jobs, slot_start

NOON = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


def test_slots_are_aligned_so_every_worker_computes_the_same_one():
    assert slot_start(NOON, timedelta(minutes=1)) == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert slot_start(NOON, timedelta(days=1)) == datetime(2026, 3, 2, tzinfo=UTC)
    later = NOON + timedelta(seconds=29)
    assert slot_start(later, timedelta(minutes=1)) == slot_start(NOON, timedelta(minutes=1))


def test_housekeeping_jobs_are_registered():
    names = {job.name for job in registered_jobs()}
    assert "hromada.core.tasks.requeue_lost_tasks" in names
    assert "hromada.core.tasks.prune_housekeeping_rows" in names


@pytest.mark.django_db
def test_a_slot_is_claimed_once_however_many_workers_ask():
    jobs = registered_jobs()
    first = schedule_due_jobs(worker_id="a", now=NOON)
    second = schedule_due_jobs(worker_id="b", now=NOON + timedelta(seconds=10))
    assert sorted(first) == sorted(job.name for job in jobs)
    assert second == []
    assert DBTaskResult.objects.count() == len(jobs)
    run = PeriodicJobRun.objects.get(job="hromada.core.tasks.requeue_lost_tasks")
    assert run.claimed_by == "a"
    assert DBTaskResult.objects.filter(pk=run.task_result_id).exists()


@pytest.mark.django_db
def test_the_next_slot_runs_again():
    schedule_due_jobs(worker_id="a", now=NOON)
    claimed = schedule_due_jobs(worker_id="b", now=NOON + timedelta(minutes=1))
    # The minute job runs again; the daily one waits for tomorrow. (Other apps' minute jobs,
    # such as the news' publishing of scheduled posts, run again too.)
    assert [job for job in claimed if job.startswith("hromada.core.")] == [
        "hromada.core.tasks.requeue_lost_tasks"
    ]
    assert "hromada.core.tasks.prune_housekeeping_rows" not in claimed


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_enqueue_a_slot_twice():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    barrier = threading.Barrier(4)
    results: list[list[str]] = []

    def worker(name: str) -> None:
        barrier.wait()
        try:
            results.append(schedule_due_jobs(worker_id=name, now=NOON))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [name for result in results for name in result]
    assert sorted(claimed) == sorted(job.name for job in registered_jobs())
    assert DBTaskResult.objects.count() == len(claimed)


def test_a_job_less_often_than_the_claims_are_kept_is_refused():
    from hromada.core.scheduling import periodic

    with pytest.raises(ValueError):
        periodic(every=timedelta(days=8))
