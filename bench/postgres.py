"""PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and throwaway databases on it."""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from bench.registry import BenchError

HOST = "127.0.0.1"
PORT = 5432
USER = "postgres"


def conninfo(dbname: str = "postgres") -> str:
    return psycopg.conninfo.make_conninfo(
        host=HOST, port=PORT, user=USER, dbname=dbname, connect_timeout=5
    )


def _reachable() -> bool:
    try:
        with psycopg.connect(conninfo()):
            return True
    except psycopg.OperationalError:
        return False


def ensure_running() -> None:
    """Start the local cluster when it is down (a freshly booted container often has it off)."""
    if _reachable():
        return
    versions = sorted(
        (p.name for p in Path("/etc/postgresql").glob("*") if p.is_dir()),
        key=lambda v: [int(x) for x in v.split(".") if x.isdigit()],
    )
    if not versions:
        raise BenchError(f"PostgreSQL is not answering on {HOST}:{PORT} and none is installed")
    print(f"PostgreSQL is down: starting cluster {versions[-1]}/main ...", flush=True)
    start = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"]
    done = subprocess.run(start, capture_output=True, text=True, timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _reachable():
            return
        time.sleep(0.5)
    raise BenchError(
        f"PostgreSQL is not answering on {HOST}:{PORT}; `{' '.join(start)}` said:\n"
        f"{done.stdout}{done.stderr}"
    )


def server_facts() -> dict[str, str]:
    with psycopg.connect(conninfo()) as conn:
        facts = {}
        for setting in ("server_version", "synchronous_commit", "fsync", "shared_buffers"):
            facts[setting] = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(setting)))
            facts[setting] = facts[setting].fetchone()[0]
        return facts


def server_pids(conn: psycopg.Connection) -> list[int]:
    """`conn`'s backend and the cluster's background processes (WAL writer, checkpointer...).

    Their CPU time is part of what an INSERT costs; other clients' backends are not.
    """
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE backend_type <> 'client backend' "
        "OR pid = pg_backend_pid()"
    ).fetchall()
    return [pid for (pid,) in rows]


@dataclass(frozen=True)
class Database:
    name: str

    @property
    def conninfo(self) -> str:
        """For psycopg.connect()."""
        return conninfo(self.name)

    @property
    def url(self) -> str:
        """For the app server's DATABASE_URL."""
        return f"postgres://{USER}@{HOST}:{PORT}/{self.name}"


@contextlib.contextmanager
def fresh_database() -> Iterator[Database]:
    """Create a database with a random name, yield it, drop it afterwards.

    Dropped also on failure or Ctrl-C; WITH (FORCE) ends any session a failed benchmark left.
    """
    ensure_running()
    name = f"hromada_bench_{secrets.token_hex(6)}"
    with psycopg.connect(conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Database(name)
    finally:
        with psycopg.connect(conninfo(), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
