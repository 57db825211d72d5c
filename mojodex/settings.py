"""Django settings, read from the environment (12-factor).

Every value comes from an environment variable through the typed helpers in ``mojodex.env``. With
no ``DATABASE_URL``/``REDIS_URL`` set, the servers started by ``manage.py dev`` are used: it writes
their addresses to ``<MOJODEX_VAR_DIR>/embedded.json``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from mojodex import guards
from mojodex.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_path,
    env_ports,
    env_secret,
    env_str,
    env_url,
    read_json_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("MOJODEX_VAR_DIR", BASE_DIR / "var")
DATA_DIR = env_path("MOJODEX_DATA_DIR", VAR_DIR / "data")
# Longest voice recording accepted (real decoded duration); bounds the transcription calls.
AUDIO_MAX_SECONDS = env_int("MOJODEX_AUDIO_MAX_SECONDS", 1800, minimum=1)
EMBEDDED_STATE_FILE = VAR_DIR / "embedded.json"
_embedded = read_json_file(EMBEDDED_STATE_FILE)

DEBUG = env_bool("DEBUG", False)
# Required with DEBUG off (missing or the .env.example placeholder: start-up stops); `manage.py dev`
# generates one under VAR_DIR. With DEBUG on, a local fallback that `check --deploy` flags.
SECRET_KEY = guards.secret_key(env_secret("SECRET_KEY"), debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# HTTPS hardening (`manage.py check --deploy`). Off by default so plain-HTTP local runs work; turn
# on behind HTTPS. The TLS-terminating proxy sets X-Forwarded-Proto; probes reach /health over HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by the app (no CDN)
    "channels",
    "django_celery_beat",
    "anymail",
    "apps.core",
    "apps.accounts",
    "apps.products",
    "apps.catalog",
    "apps.executions",
    "apps.chat",
    "apps.workflows",
    "apps.todos",
    "apps.documents",
    "apps.notifications",
    "apps.llm",
    "apps.assistants",
    "apps.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.RequestLimitsMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mojodex.urls"
ASGI_APPLICATION = "mojodex.asgi.application"
WSGI_APPLICATION = None
APPEND_SLASH = False

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
            ],
        },
    },
]

# --- Postgres (psycopg 3) ---------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    _embedded.get("database_url", ""),
    schemes={"postgres", "postgresql", "pgsql"},
)
DATABASES = {"default": database_from_url("DATABASE_URL", DATABASE_URL)} if DATABASE_URL else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery result backend, channel layer, cache ----------------------------------------
REDIS_URL = env_url(
    "REDIS_URL",
    _embedded.get("redis_url", "redis://127.0.0.1:6379/0"),
    schemes={"redis", "rediss", "unix"},
)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 reads with a 5 s socket timeout by default, the same as channels-redis'
            # blocking receive: a quiet socket would then die with TimeoutError. Read longer.
            "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 5}],
            "prefix": env_str("MOJODEX_CHANNEL_PREFIX", "mojodex"),
            "capacity": 1000,
            "expiry": 60,
        },
    }
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL",
    REDIS_URL,
    schemes={"redis", "rediss", "unix", "amqp", "amqps", "pyamqp"},
)
CELERY_RESULT_BACKEND = env_url("CELERY_RESULT_BACKEND", REDIS_URL, schemes={"redis", "rediss", "unix"})
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 840, minimum=1)
# Redis redelivers an unacked task after this many seconds: keep it above the longest time limit,
# or a slow task would be handed to a second worker while the first still runs it.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2, minimum=1)

# --- Generations ------------------------------------------------------------------------------
# Takeover of dead work (docs/adr/0006-takeover-of-dead-work.md). A running generation whose worker
# has not refreshed its heartbeat (every min(5 s, lease/3) while tokens flow) for this many seconds
# is re-dispatched by the beat sweep ``relaunch_stale_generations`` (every 10 s) and claimed anew.
GENERATION_LEASE = env_int("MOJODEX_GENERATION_LEASE", 30, minimum=2)
# A generation still waiting for a worker after this many seconds is queued again by the sweep.
GENERATION_PENDING_REQUEUE_AFTER = env_int("MOJODEX_GENERATION_PENDING_REQUEUE_AFTER", 120, minimum=1)
# A generation is claimed at most this many times (retried LLM failures and takeovers count); a
# dead worker's generation at the cap is failed with an error event instead of being taken over.
GENERATION_MAX_ATTEMPTS = env_int("MOJODEX_GENERATION_MAX_ATTEMPTS", 10, minimum=1)

# --- Workflows --------------------------------------------------------------------------------
# Durable step runs (apps/workflows, docs/adr/0005-durable-workflow-steps.md) and the web search
# of the web_research_synthesis workflow (workflow_steps/web_research_synthesis).
# A running step whose worker has not refreshed its heartbeat for this many seconds is taken over
# by another worker (heartbeats come every third of it).
WORKFLOW_STEP_LEASE = env_int("MOJODEX_WORKFLOW_STEP_LEASE", 120, minimum=2)
# A step is run at most this many times (worker deaths and retried LLM failures included).
WORKFLOW_STEP_MAX_ATTEMPTS = env_int("MOJODEX_WORKFLOW_STEP_MAX_ATTEMPTS", 5, minimum=1)
# A step still waiting for a worker after this many seconds is queued again by the beat sweep.
WORKFLOW_PENDING_REQUEUE_AFTER = env_int("MOJODEX_WORKFLOW_PENDING_REQUEUE_AFTER", 600, minimum=1)
# Search endpoint answering JSON (SearxNG `format=json`, SerpAPI, Bing v7 shapes); empty: no web search.
WEB_SEARCH_URL = env_url("MOJODEX_WEB_SEARCH_URL", "", schemes={"http", "https"})
WEB_SEARCH_API_KEY = env_secret("MOJODEX_WEB_SEARCH_API_KEY")
WEB_SEARCH_RESULTS = env_int("MOJODEX_WEB_SEARCH_RESULTS", 5, minimum=1)
WEB_SEARCH_TIMEOUT = env_int("MOJODEX_WEB_SEARCH_TIMEOUT", 15, minimum=1)
WEB_FETCH_TIMEOUT = env_int("MOJODEX_WEB_FETCH_TIMEOUT", 20, minimum=1)
WEB_FETCH_MAX_BYTES = env_int("MOJODEX_WEB_FETCH_MAX_BYTES", 2_000_000, minimum=1024)
# --- end of workflows ---------------------------------------------------------------------------

# --- Outbound fetches of user-influenced URLs (apps/core/safe_fetch.py, docs/security.md) ----------
# Ports a fetched URL may name; networks exempted from the public-address rule (leave it empty in
# production: loopback, private, link-local... are then always refused); redirects per fetch.
FETCH_ALLOWED_PORTS = env_ports("MOJODEX_FETCH_ALLOWED_PORTS", [80, 443])
FETCH_ALLOWED_NETWORKS = env_networks("MOJODEX_FETCH_ALLOWED_NETWORKS")
FETCH_MAX_REDIRECTS = env_int("MOJODEX_FETCH_MAX_REDIRECTS", 5, minimum=0)

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The original's werkzeug hashes are verified by User.check_password and upgraded on login.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
JWT_SECRET = env_secret("JWT_SECRET", SECRET_KEY)
JWT_ALGORITHM = env_str("ENCODING_ALGORITHM", "HS256")
TOKEN_SECRET_SPLITTER = env_str("TOKEN_SECRET_SPLITTER", "__mojodex__")
TOKEN_VALIDITY_DAYS = env_int("TOKEN_VALIDITY_DAYS", 180, minimum=1)
ADMIN_SECRET = env_secret("BACKOFFICE_SECRET", env_secret("ADMIN_SECRET", ""))
# Probe secret for GET /health details (X-Health-Secret header); empty: staff tokens only.
HEALTH_SECRET = env_secret("MOJODEX_HEALTH_SECRET")
LOGIN_URL = "/app/login"
# Paths whose responses carry the web UI's Content-Security-Policy (apps.core.middleware).
CSP_PATH_PREFIXES = ["/app/"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.core.api.permissions.BackofficeSecretAuthentication",
        "apps.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers refusing too-deep JSON, NUL bytes and invalid UTF-8 (apps.core.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.JSONParser",
        "apps.core.api.parsers.FormParser",
        "apps.core.api.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.errors.json_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mojodex API",
    "DESCRIPTION": "Task-based digital assistants: the original Mojodex routes on Django.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"PlatformEnum": "apps.chat.models.PlatformName"},
    # /api/docs/ works offline: Swagger UI's assets come from drf-spectacular-sidecar's static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- i18n, static, files -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR
# Request limits (docs/limits.md), answered as JSON 413/400 by apps.core.middleware: a body other
# than multipart at most DATA_UPLOAD_MAX_MEMORY_SIZE; a multipart body (files: videos up to 200 MB)
# at most REQUEST_MAX_BYTES; Django's field and file counts per request.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=1024)
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 210 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 100, minimum=1)

# --- e-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mojodex@localhost")
ANYMAIL = {
    key: value
    for key, value in {
        "SENDGRID_API_KEY": env_secret("SENDGRID_API_KEY"),
        "MAILGUN_API_KEY": env_secret("MAILGUN_API_KEY"),
        "POSTMARK_SERVER_TOKEN": env_secret("POSTMARK_SERVER_TOKEN"),
        "AMAZON_SES_CLIENT_PARAMS": {},
    }.items()
    if value
}


# --- LLM layer ---------------------------------------------------------------------------------
# Providers, prompts, costs, embeddings and speech-to-text (apps/llm); every variable: docs/llm.md.
def _llm_conf_file(name: str) -> Path | None:
    """An optional provider file: unset means "not configured"; set to a missing file is an error."""
    if not env_str(name):
        return None
    path = env_path(name, BASE_DIR)
    if not path.is_file():
        raise ImproperlyConfigured(f"{name} names a missing file: {path}")
    return path


LLM_MODELS_CONF = _llm_conf_file("MOJODEX_MODELS_CONF")
LLM_EMBEDDING_CONF = _llm_conf_file("MOJODEX_EMBEDDING_CONF")
LLM_STT_CONF = _llm_conf_file("MOJODEX_STT_CONF")
# Only an explicit choice puts the fake LLM, hashing embedder, fake transcriber in place of a
# missing file; without it, start-up stops naming the missing files.
LLM_FAKE_PROVIDERS = env_bool("MOJODEX_FAKE_PROVIDERS", False)
guards.require_providers(
    {
        "MOJODEX_MODELS_CONF": LLM_MODELS_CONF,
        "MOJODEX_EMBEDDING_CONF": LLM_EMBEDDING_CONF,
        "MOJODEX_STT_CONF": LLM_STT_CONF,
    },
    fakes=LLM_FAKE_PROVIDERS,
)
LLM_PROMPTS_DIR = env_path("MOJODEX_PROMPTS_DIR", BASE_DIR / "prompts")
LLM_TIMEOUT = env_int("MOJODEX_LLM_TIMEOUT", 120, minimum=1)  # seconds, whole call (stream included)
LLM_CONNECT_TIMEOUT = env_int("MOJODEX_LLM_CONNECT_TIMEOUT", 10, minimum=1)
LLM_MAX_RETRIES = env_int("MOJODEX_LLM_MAX_RETRIES", 2, minimum=0)  # per model, before falling back
LLM_RETRY_BACKOFF_MS = env_int("MOJODEX_LLM_RETRY_BACKOFF_MS", 500, minimum=0)
LLM_RETRY_BACKOFF_MAX_MS = env_int("MOJODEX_LLM_RETRY_BACKOFF_MAX_MS", 8000, minimum=0)
LLM_RECORD_CALLS = env_bool("MOJODEX_LLM_RECORD_CALLS", True)
LLM_PROMPT_DATASET = env_bool("MOJODEX_PROMPT_DATASET", False)
LLM_FAKE_TOKEN_DELAY_MS = env_int("MOJODEX_FAKE_LLM_TOKEN_DELAY_MS", 0, minimum=0)
LLM_EMBEDDING_BATCH_SIZE = env_int("MOJODEX_EMBEDDING_BATCH_SIZE", 96, minimum=1)
LLM_EMBEDDING_DIMENSIONS = env_int("MOJODEX_EMBEDDING_DIMENSIONS", 1536, minimum=8)
LLM_TIKTOKEN_CACHE_DIR = env_path("TIKTOKEN_CACHE_DIR", VAR_DIR / "cache" / "tiktoken")


# --- Accounts and purchases -------------------------------------------------------------------
# Login providers, password reset, throttling, service secrets, admin e-mails, Stripe, push.
# Every variable is described in .env.example; behaviour in docs/accounts-and-purchases.md.
def _throttle_rate(name: str, value: str) -> str:
    """A DRF rate ``<n>/<second|minute|hour|day>`` (abbreviations accepted)."""
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value.strip()):
        raise ImproperlyConfigured(f"{name} must look like 10/min (n per second|minute|hour|day), got {value!r}")
    return value.strip()


def _derived_secret(purpose: str) -> str:
    """A secret derived from SECRET_KEY for one purpose, when no explicit one is configured."""
    return hmac.new(SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).hexdigest()


MOJODEX_WEBAPP_URI = env_str("MOJODEX_WEBAPP_URI", "http://localhost:8000/app").rstrip("/")
RESET_PASSWORD_JWT_SECRET = env_secret("RESET_PASSWORD_JWT_SECRET") or _derived_secret("reset-password")
RESET_PASSWORD_SECRET_KEY = env_str("RESET_PASSWORD_SECRET_KEY", "__mojodex_reset__") or "__mojodex_reset__"
RESET_PASSWORD_VALIDITY_MINUTES = env_int("RESET_PASSWORD_VALIDITY_MINUTES", 10, minimum=1)
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
]
LOGIN_THROTTLE_ACCOUNT_RATE = _throttle_rate(
    "LOGIN_THROTTLE_ACCOUNT_RATE", env_str("LOGIN_THROTTLE_ACCOUNT_RATE", "10/min")
)
LOGIN_THROTTLE_ADDRESS_RATE = _throttle_rate(
    "LOGIN_THROTTLE_ADDRESS_RATE", env_str("LOGIN_THROTTLE_ADDRESS_RATE", "30/min")
)
# PUT /error with notify_admin: e-mails to the admins per user and in all (docs/limits.md). Over
# either rate the report is still stored in md_error and logged, just not e-mailed.
ADMIN_NOTIFY_USER_RATE = _throttle_rate("ADMIN_NOTIFY_USER_RATE", env_str("ADMIN_NOTIFY_USER_RATE", "5/hour"))
ADMIN_NOTIFY_GLOBAL_RATE = _throttle_rate("ADMIN_NOTIFY_GLOBAL_RATE", env_str("ADMIN_NOTIFY_GLOBAL_RATE", "60/hour"))
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
GOOGLE_CLIENT_ID = env_list("GOOGLE_CLIENT_ID", [])
GOOGLE_JWKS_URL = env_url(
    "GOOGLE_JWKS_URL", "https://www.googleapis.com/oauth2/v3/certs", schemes={"https", "http", "file"}
)
APPLE_CLIENT_ID = env_list("APPLE_CLIENT_ID", [])
APPLE_ID = env_str("APPLE_ID")
APPLE_CLIENT_APP_SECRET = env_secret("APPLE_CLIENT_APP_SECRET")
APPLE_JWKS_URL = env_url("APPLE_JWKS_URL", "https://appleid.apple.com/auth/keys", schemes={"https", "http", "file"})
APPLE_TOKEN_URL = env_url("APPLE_TOKEN_URL", "https://appleid.apple.com/auth/token", schemes={"https", "http"})
MICROSOFT_AD_API_URI = env_url(
    "MICROSOFT_AD_API_URI", "https://graph.microsoft.com/v1.0", schemes={"https", "http"}
).rstrip("/")
SOCIAL_LOGIN_TIMEOUT = env_int("SOCIAL_LOGIN_TIMEOUT", 10, minimum=1)
JWKS_CACHE_SECONDS = env_int("JWKS_CACHE_SECONDS", 3600, minimum=0)
SCHEDULER_SECRET = env_secret("MOJODEX_SCHEDULER_SECRET")
WEBAPP_SECRET = env_secret("MOJODEX_WEBAPP_SECRET")
PURCHASES_EMAIL_RECEIVERS = env_list("PURCHASES_EMAIL_RECEIVERS", [])
TECHNICAL_EMAIL_RECEIVERS = env_list("TECHNICAL_EMAIL_RECEIVERS", [])
STRIPE_API_KEY = env_secret("STRIPE_API_KEY")
STRIPE_WEBHOOK_SECRET_NEW_PURCHASE = env_secret("STRIPE_WEBHOOK_SECRET_NEW_PURCHASE")
STRIPE_WEBHOOK_SECRET_END_PURCHASE = env_secret("STRIPE_WEBHOOK_SECRET_END_PURCHASE")
STRIPE_TIMEOUT = env_int("STRIPE_TIMEOUT", 10, minimum=1)
FIREBASE_PROJECT_ID = env_str("FIREBASE_PROJECT_ID")
FIREBASE_SERVICE_ACCOUNT = env_str("FIREBASE_SERVICE_ACCOUNT")
PURCHASE_EXPIRY_BATCH_SIZE = env_int("PURCHASE_EXPIRY_BATCH_SIZE", 500, minimum=1)
# --- end of accounts and purchases ---------------------------------------------------------------

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_JSON = env_bool("LOG_JSON", not DEBUG)
LOGGING_CONFIG = None  # configured by mojodex.logging.configure (also from Celery's signal)

from mojodex.logging import configure as _configure_logging  # noqa: E402

_configure_logging(LOG_LEVEL, json_output=LOG_JSON)
