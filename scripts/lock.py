"""Pin requirements*.in into requirements*.txt with pip's own resolver (no extra tool).

Usage: python scripts/lock.py   (run by `make lock`)
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def resolve(*requirement_files: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        args = [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run"]
        args += ["--ignore-installed", "--report", str(report)]
        for name in requirement_files:
            args += ["-r", str(ROOT / name)]
        subprocess.run(args, check=True)
        installs = json.loads(report.read_text())["install"]
    return {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in installs}


def write(path: str, pins: dict[str, str], header: str) -> None:
    lines = [header] + [f"{name}=={version}" for name, version in sorted(pins.items())]
    (ROOT / path).write_text("\n".join(lines) + "\n")


def main() -> None:
    runtime = resolve("requirements.in")
    everything = resolve("requirements.in", "requirements-dev.in")
    dev = {name: version for name, version in everything.items() if name not in runtime}
    write("requirements.txt", runtime, "# Pinned by `make lock` from requirements.in.")
    write(
        "requirements-dev.txt",
        dev,
        "# Pinned by `make lock` from requirements-dev.in.\n-r requirements.txt",
    )


if __name__ == "__main__":
    main()
