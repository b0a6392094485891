"""Situation centre: the public map's clustered GeoJSON and the live dashboard, over a million
appeals.

The appeals are seeded as bench/suites/appeals.py seeds the back office's queue (the demo
city, then a million appeals over five years by COPY); half of them are problem reports,
which get a point in the demo city and are public nine times in ten. The situation centre's
facts and counts are then rebuilt from them (facts_rebuild), as after an import.

- situation.map: GET /api/v1/situation/reports.geojson for the whole city at zoom 12 without
  filters, with a category, a status and twelve whole months, and for a few streets at zoom
  16; with the busiest addressee; with filing dates and with resolution dates that are not
  whole months (the whole months from the pre-counted cells, the days at the edges from the
  facts' narrow indexes); and with an addressee and a filing period together (counted from
  the facts' addressee index alone). Goal: p95 server time under 50 ms for a clustered
  answer, for every filter.
- situation.dashboard: the operator's dashboard page (/office/situation/) and its aggregates
  alone (dashboard_for). Goal: under 200 ms.

Figures are server times read from the request log (p95), wrk's latency, and the selector's
time in the seeding process, on PostgreSQL and SQLite.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

from bench.registry import BenchError, Figure, benchmark
from bench.suites.appeals import (
    OPERATOR,
    _bulk_insert,
    _load_demo_city,
    _percentile,
    _server_times,
    _session,
    _settle,
    _shell,
    _timed,
)

APPEALS = 1_000_000
MAP_GOAL_MS = 50
DASHBOARD_GOAL_MS = 200
# The demo city's box (west, south, east, north) and a few of its streets.
CITY = "33.33,49.06,33.56,49.16"
STREETS = "33.395,49.100,33.405,49.106"
API = "/api/v1/situation/reports.geojson"
DASHBOARD = "/office/situation/"


# The demo districts' boxes (they are close to rectangles): a report's district follows its
# point, as the intake's point-in-polygon would decide.
DISTRICT_BOXES = (
    ("zavodskyi", 33.33, 33.37, 49.06, 49.12),
    ("tsentralnyi", 33.37, 33.43, 49.09, 49.12),
    ("pivdennyi", 33.37, 33.43, 49.06, 49.09),
    ("livoberezhnyi", 33.43, 33.47, 49.06, 49.12),
    ("verbivskyi", 33.47, 33.56, 49.08, 49.13),
    ("pivnichnyi", 33.33, 33.47, 49.12, 49.16),
)


def _points_for_reports() -> None:
    """Problem reports get a point in the city (public nine times in ten) and its district."""
    from django.db import connection

    from hromada.core.models import District

    if connection.vendor == "postgresql":
        uniform = "random()"
    else:
        uniform = "((abs(random()) % 1000000) / 1000000.0)"
    ids = dict(District.objects.values_list("slug", "pk"))
    cases = " ".join(
        f"WHEN longitude >= {w} AND longitude < {e} AND latitude >= {s} AND latitude < {n} "
        f"THEN {ids[slug]}"
        for slug, w, e, s, n in DISTRICT_BOXES
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appeals_appeal SET "
            f"latitude = 49.06 + 0.10 * {uniform}, "
            f"longitude = 33.33 + 0.23 * {uniform}, "
            f"is_public = ({uniform} < 0.9) "
            "WHERE kind = 'problem_report'"
        )
        cursor.execute(
            f"UPDATE appeals_appeal SET district_id = CASE {cases} ELSE NULL END "
            "WHERE kind = 'problem_report'"
        )


def seed(total: int, out: str) -> None:
    """The demo city, ``total`` appeals, the situation centre's tables, the operator's session
    and the selectors' own times."""
    import time
    from dataclasses import replace
    from datetime import date, timedelta

    from django.db import connection
    from django.db.models import Count
    from django.http import QueryDict

    from hromada.accounts.models import User
    from hromada.appeals.models import Category, Kind
    from hromada.situation import dashboard, facts, selectors
    from hromada.situation.filters import parse_bbox, parse_filters
    from hromada.situation.models import AppealFact, DailyCount, MapCell

    _load_demo_city()
    insert_s = _bulk_insert(total)
    started = time.monotonic()
    _points_for_reports()
    rebuilt = facts.facts_rebuild()
    dashboard.recurring_problems_refresh()
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: the visibility map lets the map's
        # edge counts read the facts' indexes without visiting the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) situation_appealfact")
    rebuild_s = time.monotonic() - started
    operator = User.objects.get(email=OPERATOR)
    session = _session(operator, staff=True)
    session.save()

    category = (
        Category.objects.filter(for_problem_reports=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    ).first()
    # The addressee with the most public reports: the slowest an addressee can be.
    busiest = str(
        AppealFact.objects.filter(kind=Kind.PROBLEM_REPORT, is_public=True)
        .values("addressee_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("addressee_id", flat=True)
        .first()
    )
    today = date.today()
    start = date(today.year - 1, today.month, 1)
    views = {
        "city": {"bbox": CITY, "zoom": "12"},
        "filtered": {
            "bbox": CITY,
            "zoom": "13",
            "category": str(category),
            "status": ["new", "in_work", "overdue"],
            "received_from": start.isoformat(),
        },
        "streets": {"bbox": STREETS, "zoom": "16", "category": str(category)},
        "addressee": {"bbox": CITY, "zoom": "12", "addressee": busiest},
        # Not whole months: the cells' months plus the edge days from the facts.
        "received_days": {
            "bbox": CITY,
            "zoom": "12",
            "received_from": (today - timedelta(days=400)).replace(day=17).isoformat(),
            "received_to": (today - timedelta(days=40)).replace(day=12).isoformat(),
        },
        "resolved_days": {
            "bbox": CITY,
            "zoom": "12",
            "status": "done",
            "resolved_from": (today - timedelta(days=200)).replace(day=9).isoformat(),
            "resolved_to": (today - timedelta(days=20)).replace(day=23).isoformat(),
        },
        "addressee_received": {
            "bbox": CITY,
            "zoom": "12",
            "addressee": busiest,
            "received_from": (today - timedelta(days=120)).replace(day=5).isoformat(),
            "received_to": (today - timedelta(days=10)).isoformat(),
        },
    }
    query_ms, answers = {}, {}
    for name, params in views.items():
        data = QueryDict(mutable=True)
        for key, value in params.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        filters = replace(parse_filters(data), bbox="")
        box = parse_bbox(params["bbox"])

        def run(f=filters, b=box, z=int(params["zoom"])):
            return selectors.map_features(filters=f, box=b, zoom=z)

        collection = run()
        answers[name] = {
            "clustered": collection["clustered"],
            "features": len(collection["features"]),
            "reports": sum(
                f["properties"]["count"] if f["properties"]["cluster"] else 1
                for f in collection["features"]
            ),
        }
        query_ms[name] = _timed(run)
    query_ms["dashboard"] = _timed(lambda: dashboard.dashboard_for(user=operator))
    Path(out).write_text(
        json.dumps(
            {
                "session": session.session_key,
                # Encoded: wrk, driven by a Lua script, sends nothing for a raw comma.
                "views": {name: urlencode(p, doseq=True) for name, p in views.items()},
                "answers": answers,
                "appeals": total,
                "facts": rebuilt,
                "cells": MapCell.objects.count(),
                "daily_rows": DailyCount.objects.count(),
                "insert_s": insert_s,
                "rebuild_s": rebuild_s,
                "query_ms": query_ms,
                "vendor": connection.vendor,
            }
        )
    )


def _measure(ctx, server, *, path: str, query: str, headers: dict, key: str, label: str):
    url = server.url(f"{path}?{query}" if query else path)
    workers = max(1, server.workers())
    # Warm-up: a worker's first API request loads the whole API (seconds on a busy machine).
    ctx.load(url, duration_s=5, connections=workers, threads=1, headers=headers)
    offset = _settle(server.log_path)
    with ctx.watch_cpu(key, server.pids()):
        run = ctx.load(url, duration_s=ctx.scaled(5, 1), connections=1, threads=1, headers=headers)
    _settle(server.log_path)
    times, statuses = _server_times(server.log_path, offset, path, "GET")
    if not run["requests"] or run["error_count"] or set(statuses) != {200}:
        raise BenchError(f"{path}?{query}: statuses {statuses}, wrk {run}")
    ctx.detail(key, {"wrk": run, "server_ms": times})
    return [
        Figure(
            f"{key}.server_p95_ms",
            f"{label}, server time p95",
            _percentile(times, 0.95),
            "ms",
            floor="http.healthz.p50_ms",
            better="lower",
        ),
        Figure(
            f"{key}.p99_ms",
            f"{label}, p99",
            run["latency_us"]["p99"] / 1000,
            "ms",
            floor="http.healthz.p50_ms",
            better="lower",
        ),
    ]


def _seeded(ctx, server, database: str, total: int) -> dict:
    work = server.log_path.parent / "situation.json"
    _shell(
        server,
        f"from bench.suites.situation import seed; seed({total}, {str(work)!r})",
        timeout=3600,
    )
    seeded = json.loads(work.read_text())
    ctx.fact(
        f"situation {database}: appeals, facts, map cells, daily rows",
        f"{seeded['appeals']:,} appeals; {seeded['facts']:,} facts; {seeded['cells']:,} cells; "
        f"{seeded['daily_rows']:,} daily rows (insert {seeded['insert_s']:.0f} s, "
        f"rebuild {seeded['rebuild_s']:.0f} s)",
    )
    for name, answer in seeded["answers"].items():
        ctx.fact(f"situation.map {database} answer ({name})", answer)
    return seeded


@benchmark("situation")
def situation(ctx) -> list[Figure]:
    """The map's clustered GeoJSON (goal: p95 < 50 ms) and the dashboard (goal: < 200 ms),
    over 1,000,000 appeals."""
    ctx.fact("situation.map goal", f"under {MAP_GOAL_MS} ms server time (p95)")
    ctx.fact("situation.dashboard goal", f"under {DASHBOARD_GOAL_MS} ms server time (p95)")
    total = ctx.scaled(APPEALS, 20_000)
    figures = []
    with ctx.pg_database() as database, ctx.app_server(database_url=database.url) as server:
        figures += _run(ctx, server, "postgresql", _seeded(ctx, server, "postgresql", total))
    with ctx.app_server() as server:
        figures += _run(ctx, server, "sqlite", _seeded(ctx, server, "sqlite", total))
    return figures


def _run(ctx, server, database: str, seeded: dict) -> list[Figure]:
    figures = []
    for name, query in seeded["views"].items():
        key = f"situation.map.{database}.{name}"
        label = f"map ({name}), {seeded['appeals']:,} appeals, {database}"
        figures += _measure(ctx, server, path=API, query=query, headers={}, key=key, label=label)
        figures.append(_selector_figure(key, label, seeded["query_ms"][name]))
    key = f"situation.dashboard.{database}"
    label = f"dashboard, {seeded['appeals']:,} appeals, {database}"
    headers = {"Cookie": f"sessionid={seeded['session']}"}
    figures += _measure(
        ctx, server, path=DASHBOARD, query="", headers=headers, key=key, label=label
    )
    figures.append(_selector_figure(key, label, seeded["query_ms"]["dashboard"]))
    return figures


def _selector_figure(key: str, label: str, timings: list[float]) -> Figure:
    return Figure(
        f"{key}.query_p95_ms",
        f"{label}, its selector alone, p95",
        _percentile(timings, 0.95),
        "ms",
        floor="http.healthz.p50_ms",
        better="lower",
    )
