"""Facts about the machine and the software the figures were measured with."""

from __future__ import annotations

import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

from bench import cpu

REPO = Path(__file__).resolve().parent.parent


def _meminfo_gib() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{rev}{' (uncommitted changes)' if dirty else ''}" if rev else "unknown"


def facts() -> dict[str, str]:
    return {
        # The CPUs this process may use, which is what the benchmark actually gets.
        "nproc": str(cpu.cpu_count()),
        "CPU": _cpu_model(),
        "memory": _meminfo_gib(),
        "kernel": platform.release(),
        "Python": platform.python_version(),
        "Django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "psycopg": metadata.version("psycopg"),
        # The library Python links, i.e. the SQLite the app server uses.
        "SQLite": sqlite3.sqlite_version,
        "git": _git_revision(),
        # Other work on the machine skews every figure; this shows whether there was any.
        "CPU busy just before the run": f"{cpu.busy_share():.0%}",
    }
