"""Tasks used by the worker tests: importable by path, as a real worker process needs."""

import time
from pathlib import Path

from django_tasks import task


@task()
def gated_append(*, gate: str, marker: str, started: str) -> str:
    """Say it started, wait until the test opens the gate, then append one line."""
    Path(started).write_text("started")
    deadline = time.monotonic() + 60
    while not Path(gate).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never opened the gate")
        time.sleep(0.05)
    with Path(marker).open("a") as handle:
        handle.write("done\n")
    return "done"
