"""Settings for 信访通, all read from the environment (see README and .env.example).

`DJANGO_ENV` picks safe defaults: `development` (the default) runs with no configuration at
all on SQLite and Celery's filesystem broker; `production` refuses to start without its
secrets and turns on the HTTPS and cookie protections.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Local state of a development run: SQLite file, Celery filesystem broker, beat schedule.
# A relative VAR_DIR is taken from the project folder.
VAR_DIR = BASE_DIR / env.str("VAR_DIR", default="var")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

# Development-only defaults: never valid in production, where these variables are required.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-0123456789abcdef"
_DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
_DEV_FIELD_HASH_KEY = "dev-only-field-hash-key"


def _secret(name: str, dev_default: str) -> str:
    if PRODUCTION:
        return env.str(name)  # raises ImproperlyConfigured when missing
    return env.str(name, default=dev_default)


SECRET_KEY = _secret("SECRET_KEY", _DEV_SECRET_KEY)
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Personal data at rest. FIELD_ENCRYPTION_KEY is a comma-separated list of Fernet keys: the
# first encrypts, the others only decrypt (rotation: put the new key first, run
# `manage.py rotate_field_encryption`, then drop the old one). FIELD_HASH_KEY keys the
# lookup hashes of ID numbers, phones and query codes; it is independent of SECRET_KEY so
# that rotating SECRET_KEY never makes personal data unreadable or unsearchable.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEY", default=[] if PRODUCTION else [_DEV_FIELD_ENCRYPTION_KEY]
)
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("Set the FIELD_ENCRYPTION_KEY environment variable.")
FIELD_HASH_KEY = _secret("FIELD_HASH_KEY", _DEV_FIELD_HASH_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "notifications",
    "cases",
    "petitions",
    "escalation",
    "reception",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "accounts.middleware.NulByteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not PRODUCTION:
    # runserver serves static files itself in development.
    MIDDLEWARE.remove("whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: web, worker and beat share one file. WAL lets them read while one
    # writes; IMMEDIATE takes the write lock when a transaction begins, so one that reads then
    # writes waits its turn (up to the busy timeout) instead of failing with "database is
    # locked" when SQLite cannot upgrade its read lock. WAL is kept in the file; on the
    # in-memory test database the pragma is a harmless no-op.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.float("SQLITE_BUSY_TIMEOUT", default=20.0),
        **DATABASES["default"].get("OPTIONS", {}),
    }
# Persistent connections: a new connection per request caps a page at ~160 requests/s.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests read the replica alias from the default test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# The dashboards read from the replica when one is set (they tolerate its lag).
DASHBOARD_DATABASE = "replica" if "replica" in DATABASES else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "petitions:list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Attachments are checked one by one (10 MB each); this bounds a whole request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# Email and SMS.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xinfang@localhost")
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.ConsoleSmsBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
SMS_SIGNATURE = env.str("SMS_SIGNATURE", default="【信访通】")
# The address of this site, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Notifications: email to users who have an address; retries with exponential backoff.
NOTIFY_BY_EMAIL = env.bool("NOTIFY_BY_EMAIL", default=True)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=30)
NOTIFY_REQUEUE_SECONDS = env.int("NOTIFY_REQUEUE_SECONDS", default=300)
# A delivery attempt in flight for longer than this has no worker left to record it (the task
# time limit has killed any): the sweeper marks it "unknown" for an operator, never resends it.
NOTIFY_IN_FLIGHT_SECONDS = env.int("NOTIFY_IN_FLIGHT_SECONDS", default=900)

# Deadline reminders (escalation): "due soon" within this many workdays; escalation to the
# sponsoring leader and an automatic supervision notice once overdue by this many workdays.
REMINDER_DUE_SOON_WORKDAYS = env.int("REMINDER_DUE_SOON_WORKDAYS", default=3)
REMINDER_ESCALATE_WORKDAYS = env.int("REMINDER_ESCALATE_WORKDAYS", default=5)
# Workdays a unit has to answer a supervision notice the scan issues.
SUPERVISION_RESPONSE_WORKDAYS = env.int("SUPERVISION_RESPONSE_WORKDAYS", default=5)

# Petition rules that are settings rather than law (DESIGN §2).
GROUP_VISIT_THRESHOLD = env.int("GROUP_VISIT_THRESHOLD", default=5)
GROUP_MAX_REPRESENTATIVES = env.int("GROUP_MAX_REPRESENTATIVES", default=5)
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-pass-2026")

# Celery. Without CELERY_BROKER_URL the filesystem broker keeps messages under var/.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# A web request that queues a message must not hang while the broker is down: one quick retry,
# then the message is left to the notification sweeper (the row stays pending).
NETWORK_BROKER_OPTIONS = {
    "socket_connect_timeout": 3,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = NETWORK_BROKER_OPTIONS
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
if NOTIFY_IN_FLIGHT_SECONDS <= CELERY_TASK_TIME_LIMIT:
    # Shorter, and a slow send still running would be marked unknown (and could be resent).
    raise ImproperlyConfigured(
        f"NOTIFY_IN_FLIGHT_SECONDS must be more than the task time limit "
        f"({CELERY_TASK_TIME_LIMIT} s)."
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "accounts.tasks.heartbeat",
        "schedule": env.float("HEARTBEAT_SECONDS", default=60.0),
    },
    "scan-deadlines": {
        "task": "escalation.tasks.scan_deadlines",
        "schedule": env.float("SCAN_DEADLINES_SECONDS", default=600.0),
    },
    # On the deadline scan's interval: a case closes soon after its last window has lapsed.
    "close-lapsed-cases": {
        "task": "cases.tasks.close_lapsed_cases",
        "schedule": env.float("SCAN_DEADLINES_SECONDS", default=600.0),
    },
    "requeue-pending-notifications": {
        "task": "notifications.tasks.requeue_pending_notifications",
        "schedule": 60.0,
    },
    "refresh-dashboards": {
        "task": "dashboards.tasks.refresh_rollup",
        "schedule": env.float("DASHBOARD_REFRESH_SECONDS", default=300.0),
    },
    # Every night at 02:30: the whole rollup again (see dashboards.services).
    "rebuild-dashboards": {
        "task": "dashboards.tasks.rebuild_rollup",
        "schedule": crontab(minute=30, hour=2),
    },
    # The 1st of each month at 01:30: last month's unit ranking.
    "rank-units": {
        "task": "escalation.tasks.rank_units",
        "schedule": crontab(minute=30, hour=1, day_of_month=1),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a nesting limit (accounts.api_input); views that take files add multipart.
    "DEFAULT_PARSER_CLASSES": [
        "accounts.api_input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "accounts.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "信访通 API",
    "DESCRIPTION": "Petition intake and case handling.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # drf-spectacular's enum naming, then ours (accounts.api_schema): every operation's error
    # answers, and times of day without the offset OpenAPI's `format: time` demands.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.api_schema.add_error_responses",
        "accounts.api_schema.declare_local_times",
    ],
    # Choice sets that share a field name ("status", "channel", "reason") get their own names.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.CaseStatus",
        "AssignmentStatusEnum": "cases.models.AssignmentStatus",
        "ApprovalStatusEnum": "cases.models.ApprovalStatus",
        "ReplyStatusEnum": "cases.models.ReplyStatus",
        "PetitionChannelEnum": "petitions.models.Channel",
        "LegalChannelEnum": "cases.models.LegalChannel",
        "NotAcceptReasonEnum": "cases.models.NotAcceptReason",
        "DeliveryMethodEnum": "cases.models.DeliveryMethod",
        "PartyRoleEnum": "escalation.models.PartyRole",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "accounts.logging.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # runserver's request lines, which carry query strings.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' HSTS preload list is the operator's deliberate, hard-to-undo
        # choice (SECURE_HSTS_PRELOAD=true), not a default; without it W021 is expected.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
