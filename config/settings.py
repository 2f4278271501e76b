"""Settings for 信访通, all read from the environment (see README and .env.example).

`DJANGO_ENV` picks safe defaults: `development` (the default) runs with no configuration at
all on SQLite and Celery's filesystem broker; `production` refuses to start without its
secrets and turns on the HTTPS and cookie protections.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from core import keyring

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
# SM4 encrypts in development; the Fernet key written before SM4 stays as a decrypt-only
# fallback, so a development database of that time still reads.
_DEV_FIELD_ENCRYPTION_KEYS = [
    "sm4:ZGV2LW9ubHktc200LWtleQ==",  # b"dev-only-sm4-key"
    "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc=",
]
_DEV_FIELD_HASH_KEY = "dev-only-field-hash-key"
# Values published with the source (development defaults and the throwaway values an earlier
# Dockerfile built with): production refuses each of them.
_PUBLIC_SECRET_KEYS = {
    _DEV_SECRET_KEY,
    "build-only-collectstatic-not-a-secret-0123456789abcdef0123456789",
}
_PUBLIC_FIELD_KEYS = [
    *_DEV_FIELD_ENCRYPTION_KEYS,
    "YnVpbGQtb25seS1ub3QtYS1yZWFsLWtleS0zMmJ5dGU=",
]
_PUBLIC_HASH_KEYS = {_DEV_FIELD_HASH_KEY, "build-only-collectstatic"}


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

# Personal data at rest (密评, GB/T 39786; core.keyring and core.crypto).
# FIELD_CIPHER: sm4 (SM4-GCM, the default) or fernet. FIELD_ENCRYPTION_KEY: a comma-separated
# list of keys (`sm4:<base64 of 16 bytes>`, or a Fernet key); the first key of FIELD_CIPHER's
# kind encrypts, every key decrypts (rotation: put the new key first, run
# `manage.py rotate_field_encryption`, then drop the old one). FIELD_HASH: sm3 (HMAC-SM3, the
# default) or sha256, the lookup hashes of ID numbers, phones and query codes, keyed by
# FIELD_HASH_KEY; independent of SECRET_KEY, so that rotating SECRET_KEY never makes personal
# data unreadable or unsearchable. `manage.py generate_field_keys` prints fresh keys.
FIELD_CIPHER = env.str("FIELD_CIPHER", default=keyring.SM4)
FIELD_HASH = env.str("FIELD_HASH", default=keyring.SM3)
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEY", default=[] if PRODUCTION else _DEV_FIELD_ENCRYPTION_KEYS
)
FIELD_HASH_KEY = _secret("FIELD_HASH_KEY", _DEV_FIELD_HASH_KEY)
_field_keys = keyring.check_field_settings(
    keys=FIELD_ENCRYPTION_KEYS, cipher=FIELD_CIPHER, hash_name=FIELD_HASH
)
if PRODUCTION:
    keyring.check_production_secrets(
        secret_key=SECRET_KEY,
        keys=_field_keys,
        hash_key=FIELD_HASH_KEY,
        public_secret_keys=_PUBLIC_SECRET_KEYS,
        public_field_keys=_PUBLIC_FIELD_KEYS,
        public_hash_keys=_PUBLIC_HASH_KEYS,
    )

INSTALLED_APPS = [
    # django.contrib.admin with a site that asks for the second factor (accounts/admin_site.py).
    "accounts.admin_apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    # The portal's picture puzzle (django-simple-captcha; images drawn here, with its font).
    "captcha",
    "core",
    "accounts",
    "audit",
    "notifications",
    "cases",
    "petitions",
    "escalation",
    "reception",
    "ledgers",
    "dashboards",
    "idempotency",
    # The public portal: above every other app of ours, imported by none.
    "portal",
    # Tools above the domain, imported by none of it: the demo data (`seed_demo`) and the
    # benchmarks (`bench`, `bench_scan`, `bench_dashboard`).
    "demo",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything that reads a body (sessions, CSRF, the views): an oversized one is
    # refused unread; after the header middleware, so the refusal carries their headers.
    "core.bodylimit.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.NulByteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    # Knows the request for the audit trail, keeps the auditor out of the petition pages and
    # records every download.
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.PasswordPolicyMiddleware",
    # After authentication: an API retry with the same Idempotency-Key is answered once.
    "idempotency.middleware.IdempotencyMiddleware",
    # Last: turns a login refused by the lockout into its page (accounts.login_guard).
    "axes.middleware.AxesMiddleware",
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

# Forms draw their widgets with the project's template engine, so that templates/django/forms/
# can replace one of Django's (select.html: options written in place, not included one by one).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
# PostgreSQL's planner costs a random page read 4 times a sequential one, as on a spinning
# disk; on SSDs with the tables in memory 1.1 is the usual setting. At the default it hashes
# a whole area's stored reach (`cases.CaseReach`, 600,000 rows for a city) rather than
# probing it for the few thousand cases a list filter found (240 ms against 50 at a million
# petitions). Set per connection, so a server's own setting needs no change.
PG_RANDOM_PAGE_COST = env.float("PG_RANDOM_PAGE_COST", default=1.1)
# Parameters stay bound on the client (Django's default with psycopg 3): no prepared
# statements. With them (OPTIONS server_side_binding, prepare_threshold) PostgreSQL moved the
# drill-down lists to generic plans after five runs, which suit no one unit's share of a
# million petitions: 32 staff waited 9.3 s at p95 instead of 0.32 s (`make bench`).


def _planner_costs(database: dict) -> None:
    if database["ENGINE"].startswith("django.db.backends.postgresql"):
        options = database.setdefault("OPTIONS", {})
        options.setdefault("options", f"-c random_page_cost={PG_RANDOM_PAGE_COST}")


_planner_costs(DATABASES["default"])
# Persistent connections: a new connection per request caps a page at ~160 requests/s.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    _planner_costs(DATABASES["replica"])
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests read the replica alias from the default test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# The dashboards read from the replica when one is set (they tolerate its lag).
DASHBOARD_DATABASE = "replica" if "replica" in DATABASES else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, reusing its Redis client from call to call (core.rediscache).
    CACHES["default"]["BACKEND"] = "core.rediscache.RedisCache"
# Whether every process sees the same cache (Redis by CACHE_URL): only then are sessions, the
# users' roles and the case page's sections kept in it across requests (`core.caching`); a
# per-process cache would keep serving what another process has since changed.
SHARED_CACHE = env.bool(
    "SHARED_CACHE",
    default=CACHES["default"]["BACKEND"]
    not in (
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ),
)
# The release deployed (an image tag, a commit): set at each deploy, it makes the data kept
# across requests start afresh (core.caching.stamp_key), so that no page part drawn by the
# old code is served by the new.
RELEASE = env.str("RELEASE", default="")
if SHARED_CACHE:
    # Each request reads its session from the cache; writes go to both.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
# The home page: the petition list, or the audit trail for an auditor (audit.middleware).
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# The lockout backend first: it refuses a locked account or address before the password is
# checked (django-axes; accounts.login_guard).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login lockout (every login path: the login page, the admin's, the API token endpoint).
# An account is locked after LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_MINUTES,
# for LOGIN_LOCKOUT_MINUTES; an address is refused after LOGIN_ADDRESS_FAILURE_LIMIT failures
# within the window, until the window has passed (accounts.login_guard).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
# Requests to the API token endpoint per address (DRF rate: "N/second|minute|hour|day").
LOGIN_API_RATE = env.str("LOGIN_API_RATE", default="10/minute")
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For
# (0: none, REMOTE_ADDR is the client; 1: one nginx in front of gunicorn). The header is
# trusted only this far: what a client writes into it itself is never taken as its address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The public portal's "follow the matter" (portal.lockout): PUBLIC_QUERY_FAILURE_LIMIT wrong
# query codes for one number within PUBLIC_QUERY_LOCK_MINUTES lock that number's lookup for
# PUBLIC_QUERY_LOCK_MINUTES; lookups per address are throttled at PUBLIC_QUERY_RATE (DRF rate).
PUBLIC_QUERY_FAILURE_LIMIT = env.int("PUBLIC_QUERY_FAILURE_LIMIT", default=5)
PUBLIC_QUERY_LOCK_MINUTES = env.int("PUBLIC_QUERY_LOCK_MINUTES", default=15)
PUBLIC_QUERY_RATE = env.str("PUBLIC_QUERY_RATE", default="20/minute")
# How many new query codes a number may be sent by text in a day (a lost code, portal.lockout).
PUBLIC_CODE_RENEWAL_LIMIT = env.int("PUBLIC_CODE_RENEWAL_LIMIT", default=3)
# How long a document link the portal hands out (portal.documents) keeps working.
PUBLIC_DOCUMENT_MINUTES = env.int("PUBLIC_DOCUMENT_MINUTES", default=30)
# Submitting a petition online (portal.phone, portal.submit): the petitioner's phone is first
# verified with a text message code (PUBLIC_PHONE_VERIFICATION; off: no code is asked) of 6
# digits, valid PUBLIC_SMS_CODE_MINUTES, dead after PUBLIC_SMS_CODE_MAX_TRIES wrong tries.
# Codes per phone: PUBLIC_SMS_CODE_PHONE_RATE and PUBLIC_SMS_CODE_PHONE_HOURLY_RATE; per client
# address PUBLIC_SMS_CODE_RATE; submissions per address PUBLIC_SUBMIT_RATE; the portal's unit
# search per address PUBLIC_UNIT_SEARCH_RATE (DRF rates).
PUBLIC_PHONE_VERIFICATION = env.bool("PUBLIC_PHONE_VERIFICATION", default=True)
PUBLIC_SMS_CODE_MINUTES = env.int("PUBLIC_SMS_CODE_MINUTES", default=5)
PUBLIC_SMS_CODE_MAX_TRIES = env.int("PUBLIC_SMS_CODE_MAX_TRIES", default=5)
# The picture puzzle on the petition form lasts as long as an unhurried writer needs (minutes;
# the package's default is 5).
CAPTCHA_TIMEOUT = env.int("CAPTCHA_TIMEOUT", default=120)
# Once the page has verified the phone, the petition form has this long (no time pressure).
PUBLIC_PHONE_VERIFIED_HOURS = env.int("PUBLIC_PHONE_VERIFIED_HOURS", default=24)
PUBLIC_SMS_CODE_PHONE_RATE = env.str("PUBLIC_SMS_CODE_PHONE_RATE", default="1/minute")
PUBLIC_SMS_CODE_PHONE_HOURLY_RATE = env.str("PUBLIC_SMS_CODE_PHONE_HOURLY_RATE", default="5/hour")
PUBLIC_SMS_CODE_RATE = env.str("PUBLIC_SMS_CODE_RATE", default="20/hour")
PUBLIC_SUBMIT_RATE = env.str("PUBLIC_SUBMIT_RATE", default="10/hour")
PUBLIC_UNIT_SEARCH_RATE = env.str("PUBLIC_UNIT_SEARCH_RATE", default="60/minute")
for _name in (
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_FAILURE_WINDOW_MINUTES",
    "LOGIN_LOCKOUT_MINUTES",
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    "PUBLIC_QUERY_FAILURE_LIMIT",
    "PUBLIC_QUERY_LOCK_MINUTES",
    "PUBLIC_DOCUMENT_MINUTES",
    "PUBLIC_CODE_RENEWAL_LIMIT",
    "PUBLIC_SMS_CODE_MINUTES",
    "PUBLIC_SMS_CODE_MAX_TRIES",
    "PUBLIC_PHONE_VERIFIED_HOURS",
):
    if vars()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must not be negative.")

AXES_ENABLED = True
AXES_HANDLER = "accounts.login_guard.LoginGuardHandler"
# axes's own limit and cool-off; the handler applies the account and address limits and the
# separate counting window and lockout time (see accounts.login_guard).
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=max(LOGIN_LOCKOUT_MINUTES, LOGIN_FAILURE_WINDOW_MINUTES)
)
# A success resets the failures of that account from that address only.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A locked account's further attempts are refused without extending the lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "accounts.login_guard.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.login_guard.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after the
# login, whatever the activity (accounts.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
if SESSION_IDLE_MINUTES < 1 or SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be at least 1.")
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

# Password policy (accounts.passwords). PASSWORD_MAX_AGE_DAYS=0 turns expiry off;
# PASSWORD_CHANGE_AT_FIRST_LOGIN makes a user whose password an administrator set (a new
# account, a reset) choose their own at the next login.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90 if PRODUCTION else 0)
PASSWORD_CHANGE_AT_FIRST_LOGIN = env.bool("PASSWORD_CHANGE_AT_FIRST_LOGIN", default=PRODUCTION)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "accounts.passwords.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator"},
]

# Two-factor authentication (django-otp: TOTP apps and one-time backup codes). OTP_ENFORCED
# makes it compulsory for the roles in OTP_REQUIRED_ROLES (and superusers): such a user without
# a device is sent to enrolment and reaches nothing else. Others may enrol; whoever has a device
# gives its code at every login. Off in development, so the demo accounts log in as before.
OTP_ENFORCED = env.bool("OTP_ENFORCED", default=PRODUCTION)
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES", default=["admin", "leader", "supervisor", "security", "auditor"]
)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="信访通")
# The admin's device pages never show a secret key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# API tokens (django-rest-knox): stored as SHA-512 digests, every one expires.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=7)
if API_TOKEN_TTL_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be at least 1: no token lives forever.")
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

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

# Request bodies that are not multipart (JSON, form-urlencoded) larger than this are refused
# with 413 before they are read (core.bodylimit.RequestBodyLimitMiddleware). Multipart
# uploads keep their own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, ATTACHMENT_MAX_BYTES).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=2 * 1024 * 1024)

# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere. The pages keep
# their scripts and styles in static files; data for a script travels in data-* attributes or
# json_script; the API docs page too (config/apidocs.py). CSP_REPORT_ONLY sends the
# same policy as Content-Security-Policy-Report-Only instead (to try a change on a live site).
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
if env.str("CSP_REPORT_URI", default=""):
    _CSP_DIRECTIVES["report-uri"] = [env.str("CSP_REPORT_URI")]
_CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
if _CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None

# Permissions-Policy (django-permissions-policy): no page uses any of these browser features
# (ID numbers are typed or come from a reader that types them), so none may be used, by us or
# by anything framed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_REFERRER_POLICY = "same-origin"

# The API schema and its Swagger page: public in development, logged-in staff only in
# production (they map every operation of the API).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=not PRODUCTION)

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
# Where a petitioner follows their matter with its number and query code (the public portal),
# printed on the registration receipt. Set it to the address the public reaches.
PUBLIC_QUERY_URL = env.str("PUBLIC_QUERY_URL", default=f"{SITE_URL}/public/query/")

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

# Dispute screening (ledgers): the day of the month each district's screening meeting is held,
# by which its streets and communities report (moved to the next workday when a rest day;
# at most 28); the default days to resolve a dispute found.
SCREENING_MEETING_DAY = env.int("SCREENING_MEETING_DAY", default=15)
SCREENING_RESOLVE_DAYS = env.int("SCREENING_RESOLVE_DAYS", default=30)
# Major and urgent matters (Art. 25): hours to send the information report once a matter is
# flagged, and hours its recipients have to acknowledge it before it is escalated.
URGENT_REPORT_HOURS = env.int("URGENT_REPORT_HOURS", default=4)
URGENT_ACK_HOURS = env.int("URGENT_ACK_HOURS", default=2)

# Petition rules that are settings rather than law (DESIGN §2).
GROUP_VISIT_THRESHOLD = env.int("GROUP_VISIT_THRESHOLD", default=5)
GROUP_MAX_REPRESENTATIVES = env.int("GROUP_MAX_REPRESENTATIVES", default=5)
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-pass-2026")

# How long the API keeps the first answer to a request sent with an Idempotency-Key.
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)
# Security audit (安全审计): entries are kept this many days, then purged daily (at least 180
# in production, 等保 2.0 level 3).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
AUDIT_MIN_RETENTION_DAYS = 180 if PRODUCTION else 1
if AUDIT_RETENTION_DAYS < AUDIT_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(
        "AUDIT_RETENTION_DAYS must be at least 180 in production (and at least 1)."
    )

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
    # Every night at 03:15: audit entries past AUDIT_RETENTION_DAYS.
    "purge-audit-trail": {
        "task": "audit.tasks.purge_expired",
        "schedule": crontab(minute=15, hour=3),
    },
    # The 1st of each month at 01:30: last month's unit ranking.
    "rank-units": {
        "task": "escalation.tasks.rank_units",
        "schedule": crontab(minute=30, hour=1, day_of_month=1),
    },
    # Hourly: the stored answers of idempotent API requests past IDEMPOTENCY_TTL_HOURS.
    "purge-idempotency-records": {
        "task": "idempotency.tasks.purge_idempotency_records",
        "schedule": crontab(minute=15),
    },
    # Hourly: expired API tokens (knox removes them only when their owner next logs in).
    "purge-expired-api-tokens": {
        "task": "accounts.tasks.purge_expired_api_tokens",
        "schedule": crontab(minute=45),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.passwords.PasswordIsCurrent",
        # The auditor reads the audit trail and nothing of the petitions (三员管理).
        "audit.permissions.NotAuditor",
    ],
    # The throttles read their rate settings when they run (AddressRateThrottle.get_rate).
    "DEFAULT_THROTTLE_RATES": {"login": LOGIN_API_RATE, "public_query": PUBLIC_QUERY_RATE},
    # The client's address for the throttles: the same rule as the login lockout's.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # JSON with a nesting limit (core.api_input); views that take files add multipart.
    "DEFAULT_PARSER_CLASSES": [
        "core.api_input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CappedPagination",
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
    # drf-spectacular's enum naming, then ours (core.api_schema): every operation's error
    # answers, and times of day without the offset OpenAPI's `format: time` demands.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_schema.add_error_responses",
        "core.api_schema.declare_local_times",
        "idempotency.schema.add_idempotency_key",
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
        "ReviewLevelEnum": "cases.models.ReviewLevel",
        "DisputeKindEnum": "ledgers.models.DisputeKind",
        "DisputePartyRoleEnum": "ledgers.models.PartyRole",
        "ResolutionMethodEnum": "ledgers.models.ResolutionMethod",
        "RiskLevelEnum": "ledgers.models.RiskLevel",
        "DisputeStatusEnum": "ledgers.models.DisputeStatus",
        "TargetStatusEnum": "ledgers.targets.selectors.TargetStatus",
        "OpinionEnum": "cases.models.Opinion",
        "ReviewDecisionEnum": "cases.models.ReviewDecision",
        "CommendationKindEnum": "ledgers.models.CommendationKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "core.logging.MaskPersonalDataFilter"}},
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
