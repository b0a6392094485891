"""The two floors every other benchmark is compared with, measured in the same run.

- http.healthz: the cheapest request the production app server can answer.
- pg.insert: the cheapest durable write of an appeal-sized row.
"""

from __future__ import annotations

import statistics
import time

import psycopg
from psycopg.types.json import Jsonb

from bench import postgres
from bench.data import appeal_rows
from bench.registry import BenchError, Figure, benchmark

# Fixed, so runs compare: enough to keep every gunicorn worker busy with a queue behind it,
# and two wrk threads because the machine has two cores shared with the server.
HTTP_CONNECTIONS = 16
HTTP_THREADS = 2
# Any failed request makes the floor suspect; allow only stray socket hiccups.
MAX_ERROR_SHARE = 0.001


@benchmark("http.healthz", floor=True)
def healthz(ctx) -> list[Figure]:
    """GET /healthz (bare JSON view, no database) through gunicorn with the production config."""
    warmup_s = ctx.scaled(3, 1)
    duration_s = ctx.scaled(15, 3)
    with ctx.app_server() as server:
        url = server.url("/healthz")
        # Warm-up: imports, lazy URL resolver and middleware set-up happen on first requests.
        ctx.load(url, duration_s=warmup_s, connections=HTTP_CONNECTIONS, threads=HTTP_THREADS)
        workers = server.workers()
        with ctx.watch_cpu("http.healthz", server.pids()) as usage:
            run = ctx.load(
                url, duration_s=duration_s, connections=HTTP_CONNECTIONS, threads=HTTP_THREADS
            )
    run["cpu"] = usage
    ctx.fact("gunicorn workers (counted)", workers)
    ctx.fact("wrk load", f"{HTTP_THREADS} threads, {HTTP_CONNECTIONS} connections, {duration_s} s")
    ctx.detail("http.healthz", run)
    if run["error_count"] > MAX_ERROR_SHARE * max(run["requests"], 1):
        raise BenchError(f"/healthz failed {run['error_count']} of {run['requests']}: {run}")
    label = f"GET /healthz, {HTTP_CONNECTIONS} conn"
    latency = run["latency_us"]
    return [
        Figure("http.healthz.rps", label, run["rps"], "req/s"),
        Figure("http.healthz.p50_ms", f"{label}, p50", latency["p50"] / 1000, "ms", better="lower"),
        Figure("http.healthz.p99_ms", f"{label}, p99", latency["p99"] / 1000, "ms", better="lower"),
    ]


APPEAL_TABLE = """
-- Five indexes, as the real table will have: the primary key, the unique registration
-- number, and the three lookups (officer queues by status and deadline, a citizen's own
-- appeals, newest first).
CREATE TABLE appeal (
    id bigserial PRIMARY KEY,
    registration_number text NOT NULL UNIQUE,
    kind text NOT NULL,
    status text NOT NULL,
    author_id bigint NOT NULL,
    addressee_id bigint,
    body text NOT NULL,
    lat double precision,
    lon double precision,
    created_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL,
    payload jsonb NOT NULL
);
CREATE INDEX appeal_status_due_at ON appeal (status, due_at);
CREATE INDEX appeal_author_id ON appeal (author_id);
CREATE INDEX appeal_created_at ON appeal (created_at);
"""
COLUMNS = [
    "registration_number", "kind", "status", "author_id", "addressee_id", "body",
    "lat", "lon", "created_at", "due_at", "payload",
]  # fmt: skip
INSERT = (
    f"INSERT INTO appeal ({', '.join(COLUMNS)}) VALUES ({', '.join(f'%({c})s' for c in COLUMNS)})"
)
COPY = f"COPY appeal ({', '.join(COLUMNS)}) FROM STDIN"


def prepared_rows(count: int, start: int) -> list[dict]:
    # Built before the clock starts: the floor is the database's cost, not the generator's.
    rows = list(appeal_rows(count, start=start))
    for row in rows:
        row["payload"] = Jsonb(row["payload"])
    return rows


@benchmark("pg.insert", floor=True)
def pg_insert(ctx) -> list[Figure]:
    """INSERT of an appeal-like row (~1 KB Ukrainian text, 5 indexes) into PostgreSQL."""
    single_rows = ctx.scaled(5000, 500)
    batch_rows = ctx.scaled(5000, 500)
    single_limit_s = ctx.scaled(40, 10)
    warmup_rows = 200
    postgres.ensure_running()
    for name, value in postgres.server_facts().items():
        ctx.fact(f"PostgreSQL {name}", value)

    with ctx.pg_database() as db, psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute(APPEAL_TABLE)
        warmup = prepared_rows(warmup_rows, start=1)
        single = prepared_rows(single_rows, start=1 + warmup_rows)
        many = prepared_rows(batch_rows, start=1 + warmup_rows + single_rows)
        copied = prepared_rows(batch_rows, start=1 + warmup_rows + single_rows + batch_rows)

        # Autocommit: each INSERT is its own transaction with its own WAL flush, as each
        # appeal is. RETURNING id because the application needs the new id, as Django does.
        returning = INSERT + " RETURNING id"
        with conn.cursor() as cur:
            # Warm-up: psycopg prepares the statement after a few executions; caches fill.
            for row in warmup:
                cur.execute(returning, row)
            timings = []
            pids = postgres.server_pids(conn)
            with ctx.watch_cpu("pg.insert (single rows)", pids) as usage:
                started = time.perf_counter()
                deadline = started + single_limit_s
                for row in single:
                    t0 = time.perf_counter()
                    cur.execute(returning, row)
                    cur.fetchone()
                    timings.append(time.perf_counter() - t0)
                    if t0 > deadline:
                        break
                single_elapsed = time.perf_counter() - started

            # For reference: the same rows batched in one transaction (one WAL flush).
            started = time.perf_counter()
            with conn.transaction():
                cur.executemany(INSERT, many)
            many_elapsed = time.perf_counter() - started

            started = time.perf_counter()
            with conn.transaction(), cur.copy(COPY) as copy:
                for row in copied:
                    copy.write_row([row[c] for c in COLUMNS])
            copy_elapsed = time.perf_counter() - started

            expected = warmup_rows + len(timings) + len(many) + len(copied)
            stored = cur.execute("SELECT count(*), avg(octet_length(body)) FROM appeal").fetchone()
            if stored[0] != expected:
                raise BenchError(f"expected {expected} appeal rows, found {stored[0]}")

    ctx.fact("appeal body (avg bytes)", round(float(stored[1])))
    ctx.detail(
        "pg.insert",
        {
            "single_rows": len(timings),
            "single_elapsed_s": single_elapsed,
            "batch_rows": len(many),
            "executemany_elapsed_s": many_elapsed,
            "copy_elapsed_s": copy_elapsed,
            "single_cpu": usage,
        },
    )
    per_row = sorted(timings)
    p99 = per_row[min(len(per_row) - 1, round(0.99 * (len(per_row) - 1)))]
    single_floor = "pg.insert.single.rows_per_s"
    label = "INSERT, autocommit per row"
    return [
        Figure(single_floor, label, len(timings) / single_elapsed, "rows/s"),
        Figure(
            "pg.insert.single.p50_ms",
            f"{label}, p50",
            statistics.median(per_row) * 1000,
            "ms",
            better="lower",
        ),
        Figure("pg.insert.single.p99_ms", f"{label}, p99", p99 * 1000, "ms", better="lower"),
        Figure(
            "pg.insert.executemany.rows_per_s",
            f"executemany, {len(many)} rows in 1 tx",
            len(many) / many_elapsed,
            "rows/s",
            floor=single_floor,
        ),
        Figure(
            "pg.insert.copy.rows_per_s",
            f"COPY, {len(copied)} rows in 1 tx",
            len(copied) / copy_elapsed,
            "rows/s",
            floor=single_floor,
        ),
    ]
