"""What a benchmark function receives: shared helpers and a place for facts and details."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import appserver, cpu, loadgen, postgres


@dataclass
class Attempt:
    """What one run of one benchmark noted besides its figures.

    Kept per attempt because a disturbed attempt is measured again and only the better one's
    figures, facts and details are reported.
    """

    facts: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    other_share: float = 0.0  # the most CPU other processes took during one measurement


class Context:
    """Handed to every benchmark as `ctx`.

    - `ctx.app_server(...)`: gunicorn with the project's config on a migrated throwaway
      database (SQLite by default, or `database_url=` e.g. from `ctx.pg_database()`).
    - `ctx.load(url, ...)`: wrk against a 127.0.0.1 URL (method, body, headers and extra Lua
      can be given); see loadgen.run_wrk.
    - `ctx.pg_database()`: a fresh PostgreSQL database, dropped afterwards; yields an object
      with `.conninfo` (for psycopg) and `.url` (for `ctx.app_server(database_url=...)`).
    - `ctx.scaled(full, quick)`: durations and row counts shrink under --quick.
    - `ctx.fact(name, value)`: a fact about the setup, printed in the README's facts list.
    - `ctx.detail(name, data)`: raw data kept in the JSON results only.
    - `ctx.watch_cpu(name, pids)`: around a measurement, records how much CPU other
      processes took meanwhile (see bench/cpu.py); `pids` are the measured processes that are
      not children of the runner. A benchmark disturbed by other work is run once more.
    """

    def __init__(self, tmp: Path, *, quick: bool) -> None:
        self.tmp = tmp
        self.quick = quick
        self.attempt = Attempt()

    def scaled(self, full: Any, quick: Any) -> Any:
        return quick if self.quick else full

    def fact(self, name: str, value: Any) -> None:
        self.attempt.facts[name] = value

    def detail(self, name: str, data: Any) -> None:
        self.attempt.details[name] = data

    def app_server(self, **kwargs: Any) -> contextlib.AbstractContextManager[appserver.AppServer]:
        return appserver.app_server(self.tmp, **kwargs)

    def load(self, url: str, **kwargs: Any) -> dict:
        return loadgen.run_wrk(url, **kwargs)

    @contextlib.contextmanager
    def pg_database(self) -> Iterator[postgres.Database]:
        with postgres.fresh_database() as database:
            yield database

    @contextlib.contextmanager
    def watch_cpu(self, name: str, pids: list[int] | tuple[int, ...] = ()) -> Iterator[dict]:
        usage: dict[str, float] = {}
        before = cpu.snapshot(pids)
        yield usage
        usage.update(cpu.compare(before, cpu.snapshot(pids)))
        if usage["seconds"] < cpu.MIN_WINDOW_S:
            self.fact(f"other processes' CPU during {name}", "not judged (too short)")
            return
        self.fact(f"other processes' CPU during {name}", f"{usage['other_share']:.0%}")
        self.attempt.other_share = max(self.attempt.other_share, usage["other_share"])
        if usage["other_share"] > cpu.DISTURBED:
            self.attempt.warnings.append(
                f"other processes used {usage['other_share']:.0%} of the CPU during {name}: "
                "its figures are likely too low; re-run on a quiet machine"
            )
