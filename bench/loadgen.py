"""HTTP load through wrk, Debian's C load generator.

wrk rather than a Python client: on a 2-core machine a Python client would saturate a core
itself and the figure would describe the client, not the server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bench.registry import BenchError

WRK = Path("/usr/bin/wrk")
REPORT_SCRIPT = Path(__file__).with_name("wrk_report.lua")
MARKER = "BENCH_WRK_JSON "


def ensure_wrk() -> Path:
    """Return wrk's path, installing Debian's package when running as root."""
    if WRK.exists():
        return WRK
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise BenchError(
            f"{WRK} is missing and this user cannot install it: "
            "run `apt-get install -y wrk` as root, then `make bench` again."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    print("wrk is missing: installing Debian's package ...", flush=True)
    if subprocess.run(install, env=env, capture_output=True, timeout=300).returncode != 0:
        # A fresh container often has empty package lists; refresh them once and retry.
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
        done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise BenchError(f"`apt-get install wrk` failed:\n{done.stderr.strip()}")
    if not WRK.exists():
        raise BenchError(f"wrk was installed but {WRK} is still missing")
    return WRK


def wrk_version() -> str:
    # `wrk -v` prints its banner and exits non-zero; the first line is the version.
    out = subprocess.run([str(ensure_wrk()), "-v"], capture_output=True, text=True, timeout=10)
    return (out.stdout or out.stderr).strip().splitlines()[0].split(" [")[0]


def check_loopback(url: str) -> None:
    """Load is only ever aimed at this machine: a benchmark must not flood anyone else."""
    host = urlsplit(url).hostname
    if host != "127.0.0.1":
        raise BenchError(f"refusing to load {url}: only http://127.0.0.1 may be targeted")


def lua_string(value: str) -> str:
    """A quoted Lua string holding exactly the UTF-8 bytes of `value`.

    Every byte outside printable ASCII is a 3-digit decimal escape: long brackets would turn
    CRLF into LF and drop a leading newline, which would corrupt a multipart body.
    """
    out = []
    for byte in value.encode():
        char = chr(byte)
        out.append(char if 32 <= byte < 127 and char not in '"\\' else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def run_wrk(
    url: str,
    *,
    duration_s: float,
    connections: int,
    threads: int = 2,
    timeout_s: float = 5.0,
    method: str = "GET",
    body: str | None = None,
    headers: dict[str, str] | None = None,
    lua: str = "",
) -> dict:
    """Load `url` for `duration_s` seconds over a fixed number of connections.

    `method`, `body` and `headers` set the request wrk repeats; `lua` may add wrk hooks such as
    request() or response() for anything more dynamic (it must not define done()).
    Returns requests, duration_us, errors and latency_us (p50, p90, p99, max, mean) as wrk
    measured them, plus rps = requests / duration.
    """
    check_loopback(url)
    setup = [f"wrk.method = {lua_string(method)}"]
    if body is not None:
        setup.append(f"wrk.body = {lua_string(body)}")
    for name, value in (headers or {}).items():
        setup.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
    script_text = "\n".join([*setup, lua, REPORT_SCRIPT.read_text()])
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="hromada-wrk-") as script:
        script.write(script_text)
        script.flush()
        argv = [
            str(ensure_wrk()),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration_s))}s",
            f"--timeout={timeout_s:g}s",
            "-s",
            script.name,
            url,
        ]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=duration_s + 60)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(lines[-1][len(MARKER) :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["error_count"] = sum(result["errors"].values())
    result["connections"] = connections
    result["threads"] = threads
    return result
