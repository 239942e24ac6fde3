"""One settings module, read from environment variables.

Every variable goes through a small helper that fails loudly at start-up on a bad value,
so a typo in production is an error message, not a silently different behaviour.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-dev-key-only-for-the-embedded-default"
elif not DEBUG and (
    # Django's own test of a weak key (check --deploy, security.W009): it signs sessions,
    # password-reset links and the public form's captcha, so production refuses to start.
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: it needs at least 50 characters, at least 5 different "
        "ones, and not Django's 'django-insecure-' prefix. Make one with: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",  # only for its system checks (they catch a django-csp 3 style setting)
    "django_filters",
    "simple_history",
    "axes",
    "outbox",  # the transactional outbox: below every domain app, it knows none of them
    "accounts",
    "campaigns",
    "findings",
    "rectification",
    "documents",
    "reports",
    "public",  # 码上巡察: the public petition page; above every domain app, nothing imports it
    "demo",  # the demo and province data generator: above every app, imported by none
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xuncha.middleware.CookieLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which reads the body: an oversized public request is refused unread.
    "public.middleware.PublicRequestLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: ends idle or too old sessions with a message.
    "accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xuncha.urls"
WSGI_APPLICATION = "xuncha.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.navigation.navigation",
                "reports.views.unread_reminders",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Unset: a SQLite file under var/ (the embedded default). For real use a PostgreSQL URL,
# e.g. postgres://user:pass@host:5432/xuncha (psycopg 3).
_default_db = f"sqlite:///{BASE_DIR / 'var' / 'xuncha.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_db)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
except Exception as exc:  # dj_database_url raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must name SQLite or PostgreSQL")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite = Path(DATABASES["default"]["NAME"])
    _sqlite.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # Write-ahead log: a reader never waits for the writer nor fails on its lock; writers
        # queue behind one another for up to `timeout` seconds. IMMEDIATE takes the write lock
        # when a transaction begins, so two transactions never deadlock upgrading a read lock
        # (which SQLite answers at once with "database is locked", whatever the timeout).
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests get a file beside it, not SQLite's shared-cache memory database, whose table locks
    # fail at once between the test thread and a worker or live-server thread (docs/decisions.md).
    DATABASES["default"]["TEST"] = {"NAME": str(_sqlite.with_name(f"test-{_sqlite.name}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's, with a Chinese error message (accounts/passwords.py says why).
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# --- Login and sessions ---------------------------------------------------------------
# django-axes first: it refuses a locked-out username+IP before any password is checked, and
# needs the request (every login form passes it; a request-less authenticate() is an error).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: clients connect
# directly and REMOTE_ADDR is theirs). Lockout and the session list use the client's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout lasts LOGIN_LOCKOUT_MINUTES from the last counted failure, as the page says;
# attempts while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"

SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
for _name in ("LOGIN_FAILURE_LIMIT", "LOGIN_LOCKOUT_MINUTES", "SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must not be negative")
# The cookie never outlives the absolute limit (accounts.middleware enforces both limits).
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600

# --- Language and time ----------------------------------------------------------------
CSRF_FAILURE_VIEW = "xuncha.errors.csrf_failure"  # in Chinese, saying what to do

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["xuncha.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise reads it at start-up
WHITENOISE_USE_FINDERS = DEBUG  # in development, serve straight from static/
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Evidence is confidential: it lives outside the static tree and is served only by views
# that check access, never by MEDIA_URL.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# --- The public petition channel (码上巡察, /public/<token>/) ---------------------------------
# The address the public reaches this installation at: the QR codes printed on an inspection's
# announcement encode PUBLIC_BASE_URL + /public/<token>/. Without a trailing slash.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not PUBLIC_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL must start with http:// or https://, not {PUBLIC_BASE_URL!r}")
# Abuse limits, counted in the shared cache per fixed window: submissions (every POST, good or
# bad) per client address and for the whole installation, and queries per address.
PUBLIC_RATE_WINDOW_SECONDS = env_int("PUBLIC_RATE_WINDOW_SECONDS", 600)
PUBLIC_RATE_PER_ADDRESS = env_int("PUBLIC_RATE_PER_ADDRESS", 10)
PUBLIC_RATE_GLOBAL = env_int("PUBLIC_RATE_GLOBAL", 500)
PUBLIC_QUERY_RATE_PER_ADDRESS = env_int("PUBLIC_QUERY_RATE_PER_ADDRESS", 20)
# A public request larger than this is refused unread (413): three attachments at
# UPLOAD_MAX_BYTES each and the text.
PUBLIC_REQUEST_MAX_BYTES = env_int("PUBLIC_REQUEST_MAX_BYTES", 3 * UPLOAD_MAX_BYTES + 1024 * 1024)
# How long the arithmetic question of the form stays answerable.
PUBLIC_CAPTCHA_MAX_AGE_SECONDS = env_int("PUBLIC_CAPTCHA_MAX_AGE_SECONDS", 1800)

# --- Official documents (公文) -----------------------------------------------------------
# A folder of .docx templates that replace the shipped ones of the same name (documents/
# templates_docx/); unset: the shipped ones. LibreOffice converts documents to PDF where found.
DOCUMENT_TEMPLATE_DIR = env_str("DOCUMENT_TEMPLATE_DIR")
if DOCUMENT_TEMPLATE_DIR and not Path(DOCUMENT_TEMPLATE_DIR).is_dir():
    raise ImproperlyConfigured(f"DOCUMENT_TEMPLATE_DIR={DOCUMENT_TEMPLATE_DIR} is not a folder")
SOFFICE_PATH = env_str("SOFFICE_PATH", "soffice")
SOFFICE_TIMEOUT_SECONDS = env_int("SOFFICE_TIMEOUT_SECONDS", 120)

# --- Celery ---------------------------------------------------------------------------
# Unset: tasks run in-process and eagerly (the embedded default). For real use a Redis or
# RabbitMQ URL, with `make worker` running.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CELERY_BROKER_URL and CELERY_BROKER_URL.split("://", 1)[0] not in ("redis", "rediss", "amqp", "memory"):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be a redis://, amqp:// or memory:// URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A consumer that reconnects when Redis comes back instead of exiting (xuncha/worker.py).
CELERY_WORKER_CONSUMER = "xuncha.worker:TolerantConsumer"
# How long one attempt to reach the broker may take (Celery's default is 4 s): a web process
# wakes the outbox relay after each save with one attempt, never kombu's retries (xuncha.outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("BROKER_CONNECT_TIMEOUT_SECONDS", 2)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Repairs any drift of the figures (and moves "overdue" forward as days pass).
    "rebuild-rollups": {"task": "reports.rebuild_rollups", "schedule": env_int("ROLLUP_REBUILD_SECONDS", 3600)},
    "send-reminders": {"task": "reports.send_reminders", "schedule": env_int("REMINDER_SECONDS", 3600)},
    # The outbox's sweeper: runs whatever a lost wake-up (Redis or the broker down at commit
    # time) or a killed worker left in the table.
    "sweep-outbox": {"task": "outbox.drain", "schedule": env_int("OUTBOX_SWEEP_SECONDS", 30)},
}
# How long a relay's claim on an outbox job lasts unless renewed; the relay renews it every
# third of it while it runs the jobs, so a killed worker's jobs run again within a lease and a
# sweep (60 + 30 s). Tests set a few seconds.
OUTBOX_LEASE_SECONDS = env_float("OUTBOX_LEASE_SECONDS", 60)
if OUTBOX_LEASE_SECONDS < 1:
    raise ImproperlyConfigured(f"OUTBOX_LEASE_SECONDS must be at least 1 (seconds), not {OUTBOX_LEASE_SECONDS:g}")
# The dashboard says the figures are behind when the oldest refresh owed is older than this.
FIGURES_BEHIND_NOTICE_SECONDS = env_int("FIGURES_BEHIND_NOTICE_SECONDS", 180)

# --- Cache ----------------------------------------------------------------------------
# Shared by web and worker processes: it holds the "refresh already queued" markers of the
# figures. Unset with a Redis broker: the broker's Redis. Unset without a broker: in-process.
CACHE_URL = env_str("CACHE_URL") or (CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
if CACHE_URL.startswith("redis"):
    # Redis down is a cache miss, not an error (xuncha.cache); a short timeout so that a Redis
    # that does not answer costs a request little.
    CACHES = {
        "default": {
            "BACKEND": "xuncha.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// URL")
elif CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith("memory"):
    raise ImproperlyConfigured("With a non-Redis broker, set CACHE_URL to a Redis URL shared by web and workers")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Dashboard and figures.json answers are cached until the rollup changes (reports.figures_cache),
# at most this long. Needs the shared Redis cache; off in the embedded default.
FIGURES_CACHE_SECONDS = env_int("FIGURES_CACHE_SECONDS", 300 if CACHE_URL.startswith("redis") else 0)

# Supervision: units whose rectification rate after the deadline is below this are suggested
# for an interview (约谈).
INTERVIEW_RATE_THRESHOLD = env_float("INTERVIEW_RATE_THRESHOLD", 0.8)

# An edit's rollup refresh waits this long on the worker, gathering a burst of edits into one
# recompute (edits arriving while it waits or runs still coalesce through the pending marker).
# Short: an edit should reach the dashboard within 2 s (bench/README.md).
ROLLUP_REFRESH_DELAY_SECONDS = env_float("ROLLUP_REFRESH_DELAY_SECONDS", 0.5)

# Lists page through at most this many rows (xuncha.listing.last_page): a deeper OFFSET reads
# every skipped row. The rest is reached by filtering or by exporting the ledger.
LIST_MAX_ROWS = env_int("LIST_MAX_ROWS", 10_000)

# Exports above this many rows run as a worker job with a progress bar.
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 5000)

# Imports: what an uploaded spreadsheet may be before it is refused unread.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 10_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)

# --- Mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "xuncha@localhost")

# --- Security when served over HTTPS --------------------------------------------------
# Production (DEBUG off) is HTTPS: secure cookies, HSTS, redirect to https://. Serving plain HTTP
# is an explicit opt-out, PLAIN_HTTP=true — an intranet without TLS, or a test on 127.0.0.1 —
# which /healthz names, since passwords and session cookies then cross the network readable.
PLAIN_HTTP = env_bool("PLAIN_HTTP", False)
SECURE_SSL = env_bool("SECURE_SSL", not DEBUG and not PLAIN_HTTP)
if SECURE_SSL and PLAIN_HTTP:
    raise ImproperlyConfigured("PLAIN_HTTP=true and SECURE_SSL=true contradict each other: set one")
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Content Security Policy (django-csp 4) -------------------------------------------
# Everything comes from this server and nothing runs inline: no <script> without src, no
# on*="" handlers, no style="" attributes (docs/decisions.md, "Content Security Policy";
# tests/test_csp.py scans the templates). Data travels as json_script blocks and data-*
# attributes; static/js sets styles through the CSSOM, which the policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Problem numbering and demo data.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "Xuncha@2026demo")
