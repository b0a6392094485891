"""`make bench`: measure the floors and every registered benchmark, then report.

Usage: .venv/bin/python bench/run.py [--quick] [--only NAME ...] [--list] [--keep-tmp]
The runner itself is bench/cli.py; bench/README.md explains the figures.
"""

import importlib
import sys
from pathlib import Path

# Run as a script, so only bench/ is on the path: put the repository root there and import
# the helpers as the `bench` package (plain names like `report` could clash with others).
REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

if __name__ == "__main__":
    sys.exit(importlib.import_module("bench.cli").main())
