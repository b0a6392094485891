"""Housekeeping jobs that keep the task queue itself healthy."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hromada.core.models import PeriodicJobRun, WorkerHeartbeat
from hromada.core.scheduling import RUN_RETENTION, periodic

logger = logging.getLogger(__name__)

WORKER_LOST = "hromada.core.tasks.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped sending heartbeats (killed, crashed, machine gone)."""


@periodic(every=timedelta(minutes=1))
@task()
def requeue_lost_tasks() -> dict[str, int]:
    """Give tasks whose worker died back to the queue; fail them after TASK_MAX_ATTEMPTS."""
    now = timezone.now()
    # Heartbeats carry the database's clock; compare with it, not with this machine's.
    stale_before = Now() - timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=stale_before).values_list(
            "worker_id", flat=True
        )
    )
    requeued = failed = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(started_at__lt=stale_before)
        for result in running.select_for_update(skip_locked=True):
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue  # a long task on a live worker
            if len(result.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = WORKER_LOST
                result.traceback = (
                    f"Its worker stopped {len(result.worker_ids)} times while running it."
                )
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed += 1
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued += 1
    if requeued or failed:
        logger.warning("lost tasks", extra={"requeued": requeued, "failed": failed})
    return {"requeued": requeued, "failed": failed}


@periodic(every=timedelta(days=1))
@task()
def prune_housekeeping_rows() -> dict[str, int]:
    """Drop what only operations need for a while: old runs, dead workers, expired sessions."""
    now = timezone.now()
    runs, _ = PeriodicJobRun.objects.filter(claimed_at__lt=now - RUN_RETENTION).delete()
    workers, _ = WorkerHeartbeat.objects.filter(last_seen_at__lt=now - timedelta(days=1)).delete()
    results, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS))
        .delete()
    )
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    return {"runs": runs, "workers": workers, "results": results, "sessions": sessions}
