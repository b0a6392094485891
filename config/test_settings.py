"""The test run: config.settings with a throwaway key and fast password hashing.

DATABASE_URL still decides the database, so the same suite runs on SQLite and PostgreSQL.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from config.settings import *  # noqa: F403
from config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# In memory, unless a test gives a real (loopback) SMTP server to a worker process it starts.
if not os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files come from the finders in tests; nothing is collected.
STATIC_ROOT = Path(tempfile.gettempdir()) / "hromada-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

# SQLite tests use a file (per xdist process) rather than memory, so that a real worker
# process started by a test sees the same database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"hromada-test-{os.getpid()}.sqlite3")
    }

# The database cache (even when REDIS_URL is set): rate-limit counters roll back with each
# test's transaction, so one test's attempts never block the next.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "hromada_cache",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
