"""The public catalogue of addressees with 2,000 entries (issue: under 100 ms server time).

Each view is loaded over one connection, so a request never waits behind another and its
latency is the server's time plus a loopback round trip.
"""

from __future__ import annotations

import subprocess
import sys

from bench.appserver import REPO
from bench.registry import BenchError, Figure, benchmark

ADDRESSEES = 2000
VIEWS = {"tree": "/directory/", "list": "/directory/?view=list", "map": "/directory/?view=map"}
GOAL_MS = 100

# 20 departments × 9 units × ~10 officials = 2,000, three levels, every office on the map.
SEED = """
from hromada.directory.models import Addressee
from hromada.directory.services import normalize_search
total = {total}
def row(slug, kind, name, parent=None, person=""):
    return Addressee(slug=slug, kind=kind, name=name, parent=parent, person_name=person,
                     search_text=normalize_search(name + " " + person),
                     office_address="вул. Соборна, 1", latitude=49.1, longitude=33.4)
roots = Addressee.objects.bulk_create(
    [row(f"d{{i}}", "department", f"Управління {{i}}") for i in range(20)])
units = Addressee.objects.bulk_create(
    [row(f"d{{i}}-u{{j}}", "unit", f"Відділ {{j}} управління {{i}}", roots[i])
     for i in range(20) for j in range(9)])
left = total - len(roots) - len(units)
Addressee.objects.bulk_create(
    [row(f"o{{k}}", "official", f"Головний спеціаліст {{k}}", units[k % len(units)],
         "Іваненко Іван Іванович") for k in range(left)])
print(Addressee.objects.count())
"""


def seed(server) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED.format(total=ADDRESSEES)],
        cwd=REPO,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 or done.stdout.strip().splitlines()[-1:] != [str(ADDRESSEES)]:
        raise BenchError(f"seeding the directory failed:\n{done.stdout[-2000:]}{done.stderr}")


def measure(ctx, server, database: str) -> list[Figure]:
    figures = []
    duration_s = ctx.scaled(5, 1)
    for view, path in VIEWS.items():
        url = server.url(path)
        ctx.load(url, duration_s=1, connections=1, threads=1)  # warm-up
        with ctx.watch_cpu(f"directory.{database}.{view}", server.pids()):
            run = ctx.load(url, duration_s=duration_s, connections=1, threads=1)
        if run["error_count"]:
            raise BenchError(f"{path} failed {run['error_count']} times: {run}")
        ctx.detail(f"directory.{database}.{view}", run)
        latency = run["latency_us"]
        key = f"directory.{database}.{view}"
        label = f"catalogue ({view}), {ADDRESSEES} addressees, {database}"
        for name in ("p50", "p90"):
            figures.append(
                Figure(
                    f"{key}.{name}_ms",
                    f"{label}, {name}",
                    latency[name] / 1000,
                    "ms",
                    floor="http.healthz.p50_ms",
                    better="lower",
                )
            )
    return figures


@benchmark("directory.catalogue")
def catalogue(ctx) -> list[Figure]:
    """The public catalogue (tree, list, map) with 2,000 addressees, SQLite and PostgreSQL."""
    ctx.fact("directory.catalogue goal", f"under {GOAL_MS} ms server time with {ADDRESSEES}")
    figures = []
    with ctx.app_server() as server:
        seed(server)
        figures += measure(ctx, server, "sqlite")
    with ctx.pg_database() as database, ctx.app_server(database_url=database.url) as server:
        seed(server)
        figures += measure(ctx, server, "postgresql")
    return figures
