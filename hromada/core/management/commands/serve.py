import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with gunicorn and run task workers beside it; Ctrl-C stops them all."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("TASK_WORKERS", "1")),
            help="How many task worker processes to run (default: TASK_WORKERS or 1).",
        )

    def handle(self, *args, workers: int, **options):
        base = settings.BASE_DIR
        gunicorn = [
            sys.executable, "-m", "gunicorn",
            "-c", str(base / "config" / "gunicorn.conf.py"),
            "config.wsgi:application",
        ]  # fmt: skip
        worker = [sys.executable, str(base / "manage.py"), "worker"]
        # Own sessions: the terminal's Ctrl-C reaches only this process, which stops the
        # children once and in order instead of each of them fielding the signal twice.
        children = [subprocess.Popen(gunicorn, cwd=base, start_new_session=True)]
        children += [
            subprocess.Popen(worker, cwd=base, start_new_session=True) for _ in range(workers)
        ]
        port = os.environ.get("PORT", "8000")
        host = os.environ.get("HOST", "127.0.0.1")
        self.stdout.write(
            self.style.SUCCESS(f"Hromada is served at http://{host}:{port}/")
            + f"  ({workers} task worker(s); Ctrl-C stops everything)"
        )

        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        exit_code = 0
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    self.stderr.write(f"{child.args[2]} exited with {child.returncode}")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("Stopped.")
        sys.exit(exit_code)
