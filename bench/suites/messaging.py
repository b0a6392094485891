"""Notifications: one message fanned out to 100,000 people, and its e-mails sent by workers.

- messaging.fanout: 100,000 residents (default preferences: the inbox and e-mail) get one news
  post through ``notification_fan_out``, the function the news app calls: rows read and
  written in batches of 2,000, the senders' jobs enqueued, all in one transaction. Figures:
  recipients and delivery rows per second (compared with the single-row INSERT floor).
- messaging.email: then the real worker path sends them: ``manage.py worker`` processes
  (two, one per core) lease batches, render each e-mail with its unsubscribe headers and hand
  it over one SMTP connection per batch to a local SMTP sink (aiosmtpd, counting what it
  receives). The clock runs from the workers' start until the sink has SAMPLE e-mails
  (10,000; the full 100,000 takes long on a shared two-core machine and is not needed to
  read a steady rate). Goal: 100,000 e-mails in under 10 minutes, i.e. at least 167 a second.
  The per-channel throttle is raised for the run (production's default is 200 a second).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from bench.appserver import REPO
from bench.registry import BenchError, Figure, benchmark

PEOPLE = 100_000
SAMPLE = 10_000
GOAL_PER_S = 100_000 / 600
WORKERS = 2

SEED_AND_FAN_OUT = """
import json, time
from django.db import transaction
from hromada.accounts.models import User
from hromada.messaging.notify import notification_fan_out
User.objects.bulk_create(
    [User(email=f"sub{{n:06d}}@residents.example", password="!", last_name="Підписник",
          first_name="Олена") for n in range({people})], batch_size=5000)
ids = User.objects.filter(email__endswith="@residents.example").values_list("pk", flat=True)
ids = list(ids.order_by("pk"))
started = time.perf_counter()
with transaction.atomic():
    result = notification_fan_out(
        recipients=iter(ids), kind="subscription",
        subject="Планове відключення води на вулиці Соборній",
        body="Завтра з 9:00 до 17:00 не буде холодної води через ремонт водогону. "
             "Підвезення води — біля школи № 3.",
        url="/news/1/", source="news.post:1", key="news.post:1")
elapsed = time.perf_counter() - started
print(json.dumps({{"recipients": result.recipients, "deliveries": result.deliveries,
                  "seconds": elapsed}}))
"""

COUNT_SENT = """
from hromada.messaging.models import Delivery
print(Delivery.objects.filter(channel="email", status="sent").count(),
      Delivery.objects.filter(channel="email", status="failed").count())
"""


def _shell(env: dict, code: str, timeout: int) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()
        raise BenchError("manage.py shell failed:\n" + "\n".join(output[-15:]))
    return done.stdout


class _Counter:
    """aiosmtpd handler that counts what it is given (parsing costs the sink's CPU, which the
    two cores share with the workers)."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(ctx, server, database: str) -> list[Figure]:
    from aiosmtpd.controller import Controller

    env = server.env
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=REPO, env=env, check=True)
    fanned = json.loads(
        _shell(env, SEED_AND_FAN_OUT.format(people=PEOPLE), timeout=1800).strip().splitlines()[-1]
    )
    print(f"  fan-out: {fanned}", flush=True)
    if fanned["recipients"] != PEOPLE:
        raise BenchError(f"fan-out on {database}: {fanned}")
    ctx.fact(
        f"messaging.fanout {database}",
        f"{fanned['recipients']} recipients, {fanned['deliveries']} delivery rows "
        f"(inbox and e-mail) in {fanned['seconds']:.1f} s, one transaction",
    )

    counter = _Counter()
    port = _free_port()
    sink = Controller(counter, hostname="127.0.0.1", port=port)
    sink.start()
    worker_env = {
        **env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "MESSAGING_EMAIL_PER_SECOND": "100000",
        "LOG_LEVEL": "WARNING",
    }
    log = (server.log_path.parent / "workers.log").open("ab")
    workers = []
    started = time.perf_counter()
    try:
        pids = []
        for _ in range(WORKERS):
            process = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--interval", "0.2"],
                cwd=REPO,
                env=worker_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            workers.append(process)
            pids.append(process.pid)
        with ctx.watch_cpu(f"messaging.email.{database}", pids):
            deadline = time.monotonic() + 1800
            while counter.count < SAMPLE:
                if time.monotonic() > deadline:
                    raise BenchError(f"only {counter.count} e-mails in 30 minutes")
                if any(w.poll() is not None for w in workers):
                    raise BenchError("a worker exited; see workers.log")
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            received = counter.count
            print(f"  {received} e-mails in {elapsed:.1f} s", flush=True)
    finally:
        for process in workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in workers:
            # A worker finishes its batch first (the sender's time budget bounds it).
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        sink.stop()
        log.close()
    # The shell may say first how many objects it imported: the counts are the last line.
    sent, failed = map(int, _shell(env, COUNT_SENT, timeout=120).strip().splitlines()[-1].split())
    if failed or sent < received:
        raise BenchError(
            f"e-mails on {database}: {sent} marked sent, {failed} failed, "
            f"{received} received by the sink"
        )
    rate = received / elapsed
    ctx.fact(
        f"messaging.email {database}",
        f"{received} e-mails into the SMTP sink in {elapsed:.1f} s by {WORKERS} workers "
        f"({rate:.0f}/s; {PEOPLE} would take {PEOPLE / rate / 60:.1f} min; goal under 10 min, "
        f"{'met' if rate >= GOAL_PER_S else 'NOT met'}); "
        f"every one received is marked sent",
    )
    key = f"messaging.{database}"
    return [
        Figure(
            f"{key}.fanout_recipients_per_s",
            f"fan-out to {PEOPLE:,} people, {database}",
            fanned["recipients"] / fanned["seconds"],
            "recipients/s",
            floor="pg.insert.single.rows_per_s",
        ),
        Figure(
            f"{key}.fanout_rows_per_s",
            f"fan-out delivery rows written, {database}",
            fanned["deliveries"] / fanned["seconds"],
            "rows/s",
            floor="pg.insert.single.rows_per_s",
        ),
        Figure(
            f"{key}.emails_per_s",
            f"e-mails sent by {WORKERS} workers into an SMTP sink, {database}",
            rate,
            "e-mails/s",
            floor="pg.insert.single.rows_per_s",
        ),
    ]


@benchmark("messaging.fanout")
def fanout(ctx) -> list[Figure]:
    """A post fanned out to 100,000 people, then its e-mails sent by the real workers."""
    with ctx.pg_database() as database, ctx.app_server(database_url=database.url) as server:
        return _run(ctx, server, "postgresql")
