import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hromada.core.models import WorkerHeartbeat
from hromada.core.tasks import WORKER_LOST, requeue_lost_tasks
from hromada.core.tests.jobs import gated_append


def running_task(*, worker_ids: list[str], started_minutes_ago: int) -> DBTaskResult:
    result = gated_append.enqueue(gate="g", marker="m", started="s")
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = TaskResultStatus.RUNNING
    row.worker_ids = worker_ids
    row.started_at = timezone.now() - timedelta(minutes=started_minutes_ago)
    row.save()
    return row


def heartbeat(worker_id: str, *, seconds_ago: int) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="h", pid=1, started_at=seen, last_seen_at=seen
    )


@pytest.mark.django_db
def test_a_task_of_a_dead_worker_goes_back_to_the_queue():
    heartbeat("dead", seconds_ago=600)
    row = running_task(worker_ids=["dead"], started_minutes_ago=10)
    assert requeue_lost_tasks.call() == {"requeued": 1, "failed": 0}
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    assert row.started_at is None


@pytest.mark.django_db
def test_a_long_task_of_a_live_worker_is_left_alone():
    heartbeat("alive", seconds_ago=1)
    row = running_task(worker_ids=["alive"], started_minutes_ago=30)
    assert requeue_lost_tasks.call() == {"requeued": 0, "failed": 0}
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_that_keeps_killing_its_workers_fails(settings):
    settings.TASK_MAX_ATTEMPTS = 3
    row = running_task(worker_ids=["w1", "w2", "w3"], started_minutes_ago=10)
    assert requeue_lost_tasks.call() == {"requeued": 0, "failed": 1}
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == WORKER_LOST


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _start_worker(tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "WORKER_HEARTBEAT_SECONDS": "0.5",
    }
    return subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "worker", "--interval", "0.1"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=(tmp_path / "worker.log").open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_does_not_lose_the_job(tmp_path):
    gate, marker, started = tmp_path / "gate", tmp_path / "marker", tmp_path / "started"
    result = gated_append.enqueue(gate=str(gate), marker=str(marker), started=str(started))

    first = _start_worker(tmp_path)
    second = None
    try:
        _wait_for(started.exists, "the first worker to start the job")
        os.killpg(first.pid, signal.SIGKILL)  # no goodbye: the worker just vanishes
        first.wait(timeout=10)
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == TaskResultStatus.RUNNING
        dead_worker = row.worker_ids[-1]

        # Two minutes pass without a heartbeat (the database's clock is the one compared, so
        # the rows are aged there); the reaper then requeues the job.
        assert requeue_lost_tasks.call() == {"requeued": 0, "failed": 0}  # not stale yet
        two_minutes = timedelta(minutes=2)
        WorkerHeartbeat.objects.filter(worker_id=dead_worker).update(
            last_seen_at=F("last_seen_at") - two_minutes
        )
        DBTaskResult.objects.filter(pk=result.id).update(started_at=F("started_at") - two_minutes)
        assert requeue_lost_tasks.call() == {"requeued": 1, "failed": 0}

        gate.write_text("open")
        second = _start_worker(tmp_path)
        _wait_for(
            lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL,
            "the second worker to finish the job",
        )
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)

    row = DBTaskResult.objects.get(pk=result.id)
    assert marker.read_text() == "done\n"  # ran to the end exactly once
    assert len(row.worker_ids) == 2 and row.worker_ids[0] == dead_worker
    assert WorkerHeartbeat.objects.filter(worker_id=row.worker_ids[1]).count() == 0  # clean exit
