"""Who used the CPU during a measurement: the benchmark's own processes or somebody else.

On a small shared machine another job (a test run, a browser) can take half the CPU and
halve a figure. Each benchmark therefore reports the share of CPU that processes outside
the measurement used while it ran, so a disturbed figure can be recognised and re-measured.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")
# Above this share of other work, the benchmark is measured again, then warned about. Not
# zero: kernel threads doing our own disk I/O (the WAL flushes) count as "other" and take a
# few per cent on their own.
DISTURBED = 0.15
# /proc counts CPU time in ticks (10 ms) per process: shorter windows (as under --quick)
# are too coarse to judge, and are not.
MIN_WINDOW_S = 2.0


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


def busy_seconds() -> float:
    """CPU seconds spent busy on the whole machine since boot, all CPUs together."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    # Steal is time the hypervisor gave to other guests: for us it is other work too.
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def process_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


@dataclass(frozen=True)
class Snapshot:
    at: float
    busy: float
    ours: float


def snapshot(pids: list[int] | tuple[int, ...] = ()) -> Snapshot:
    """`pids` are the measured processes that are not our children (gunicorn's workers, the
    PostgreSQL backend); finished children such as wrk count through RUSAGE_CHILDREN."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = sum(process_seconds(pid) for pid in {os.getpid(), *pids})
    ours += children.ru_utime + children.ru_stime
    return Snapshot(time.monotonic(), busy_seconds(), ours)


def compare(before: Snapshot, after: Snapshot) -> dict[str, float]:
    capacity = max((after.at - before.at) * cpu_count(), 1e-9)
    ours = after.ours - before.ours
    other = max(0.0, (after.busy - before.busy) - ours)
    return {
        "seconds": after.at - before.at,
        "ours_share": ours / capacity,
        "other_share": other / capacity,
    }


def busy_share(interval_s: float = 1.0) -> float:
    """Share of all CPUs busy during the next `interval_s`, whoever used it."""
    before = snapshot()
    time.sleep(interval_s)
    after = snapshot()
    return min(1.0, (after.busy - before.busy) / (interval_s * cpu_count()))


def wait_quiet(max_wait_s: float) -> float:
    """Wait until the machine is quiet (or `max_wait_s` has passed); return the last share."""
    deadline = time.monotonic() + max_wait_s
    share = busy_share()
    while share > DISTURBED and time.monotonic() < deadline:
        share = busy_share()
    return share
