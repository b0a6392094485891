"""The production app server (gunicorn with config/gunicorn.conf.py) on a throwaway database."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.registry import BenchError

REPO = Path(__file__).resolve().parent.parent
_serial = itertools.count(1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Pids whose parent is `pid`, read from /proc (gunicorn has no API for its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # The command name may contain spaces and parentheses; fields follow the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class AppServer:
    base_url: str
    port: int
    pid: int
    log_path: Path
    env: dict[str, str]

    def url(self, path: str) -> str:
        return self.base_url + path

    def workers(self) -> int:
        return len(children_of(self.pid))

    def pids(self) -> list[int]:
        """The master and its workers: the processes whose CPU time serves the load."""
        return [self.pid, *children_of(self.pid)]


def server_env(workdir: Path, port: int, database_url: str, extra: dict[str, str]) -> dict:
    """Production settings (DEBUG off) confined to `workdir`, so the run never touches var/."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        # A key for this run only: DEBUG=0 refuses to start without one.
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        HOST="127.0.0.1",
        PORT=str(port),
        # BIND wins over HOST/PORT in the gunicorn config; pin it so a caller's BIND
        # cannot move the server off loopback.
        BIND=f"127.0.0.1:{port}",
        DATABASE_URL=database_url,
        HROMADA_VAR_DIR=str(workdir / "var"),
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        # A caller's HTTPS=1 would turn every plain-HTTP request into a redirect.
        HTTPS="0",
        # The per-request JSON log line is part of every production request: keep it on.
        LOG_LEVEL="INFO",
        # gunicorn's control socket defaults to one path per user ($HOME/.gunicorn): give this
        # server its own, so it never collides with a `make run` or another benchmark.
        GUNICORN_CMD_ARGS=f"--control-socket {shlex.quote(str(workdir / 'gunicorn.ctl'))}",
        # wrk is one client address standing for thousands of residents: the per-address
        # limit of /api/v1 and /open311 would measure itself (the per-person limits stay).
        API_RATE_LIMIT_PER_ADDRESS="1000000000",
    )
    env.update(extra)
    return env


def wait_ready(proc: subprocess.Popen, port: int, log_path: Path, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{tail(log_path)}")
        # http.client, not urllib: urllib would honour an http_proxy from the environment.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz in {deadline_s:.0f} s:\n{tail(log_path)}")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the master (a graceful stop, as in production), SIGKILL its group if it hangs."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # The master was started in its own session, so its group holds only our processes.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextlib.contextmanager
def app_server(
    tmp: Path, *, database_url: str | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[AppServer]:
    """Migrate a database (by default a fresh SQLite file) and serve the project with gunicorn.

    Stopped on exit, also on failure or Ctrl-C.
    """
    workdir = tmp / f"appserver-{next(_serial)}"
    (workdir / "static").mkdir(parents=True)
    port = free_port()
    database_url = database_url or f"sqlite:///{workdir / 'db.sqlite3'}"
    env = server_env(workdir, port, database_url, extra_env or {})

    # As `make serve` does: pages need the collected, hashed static files when DEBUG is off,
    # and without REDIS_URL the rate limits of /api/v1 live in the database cache's table.
    for command in (
        ["migrate", "--no-input"],
        ["createcachetable"],
        ["collectstatic", "--no-input"],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            # The end of a traceback says what went wrong; the Django frames above it do not.
            output = (done.stdout + done.stderr).strip().splitlines()
            raise BenchError(f"manage.py {command[0]} failed:\n" + "\n".join(output[-12:]))

    log_path = workdir / "gunicorn.log"
    argv = [
        sys.executable, "-m", "gunicorn",
        "-c", str(REPO / "config" / "gunicorn.conf.py"),
        "config.wsgi:application",
    ]  # fmt: skip
    with log_path.open("ab") as log:
        # Its own session: a Ctrl-C in the terminal reaches us, and we stop it in order.
        proc = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_ready(proc, port, log_path, deadline_s=60)
        yield AppServer(f"http://127.0.0.1:{port}", port, proc.pid, log_path, env)
    finally:
        stop(proc)
