import logging
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from hromada.core.models import WorkerHeartbeat
from hromada.core.scheduling import new_worker_id, schedule_due_jobs, worker_heartbeat

logger = logging.getLogger("hromada.worker")


class Command(BaseCommand):
    help = (
        "Run a task worker: executes queued tasks, schedules periodic jobs and sends "
        "heartbeats. Run as many as you like, on any number of machines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="Queues, comma-separated; * = all.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued, then exit (for tests)."
        )

    def handle(self, *args, queue_name: str, interval: float, batch: bool, **options):
        worker_id = new_worker_id()
        started_at = timezone.now()
        worker_heartbeat(worker_id=worker_id, started_at=started_at)
        stop = threading.Event()
        beat = threading.Thread(
            target=self._beat, args=(worker_id, started_at, stop), daemon=True, name="scheduler"
        )
        beat.start()
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        logger.info("worker started", extra={"worker_id": worker_id})
        worker.configure_signals()
        try:
            self._run(worker)
        finally:
            stop.set()
            beat.join(timeout=5)
            close_old_connections()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
            logger.info("worker stopped", extra={"worker_id": worker_id})

    @staticmethod
    def _run(worker: Worker) -> None:
        # A database restart or failover must not end the worker (under `serve` that would
        # stop the site too): wait and carry on, backing off up to half a minute.
        pause = 1.0
        while True:
            try:
                worker.run()
                return
            except (OperationalError, InterfaceError):
                if not worker.running:
                    return
                logger.exception("database unavailable; the worker retries", extra={"in_s": pause})
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, 30.0)

    @staticmethod
    def _beat(worker_id: str, started_at, stop: threading.Event) -> None:
        while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            try:
                worker_heartbeat(worker_id=worker_id, started_at=started_at)
                for job in schedule_due_jobs(worker_id=worker_id):
                    logger.info("periodic job enqueued", extra={"job": job})
            except Exception:
                logger.exception("scheduler tick failed")
            finally:
                connection.close()
