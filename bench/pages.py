"""What the page suites share: a seed run in `manage.py shell`, workers warmed, and each view
loaded over one connection on SQLite and then PostgreSQL.

One connection, so a request never waits behind another and its latency is the server's time
plus a loopback round trip.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bench.appserver import REPO
from bench.registry import BenchError, Figure

COLD_S = 1.0  # a worker's first request imports and compiles much of the project (~2 s busy)


def seed(server, script: str, *, expect: str, what: str, timeout_s: int = 300) -> None:
    """Run `script` in the server's environment; its last printed line must be `expect`."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=REPO,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    if done.returncode != 0 or done.stdout.strip().splitlines()[-1:] != [expect]:
        raise BenchError(f"seeding {what} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")


def _get(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def warm(server, paths: list[str], *, deadline_s: float = 120) -> None:
    """Send each path to every worker at once, round after round, until a whole round is fast.

    gunicorn's sync workers close the connection after each response, so a timed request may
    land on any worker: a cold one would be timed as the page (the reason an earlier run
    completed no request in its window on a busy machine).
    """
    deadline = time.monotonic() + deadline_s
    while True:
        wanted = [path for path in paths for _ in range(max(1, server.workers()))]
        with ThreadPoolExecutor(len(wanted)) as pool:
            results = list(pool.map(lambda path: (path, *_get(server.port, path)), wanted))
        if failed := [(p, s) for p, s, _ in results if s != 200]:
            raise BenchError(f"warming up: {failed[:3]} answered with an error")
        if max(seconds for _, _, seconds in results) < COLD_S:
            return
        if time.monotonic() > deadline:
            raise BenchError(f"workers still slow after {deadline_s:.0f} s of warming up")


def measure(ctx, server, views: dict[str, str], *, name: str, key: str, label: str) -> list[Figure]:
    """p50 and p90 of each view as `{key}.{view}.p50_ms`…; `label` has a `{view}` slot and
    `name` labels the CPU watch and the raw details."""
    figures = []
    duration_s = ctx.scaled(5, 1)
    warm(server, list(views.values()))
    for view, path in views.items():
        with ctx.watch_cpu(f"{name}.{view}", server.pids()):
            run = ctx.load(server.url(path), duration_s=duration_s, connections=1, threads=1)
        if run["error_count"]:
            raise BenchError(f"{path} failed {run['error_count']} times: {run}")
        if not run["requests"]:
            raise BenchError(f"{path}: no request completed in {duration_s} s: {run}")
        ctx.detail(f"{name}.{view}", run)
        for stat in ("p50", "p90"):
            figures.append(
                Figure(
                    f"{key}.{view}.{stat}_ms",
                    f"{label.format(view=view)}, {stat}",
                    run["latency_us"][stat] / 1000,
                    "ms",
                    floor="http.healthz.p50_ms",
                    better="lower",
                )
            )
    return figures


def on_both_databases(ctx, run: Callable[[object, str], list[Figure]]) -> list[Figure]:
    """`run(server, database)` on a fresh SQLite file, then on a fresh PostgreSQL database."""
    figures = []
    with ctx.app_server() as server:
        figures += run(server, "sqlite")
    with ctx.pg_database() as database, ctx.app_server(database_url=database.url) as server:
        figures += run(server, "postgresql")
    return figures
