"""Hromada settings: one module, driven by environment variables.

Every variable, its default and its meaning is listed in the README ("Settings").
"""

import os
import secrets
from datetime import datetime
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HROMADA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a key generated once and kept in var/, never in the repository.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "hromada.core",
    "hromada.accounts",
    "hromada.directory",
    "hromada.appeals",
    "hromada.equeue",
    "hromada.situation",
    "hromada.surveys",
    "hromada.messaging",
    "hromada.news",
    "hromada.integrations",
    "hromada.open311",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "ninja",
    "phonenumber_field",
]

MIDDLEWARE = [
    "hromada.core.middleware.HealthCheckMiddleware",
    "hromada.core.middleware.RequestIdMiddleware",
    "hromada.core.middleware.NulByteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hromada.accounts.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
# Project templates may override form widgets and the field layout (templates/django/forms/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hromada.core.context_processors.site",
                "hromada.core.context_processors.languages",
                "hromada.messaging.context_processors.inbox",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# The embedded default is an SQLite file in var/; production sets DATABASE_URL to PostgreSQL.
DEFAULT_SQLITE_PATH = VAR_DIR / "hromada.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web server and the task worker read while one of them writes;
    # IMMEDIATE transactions take the write lock up front instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hromada",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Shared by every app-server process (rate limits must hold across them), no extra service.
    # Django's default of 300 entries would cull log-in lockouts and spent one-time codes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hromada_cache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:cabinet"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"

ACCOUNT_ADAPTER = "hromada.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "hromada.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# The sign-up form says plainly that an e-mail is already registered (residents asked for it);
# sign-up and password reset are rate-limited per address to slow down enumeration.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
LOGIN_ATTEMPTS_LIMIT = int(os.environ.get("LOGIN_ATTEMPTS_LIMIT", "5"))
LOGIN_ATTEMPTS_TIMEOUT = int(os.environ.get("LOGIN_ATTEMPTS_TIMEOUT", "300"))
ACCOUNT_RATE_LIMITS = {
    # Failed log-ins: per address and per account (the "key" is the e-mail typed).
    "login_failed": (f"10/m/ip,{LOGIN_ATTEMPTS_LIMIT}/{LOGIN_ATTEMPTS_TIMEOUT}s/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    # Appeals (hromada/appeals/views.py): per resident, and anonymous reports per address.
    "appeal_submit": os.environ.get("APPEAL_RATE_LIMIT", "20/h/user"),
    "appeal_submit_anonymous": os.environ.get("APPEAL_ANONYMOUS_RATE_LIMIT", "5/h/ip"),
    # Survey answers (hromada/surveys/limits.py): per resident, and anonymous ones per address.
    "survey_answer": os.environ.get("SURVEY_ANSWER_RATE_LIMIT", "60/h/user"),
    "survey_answer_anonymous": os.environ.get("SURVEY_ANONYMOUS_RATE_LIMIT", "10/h/ip"),
}
MFA_ADAPTER = "hromada.accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ENCRYPTION_KEY = os.environ.get("MFA_ENCRYPTION_KEY", "")
# Staff roles may not use the back office until they have set up TOTP.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)

PHONENUMBER_DEFAULT_REGION = "UA"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Kyiv")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Front-end libraries come from registry packages at install time, never copied in here.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR)]
# Uploaded files (appeal attachments) are private: never served from a public URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Hromada <noreply@hromada.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 20
else:
    # Development: every message becomes an .eml file a person can open.
    EMAIL_BACKEND = "hromada.core.mail.EmlFileBackend"
    EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))

# --- Background work ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker writes a heartbeat this often; one silent for WORKER_STALE_AFTER is taken for dead
# and the task it was running goes back to the queue.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_STALE_AFTER_SECONDS = float(os.environ.get("WORKER_STALE_AFTER_SECONDS", "60"))
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "5"))
TASK_RESULT_RETENTION_DAYS = int(os.environ.get("TASK_RESULT_RETENTION_DAYS", "30"))

# --- Security ---------------------------------------------------------------------------------
# How many reverse proxies stand in front of the app: rate limits then count the client's
# address from X-Forwarded-For instead of the proxy's (which all residents would share).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Map tiles: any XYZ tile server the community may use (its own, or OpenStreetMap's with credit).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = os.environ.get(
    "MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)

# Where an empty map opens: "latitude,longitude,zoom" (the demo city by default).
MAP_CENTER = [float(x) for x in os.environ.get("MAP_CENTER", "49.11,33.44,12").split(",")]

# --- The community ------------------------------------------------------------------------
CITY_NAME = os.environ.get("CITY_NAME", "Новоярська міська рада")
CITY_NAME_EN = os.environ.get("CITY_NAME_EN", "Novoiarsk City Council")
CITY_EMBLEM = os.environ.get("CITY_EMBLEM", "img/emblem.svg")
MFA_TOTP_ISSUER = CITY_NAME

# --- Open API: partner keys, rate limits, webhooks, Open311 -------------------------------
# Requests a minute: a key's default (each key has its own, set in the admin), and any one
# client address on /api/v1 and /open311 (behind TRUSTED_PROXY_COUNT proxies).
API_KEY_DEFAULT_RATE_LIMIT = int(os.environ.get("API_KEY_DEFAULT_RATE_LIMIT", "60"))
API_RATE_LIMIT_PER_ADDRESS = int(os.environ.get("API_RATE_LIMIT_PER_ADDRESS", "300"))
NINJA_NUM_PROXIES = ALLAUTH_TRUSTED_PROXY_COUNT
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Plain-http webhook addresses: only for a development machine.
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", DEBUG)
# Open311 GeoReport v2 discovery: who answers for the endpoint, and how partners get a key.
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "novoiarsk.gov.ua")
OPEN311_CONTACT = os.environ.get(
    "OPEN311_CONTACT", "Відділ звернень громадян, open311@novoiarsk.example"
)
OPEN311_KEY_SERVICE = os.environ.get(
    "OPEN311_KEY_SERVICE", "Ключ видає адміністратор платформи: open311@novoiarsk.example"
)
# When this endpoint's behaviour last changed (the discovery's changeset).
OPEN311_CHANGESET = datetime.fromisoformat(
    os.environ.get("OPEN311_CHANGESET", "2026-12-05T00:00:00+00:00")
)
# A request's media_url is fetched in the background: at most this long and this large (the
# appeals' photo limit); addresses on private networks only where a test or a closed
# network needs it (else a partner could make the server read the council's own network).
OPEN311_MEDIA_TIMEOUT_SECONDS = float(os.environ.get("OPEN311_MEDIA_TIMEOUT_SECONDS", "10"))
OPEN311_MEDIA_ALLOW_PRIVATE = env_bool("OPEN311_MEDIA_ALLOW_PRIVATE", False)

# --- Logging: one JSON object per line on stdout, each with the request id ------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hromada.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Our request middleware logs every request once; Django's own line would repeat it.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # fpdf2 subsets the ticket's fonts with fontTools, which logs each step at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# Apps that contribute to the demo city, in dependency order (see `manage.py demo_data`).
DEMO_LOADERS = [
    "hromada.core.demo.load",
    "hromada.accounts.demo.load",
    "hromada.directory.demo.load",
    "hromada.appeals.demo.load",
    "hromada.equeue.demo.load",
    "hromada.situation.demo.load",
    "hromada.surveys.demo.load",
    "hromada.messaging.demo.load",
    "hromada.news.demo.load",
    "hromada.integrations.demo.load",
]

# --- Statutory deadlines ---------------------------------------------------------------------
# Law 393/96-ВР, the Law on Access to Public Information, the Law on Prevention of Corruption.
# The laws set upper bounds; a community's statute may set shorter terms. Days are calendar days
# unless the name says working days; hromada/core/deadlines.py counts them.
# Law 393/96-ВР art. 20: an appeal is answered within one month of receipt ("N months" or
# "N days").
APPEAL_TERM = os.environ.get("APPEAL_TERM", "1 month")
# Art. 20: an appeal needing no extra study: at once, and no later than 15 days.
APPEAL_SIMPLE_DEADLINE_DAYS = int(os.environ.get("APPEAL_SIMPLE_DEADLINE_DAYS", "15"))
# Art. 20: extensions (with notice to the author) never take the total beyond 45 days.
APPEAL_MAX_DAYS = int(os.environ.get("APPEAL_MAX_DAYS", "45"))
# Art. 5: an appeal without the required content goes back to its author within 10 days.
APPEAL_RETURN_DAYS = int(os.environ.get("APPEAL_RETURN_DAYS", "10"))
# Art. 7: an appeal outside our competence goes to the competent body within 5 days.
APPEAL_FORWARD_DAYS = int(os.environ.get("APPEAL_FORWARD_DAYS", "5"))
# Civil Code art. 254 part 5, by analogy: a calendar-day term of Law 393/96-ВР whose last day is
# not a working day ends on the next working day.
APPEAL_ROLL_TO_WORKING_DAY = env_bool("APPEAL_ROLL_TO_WORKING_DAY", True)
# Art. 17: a complaint is filed within one year of the decision, but no later than one month
# after the citizen learned of it.
COMPLAINT_FILING_YEARS = int(os.environ.get("COMPLAINT_FILING_YEARS", "1"))
COMPLAINT_FILING_MONTHS = int(os.environ.get("COMPLAINT_FILING_MONTHS", "1"))
# Law on Access to Public Information art. 20 part 1: an answer within 5 working days; part 2:
# within 48 hours when life, liberty, the environment or an emergency is at stake; part 4: up to
# 20 working days for a large volume, with notice within the first 5 working days.
PUBLIC_INFO_WORKING_DAYS = int(os.environ.get("PUBLIC_INFO_WORKING_DAYS", "5"))
PUBLIC_INFO_URGENT_HOURS = int(os.environ.get("PUBLIC_INFO_URGENT_HOURS", "48"))
PUBLIC_INFO_EXTENDED_WORKING_DAYS = int(os.environ.get("PUBLIC_INFO_EXTENDED_WORKING_DAYS", "20"))
# Law on Prevention of Corruption (section VIII-1, reports of possible corruption): a
# preliminary check within 10 working days.
CORRUPTION_CHECK_WORKING_DAYS = int(os.environ.get("CORRUPTION_CHECK_WORKING_DAYS", "10"))
# Days before a due date on which the reminder job writes to the staff in charge.
DEADLINE_REMINDER_DAYS = tuple(int(days) for days in env_list("DEADLINE_REMINDER_DAYS", "3,1"))

# --- Appeals -------------------------------------------------------------------------------------
# "direct": an appeal with an addressee goes straight to it, with a copy to the appeals
# department; "registry": the appeals department registers every appeal first (seed 004).
# The public address of the site, for links in e-mails sent by background jobs.
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
APPEAL_PROCESSING_MODE = os.environ.get("APPEAL_PROCESSING_MODE", "direct")
if APPEAL_PROCESSING_MODE not in ("direct", "registry"):
    raise ImproperlyConfigured('APPEAL_PROCESSING_MODE must be "direct" or "registry".')
# The journal's registration number: {initial} is the first letter of the author's surname
# (APPEAL_ANONYMOUS_INITIAL without one), {year} the year of receipt, {number} the sequence
# within the year.
APPEAL_NUMBER_FORMAT = os.environ.get("APPEAL_NUMBER_FORMAT", "{initial}-{year}-{number:06d}")
APPEAL_ANONYMOUS_INITIAL = os.environ.get("APPEAL_ANONYMOUS_INITIAL", "А")
# Reports of possible corruption are numbered in a journal of their own, without the author's
# initial ({year} and {number} as above); the format must not give numbers of the appeals'.
CORRUPTION_REPORT_NUMBER_FORMAT = os.environ.get(
    "CORRUPTION_REPORT_NUMBER_FORMAT", "КП-{year}-{number:06d}"
)
if "{initial" in CORRUPTION_REPORT_NUMBER_FORMAT or (
    CORRUPTION_REPORT_NUMBER_FORMAT.format(year=2026, number=1)
    == APPEAL_NUMBER_FORMAT.format(initial=APPEAL_ANONYMOUS_INITIAL, year=2026, number=1)
):
    raise ImproperlyConfigured(
        "CORRUPTION_REPORT_NUMBER_FORMAT must differ from APPEAL_NUMBER_FORMAT and must not "
        "name the author's {initial}."
    )
# The appeals department's mailbox: copies of new appeals, the periodic summary.
APPEALS_DEPARTMENT_EMAIL = os.environ.get("APPEALS_DEPARTMENT_EMAIL", "")
# The router of unaddressed appeals (hromada/appeals/routing.py).
APPEAL_ROUTER = os.environ.get("APPEAL_ROUTER", "hromada.appeals.routing.rules_router")
APPEAL_ATTACHMENT_MAX_BYTES = int(os.environ.get("APPEAL_ATTACHMENT_MAX_MB", "10")) * 1_000_000
APPEAL_ATTACHMENTS_MAX = int(os.environ.get("APPEAL_ATTACHMENTS_MAX", "10"))
# The author may dispute an answer (reopen the appeal) within this many days of it.
APPEAL_DISPUTE_DAYS = int(os.environ.get("APPEAL_DISPUTE_DAYS", "30"))
# An answered appeal nobody disputed closes by itself after this many days.
APPEAL_AUTO_CLOSE_DAYS = int(os.environ.get("APPEAL_AUTO_CLOSE_DAYS", "30"))
# An average rating at or below this flags the answer for the appeals department.
APPEAL_LOW_RATING = float(os.environ.get("APPEAL_LOW_RATING", "2"))

# --- Situation centre ----------------------------------------------------------------------------
# Photos of a problem report: how many at once (each as large as APPEAL_ATTACHMENT_MAX_MB).
SITUATION_PHOTOS_MAX = int(os.environ.get("SITUATION_PHOTOS_MAX", "5"))
# Open reports of the same category within this many metres are offered before filing.
SITUATION_NEARBY_METRES = int(os.environ.get("SITUATION_NEARBY_METRES", "300"))
# The map answers with single points when a view holds at most this many reports.
SITUATION_MAP_POINTS_MAX = int(os.environ.get("SITUATION_MAP_POINTS_MAX", "300"))
# Overdue excavation permits: the police contact that receives the second claim.
SITUATION_POLICE_EMAIL = os.environ.get("SITUATION_POLICE_EMAIL", "")
# The yard-repair list's formula: score = apartments × a + appeals × b + (area m² / 100) × c,
# given as "a,b,c".
SITUATION_YARD_WEIGHTS = dict(
    zip(
        ("apartments", "appeals", "area"),
        (float(x) for x in os.environ.get("SITUATION_YARD_WEIGHTS", "1,5,0.5").split(",")),
        strict=True,
    )
)

# --- Electronic queue ----------------------------------------------------------------------------
# Files a specialist adds to a visit: the size of one, and how many at once.
EQUEUE_FILE_MAX_BYTES = int(os.environ.get("EQUEUE_FILE_MAX_MB", "10")) * 1_000_000
EQUEUE_FILES_MAX = int(os.environ.get("EQUEUE_FILES_MAX", "10"))
# The reminder of tomorrow's visit goes out from this hour on (site time).
EQUEUE_REMINDER_HOUR = int(os.environ.get("EQUEUE_REMINDER_HOUR", "9"))
# Where the PDF ticket finds DejaVuSans.ttf and DejaVuSans-Bold.ttf (Debian's fonts-dejavu-core).
# Surveys: the hour (local time) after which the weekly (Monday) and monthly (1st) reports go.
SURVEY_REPORT_HOUR = int(os.environ.get("SURVEY_REPORT_HOUR", "8"))
EQUEUE_PDF_FONT_DIR = os.environ.get("EQUEUE_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")

# --- Notifications and mailings (hromada.messaging) ----------------------------------------
# The channels a person can choose; a channel is a class with a code and send() (see
# hromada/messaging/channels.py), so SMS or Viber is one more line here.
MESSAGING_CHANNELS = [
    "hromada.messaging.channels.InboxChannel",
    "hromada.messaging.channels.EmailChannel",
    "hromada.messaging.channels.TelegramChannel",
    "hromada.messaging.channels.PushChannel",
]
# Sends per second per channel, across all workers (exact with Redis, close with the database
# cache); a mail relay or the Telegram Bot API (about 30 a second) refuses more.
MESSAGING_RATE_PER_SECOND = {
    "email": int(os.environ.get("MESSAGING_EMAIL_PER_SECOND", "200")),
    "telegram": int(os.environ.get("MESSAGING_TELEGRAM_PER_SECOND", "25")),
    "push": int(os.environ.get("MESSAGING_PUSH_PER_SECOND", "100")),
}
MESSAGING_MAX_ATTEMPTS = int(os.environ.get("MESSAGING_MAX_ATTEMPTS", "5"))
# A worker leases a batch of deliveries this long; one that dies leaves them to another after it.
MESSAGING_LEASE_SECONDS = int(os.environ.get("MESSAGING_LEASE_SECONDS", "120"))
MESSAGING_BATCH = int(os.environ.get("MESSAGING_BATCH", "200"))
# E-mails carry an HTML copy with a tracking picture that marks the delivery opened.
MESSAGING_EMAIL_OPEN_TRACKING = env_bool("MESSAGING_EMAIL_OPEN_TRACKING", True)
# The daily digest goes out at this hour, Kyiv time.
MESSAGING_DIGEST_HOUR = int(os.environ.get("MESSAGING_DIGEST_HOUR", "18"))
# Telegram: the bot's token and name (from @BotFather); the API base is a setting so tests
# point it at a local server. The webhook path carries TELEGRAM_WEBHOOK_SECRET.
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_USERNAME = os.environ.get("TELEGRAM_BOT_USERNAME", "")
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
# Poll getUpdates every minute when no webhook is set.
TELEGRAM_POLL = env_bool("TELEGRAM_POLL", False)
# Web push (VAPID): `manage.py vapid_keys` prints a new pair.
WEBPUSH_VAPID_PUBLIC_KEY = os.environ.get("WEBPUSH_VAPID_PUBLIC_KEY", "")
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "")
WEBPUSH_VAPID_SUBJECT = os.environ.get("WEBPUSH_VAPID_SUBJECT", "mailto:admin@hromada.localhost")
# --- City news (posts, digest, subscriptions) -------------------------------------------------
# Pictures and attachments of a post: the size of one, and how many a post carries.
NEWS_FILE_MAX_BYTES = int(os.environ.get("NEWS_FILE_MAX_MB", "10")) * 1_000_000
NEWS_FILES_MAX = int(os.environ.get("NEWS_FILES_MAX", "10"))
# How many subscriptions one resident may keep.
NEWS_SUBSCRIPTIONS_MAX = int(os.environ.get("NEWS_SUBSCRIPTIONS_MAX", "50"))
# Posts per page of the digest, and items in a feed.
NEWS_PAGE_SIZE = int(os.environ.get("NEWS_PAGE_SIZE", "20"))
NEWS_FEED_SIZE = int(os.environ.get("NEWS_FEED_SIZE", "50"))
