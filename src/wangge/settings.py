"""Wangge settings.

Everything comes from environment variables with defaults that run the platform on an embedded
SQLite file under ``var/``: check out the code and it works.  ``DATABASE_URL`` switches to
PostgreSQL (psycopg 3); ``REDIS_URL`` moves the task queue and cache to Redis.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("WANGGE_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("WANGGE_DEBUG", False)
# A key generated per installation and kept under var/, so no secret is ever in the repository.
_secret_file = VAR_DIR / "secret_key"
if os.environ.get("WANGGE_SECRET_KEY"):
    SECRET_KEY = os.environ["WANGGE_SECRET_KEY"]
else:
    if not _secret_file.exists():
        from django.core.management.utils import get_random_secret_key

        _secret_file.write_text(get_random_secret_key())
        _secret_file.chmod(0o600)
    SECRET_KEY = _secret_file.read_text().strip()

ALLOWED_HOSTS = env_list("WANGGE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("WANGGE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
    # The API docs page (/api/v1/docs) serves Swagger UI from ninja's bundled static files, never a CDN.
    "ninja",
    "csp",
    "wangge.core",
    "wangge.audit",
    "wangge.exports",
    "wangge.accounts",
    "wangge.grid",
    "wangge.people",
    "wangge.alerts",
    "wangge.health",
    "wangge.screening",
    "wangge.tracing",
    "wangge.quarantine",
    "wangge.transfer",
    "wangge.codes",
    "wangge.gates",
    "wangge.testing",
    "wangge.messaging",
    "wangge.portal",
    "wangge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Personal data must not stay in browser or proxy caches: every response below static files,
    # refusals by the middlewares under it included.
    "wangge.core.middleware.NoStoreMiddleware",
    # Before sessions: a session cookie carrying NUL must never reach the session table.
    "wangge.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pushes an idle session's expiry on at most every few minutes, not with a write per page.
    "wangge.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Residents' accounts reach 我的 (portal) and nothing of the staff pages: 403 in the site layout.
    "wangge.portal.middleware.ResidentBoundaryMiddleware",
    # Axes last: it must see the authenticated user to reset failure counts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wangge.urls"
WSGI_APPLICATION = "wangge.wsgi.application"

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
                "wangge.core.context_processors.text_size",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "wangge.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("WANGGE_TEST_DB_NAME", "test_wangge")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
                # timeout instead of failing with "database is locked" half-way through.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-64000;"
                ),
            },
        }
    }
DB_IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and queue ------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HUEY_IMMEDIATE = env_bool("WANGGE_HUEY_IMMEDIATE", False)
# The consumer (``run_huey``, started by ``wangge serve``) schedules periodic tasks (``core.tasks``:
# each app's deadline jobs, registered in its ``jobs.py``) every minute.  It flushes the per-job
# locks at start-up: a worker killed mid-job must not leave
# a lock that stops that job for good; the jobs are idempotent, so an overlap after a restart is
# harmless.  The scheduler works in UTC; the jobs read local time themselves.
HUEY_CONSUMER = {"periodic": True, "flush_locks": True}
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "wangge",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": HUEY_CONSUMER,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wangge",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": HUEY_CONSUMER,
    }

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wangge.accounts.backends.AddressThrottleBackend",  # password spraying from one address
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "wangge.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "wangge.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: five failures for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("WANGGE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("WANGGE_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions end after 8 idle hours and when the browser closes: shared phones at gates.
SESSION_COOKIE_AGE = int(os.environ.get("WANGGE_SESSION_SECONDS", str(8 * 3600)))
# A session in use is saved again (its expiry pushed on) only when its last save is this old:
# not on every page view (core.middleware.SessionRefreshMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
WANGGE_SESSION_REFRESH_SECONDS = int(os.environ.get("WANGGE_SESSION_REFRESH_SECONDS", "300"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("WANGGE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Security headers and HTTPS -------------------------------------------------------------
# README "Deploying behind HTTPS": nginx terminates TLS in front of ``wangge serve``.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# WANGGE_HTTPS=1: the site is only ever reached over HTTPS.
WANGGE_HTTPS = env_bool("WANGGE_HTTPS", False)
if WANGGE_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a local probe may still ask over plain HTTP
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the whole domain to HTTPS in every browser; the operator decides.
    SECURE_HSTS_PRELOAD = env_bool("WANGGE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# WANGGE_BEHIND_PROXY=1: a reverse proxy on this machine or network sets X-Forwarded-Proto,
# X-Forwarded-Host and X-Forwarded-For (overwriting any the client sent; see the README).
WANGGE_BEHIND_PROXY = env_bool("WANGGE_BEHIND_PROXY", False)
if WANGGE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    # audit.context.client_ip: the client's address for the audit log and the throttles,
    # which would otherwise count every client as the proxy.
    WANGGE_TRUST_X_FORWARDED_FOR = True
# Migrations run as the tables' owner; DATABASE_URL may then be a role that may only read and
# append to the audit log (README "Running with a restricted database role").
WANGGE_MIGRATE_DATABASE_URL = os.environ.get("WANGGE_MIGRATE_DATABASE_URL", "")
# Throttles (wangge.core.throttle, a fixed-window counter in the cache): (limit, seconds).
WANGGE_THROTTLE_DECLARE_MISSES = (20, 600)  # unknown declaration-link tokens per client address
WANGGE_THROTTLE_DECLARE_SUBMISSIONS = (20, 3600)  # submissions through one household's link
WANGGE_THROTTLE_LOGIN_ADDRESS = (20, 900)  # failed logins per client address, across usernames
# Residents' sign-in codes (portal.services): codes sent per phone and per address, wrong codes per
# phone and per address.  A phone without a resident counts exactly like one with.
WANGGE_THROTTLE_OTP_SEND_PHONE = (5, 3600)
WANGGE_THROTTLE_OTP_SEND_ADDRESS = (20, 3600)
WANGGE_THROTTLE_OTP_VERIFY_PHONE = (10, 3600)
WANGGE_THROTTLE_OTP_VERIFY_ADDRESS = (30, 3600)
# A sign-in code lives this many seconds and takes this many wrong guesses before it is burnt.
WANGGE_OTP_SECONDS = int(os.environ.get("WANGGE_OTP_SECONDS", "300"))
WANGGE_OTP_MAX_ATTEMPTS = 5
# A resident's API token (POST /api/v1/auth/otp/verify) lasts this many days.
WANGGE_RESIDENT_TOKEN_DAYS = int(os.environ.get("WANGGE_RESIDENT_TOKEN_DAYS", "30"))
# How messages (sign-in codes, later notices) leave: a class with send(Outgoing).  The built-in one
# writes to the log and the outbox (/messaging/outbox/, superusers); a province's SMS gateway
# adapter replaces it (wangge.messaging.adapters).
WANGGE_MESSAGING_ADAPTER = os.environ.get("WANGGE_MESSAGING_ADAPTER", "wangge.messaging.adapters.OutboxAdapter")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Wangge ---------------------------------------------------------------------------------
# Page size of keyset-paginated lists.
WANGGE_PAGE_SIZE = int(os.environ.get("WANGGE_PAGE_SIZE", "50"))
# An export of more rows than this is written by the worker (progress bar, then a download link)
# instead of streaming in the request; the file is kept for WANGGE_EXPORT_KEEP_HOURS.
# Health codes (codes): a phone code's token lives this long (the page refreshes it before then);
# the signing key is replaced after WANGGE_CODE_KEY_DAYS (the old one verifies until its tokens
# expire); WANGGE_CODE_COLOURS overrides the colour of a reason, e.g. {"secondary_contact": "g"}
# (codes/rules.py holds the reasons and their default colours).
WANGGE_CODE_TOKEN_SECONDS = int(os.environ.get("WANGGE_CODE_TOKEN_SECONDS", "300"))
WANGGE_CODE_KEY_DAYS = int(os.environ.get("WANGGE_CODE_KEY_DAYS", "30"))
WANGGE_CODE_COLOURS: dict[str, str] = {}
# Gates (gates): how long a web process trusts what it read about a guard's shift at a gate (the
# hot path then skips that query); ending a shift early takes effect at most this late.
WANGGE_GATE_ACCESS_SECONDS = float(os.environ.get("WANGGE_GATE_ACCESS_SECONDS", "30"))
# Mass testing (testing): people per pooled tube by the area's control level (1 = single tubes);
# a round may set its own.  Key groups (these tag codes; None: every tag) and people under control
# always get a single tube.  The plan sizes a round from the registry by the national guidance
# (3rd ed., 2022): a point per 2,000-3,000 people, a sampler per 360, each sampler taking about
# WANGGE_TESTING_SWABS_PER_HOUR people an hour.
WANGGE_TESTING_POOLING: dict[str, int] = {"sealed": 1, "controlled": 5, "precaution": 10, "normal": 20}
WANGGE_TESTING_SINGLE_TUBE_TAGS: list[str] | None = None
WANGGE_TESTING_PEOPLE_PER_POINT = (2000, 3000)
WANGGE_TESTING_PEOPLE_PER_SAMPLER = 360
WANGGE_TESTING_SWABS_PER_HOUR = int(os.environ.get("WANGGE_TESTING_SWABS_PER_HOUR", "40"))

WANGGE_EXPORT_STREAM_ROWS = int(os.environ.get("WANGGE_EXPORT_STREAM_ROWS", "200000"))
WANGGE_EXPORT_KEEP_HOURS = int(os.environ.get("WANGGE_EXPORT_KEEP_HOURS", "24"))
# On PostgreSQL an export reads its next chunk on a second connection while it writes the current
# one (core.exports.read_ahead); off, it reads and writes in turn on the request's connection.
WANGGE_EXPORT_READ_AHEAD = env_bool("WANGGE_EXPORT_READ_AHEAD", True)
WANGGE_EXPORT_DIR = VAR_DIR / "exports"
# Seconds a revealed ID number or phone stays on the page before the page masks it again.
WANGGE_REVEAL_SECONDS = int(os.environ.get("WANGGE_REVEAL_SECONDS", "30"))
# Optional map tile URL; closed government networks usually have none, so maps draw on blank.
WANGGE_MAP_TILE_URL = os.environ.get("WANGGE_MAP_TILE_URL", "")
# Days without a confirmed, suspected, fever or close-contact person before a compound is epidemic-free.
WANGGE_EPIDEMIC_FREE_DAYS = int(os.environ.get("WANGGE_EPIDEMIC_FREE_DAYS", "14"))
# Transfers: at most this many patients per escort on a convoy (seed 000: 494 patients, two staff),
# and an en-route transfer with no check-in (or departure) for this many minutes alerts command.
WANGGE_TRANSFER_PATIENTS_PER_ESCORT = int(os.environ.get("WANGGE_TRANSFER_PATIENTS_PER_ESCORT", "10"))
WANGGE_TRANSFER_CHECK_IN_MINUTES = int(os.environ.get("WANGGE_TRANSFER_CHECK_IN_MINUTES", "30"))


# --- Content-Security-Policy (django-csp) ---------------------------------------------------
# Script and style only from our own static files: no inline code, no eval, no other origin, so
# a name typed into an import can never run as script even if a page forgot to escape it.  Pages
# pass data to scripts with json_script; behaviour is wired in static/wangge/site.js.  Images may
# also come from the optional map tile server.
def map_tile_source(tile_url: str) -> str | None:
    """The CSP source for a Leaflet tile URL: its origin, with a {s} subdomain as a wildcard."""
    from urllib.parse import urlsplit

    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None  # no tile server, or one under our own origin
    host = parts.netloc
    if host.startswith("{s}."):
        host = "*" + host[3:]
    if "{" in host:
        return f"{parts.scheme}:"  # a placeholder CSP cannot express: the scheme is the narrowest source
    return f"{parts.scheme}://{host}"


_tile_source = map_tile_source(WANGGE_MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *([_tile_source] if _tile_source else [])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WANGGE_LOG_LEVEL", "WARNING")},
}
