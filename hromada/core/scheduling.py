"""Periodic jobs on top of the Django Tasks API.

Each worker process runs a small scheduler beside its task loop. For every registered job the
scheduler works out the current time slot (``every`` long, aligned to the Unix epoch) and tries
to insert a PeriodicJobRun row for it; the unique constraint on (job, slot) lets exactly one
worker win, and only the winner enqueues the task, in the same transaction. So a job runs once
per slot whether one worker runs or twenty, on one machine or many.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Now
from django.utils import timezone

from hromada.core.models import PeriodicJobRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# How long claims of periodic runs are kept (hromada.core.tasks prunes older ones).
RUN_RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object
    every: timedelta


_registry: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta):
    """Register a task (made with ``@task()``) to run once every ``every``."""
    if every < timedelta(seconds=1):
        raise ValueError("A periodic job runs at most once a second.")
    if every > RUN_RETENTION:
        # A claim pruned while its slot is still current would let the job run again.
        raise ValueError(f"A periodic job runs at least every {RUN_RETENTION}.")

    def register(task):
        name = task.module_path
        _registry[name] = PeriodicJob(name=name, task=task, every=every)
        return task

    return register


def registered_jobs() -> list[PeriodicJob]:
    # Jobs live in each app's tasks module; importing them registers them.
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("hromada."):
            try:
                import_module(f"{app_config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.tasks":
                    raise
    return sorted(_registry.values(), key=lambda job: job.name)


def slot_start(now: datetime, every: timedelta) -> datetime:
    elapsed = now - _EPOCH
    return _EPOCH + (elapsed // every) * every


def schedule_due_jobs(*, worker_id: str, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot nobody has claimed yet; return the names claimed."""
    now = now or timezone.now()
    jobs = registered_jobs()
    slots = {job.name: slot_start(now, job.every) for job in jobs}
    taken = set(
        PeriodicJobRun.objects.filter(job__in=slots, slot__in=set(slots.values())).values_list(
            "job", "slot"
        )
    )
    claimed = []
    for job in jobs:
        slot = slots[job.name]
        if (job.name, slot) in taken:
            continue
        try:
            with transaction.atomic():
                run = PeriodicJobRun.objects.create(job=job.name, slot=slot, claimed_by=worker_id)
                result = job.task.enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker claimed this slot first
        claimed.append(job.name)
    return claimed


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{os.urandom(3).hex()}"


def worker_heartbeat(*, worker_id: str, started_at: datetime) -> None:
    # The database's clock, not this machine's: workers on several machines are compared.
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen_at=Now())
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=started_at,
            last_seen_at=Now(),
        )


def worker_seen_recently() -> bool:
    horizon = Now() - timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS)
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=horizon).exists()
