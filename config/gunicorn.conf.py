"""Gunicorn settings for `make run` and production; every value can be set from the environment."""

import gc
import multiprocessing
import os
from pathlib import Path

bind = os.environ.get(
    "BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 9)))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 10
# Requests are logged once, as JSON, by hromada.core.middleware.RequestIdMiddleware.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket defaults to one path per user; each server gets its own in var/.
_var_dir = Path(os.environ.get("HROMADA_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
_var_dir.mkdir(parents=True, exist_ok=True)
control_socket = os.environ.get(
    "GUNICORN_CONTROL_SOCKET", str(_var_dir / f"gunicorn-{bind.rsplit(':', 1)[-1]}.ctl")
)


def post_worker_init(worker):
    # The app is loaded: freeze what exists so the collector's full passes skip Django's
    # long-lived objects. Without this, every few requests a full collection added ~60 ms.
    gc.collect()
    gc.freeze()
