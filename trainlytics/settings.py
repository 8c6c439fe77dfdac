"""Trainlytics settings: one flat file, read from the environment once.

Every value can come from an environment variable (or an optional `.env` file beside
manage.py; real environment variables win). README lists them all.
"""

import base64
import hashlib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-trainlytics-development-only"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable, or set "
            "DEBUG=true to run with the development-only default."
        )
    SECRET_KEY = _DEV_SECRET_KEY
# Former keys, still accepted on signatures (sessions, password reset links) while
# SECRET_KEY is rotated (README, "Deploying"); comma-separated.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base URL used to build OAuth redirect URIs and webhook URLs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    # django-ninja's own Swagger files for /api/docs: without the app it inlines a
    # script and loads Swagger from a CDN, both refused by the Content-Security-Policy.
    "ninja",
    "trainlytics",
    "providers",
    "sync",
    "planning",
    "analytics",
    "exports",
    "accounts",
    "providers.sandbox",
]

MIDDLEWARE = [
    "trainlytics.errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every page ("Security" below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "trainlytics.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the language cookie (the footer's switcher), else the
    # browser's Accept-Language; URLs carry no language prefix.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "trainlytics.urls"
WSGI_APPLICATION = "trainlytics.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # LANGUAGE_CODE and LANGUAGES, for <html lang> and the switcher.
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # `units`: the athlete's metric/imperial setting (lazy).
                "analytics.context_processors.units",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# Seconds a database connection is reused across requests (0: one per request). A new
# PostgreSQL connection costs more than a webhook acknowledgement.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Worker and web server share the file: wait for the write lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Throttle counters live in the cache: with several web processes, give them a shared
# one, e.g. CACHE_URL=dbcache://trainlytics_cache (after `manage.py createcachetable`).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Users ----------------------------------------------------------------------------

AUTH_USER_MODEL = "trainlytics.User"
# Login throttling: this many failures per (account, address) within the window.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=900)
# Password reset mails per hour: to one address, and asked from one client address.
PASSWORD_RESET_EMAIL_LIMIT = env.int("PASSWORD_RESET_EMAIL_LIMIT", default=3)
PASSWORD_RESET_CLIENT_LIMIT = env.int("PASSWORD_RESET_CLIENT_LIMIT", default=20)
# Per-user request rate of the JSON API ("<count>/<s|m|h>").
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/m")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
# bcrypt is listed so hashes carried over from the legacy database still verify; Django
# upgrades them to the first hasher at the next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# --- Internationalisation and static files --------------------------------------------

# English is the source language and the fallback; README says how to add one.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# Numbers in templates read "1,234.5" in English and "1 234,5" in French. Numbers that
# are data rather than text (attributes, URLs, SVG) go through |unlocalize.
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
# Where collectstatic writes and whitenoise serves from when DEBUG is off (the image
# collects at build; CI's production run collects into a temporary directory).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Email ----------------------------------------------------------------------------

# Where mail goes (password resets, email-change links): printed to the console by
# default; e.g. smtp+tls://user:password@smtp.example.com:587 or smtp+ssl://…:465.
_EMAIL = env.email_url("EMAIL_URL", default="consolemail://")
_MAILER_OPTIONS = {
    "django.core.mail.backends.smtp.EmailBackend": {
        "host": _EMAIL["EMAIL_HOST"],
        "port": _EMAIL["EMAIL_PORT"],
        "username": _EMAIL["EMAIL_HOST_USER"],
        "password": _EMAIL["EMAIL_HOST_PASSWORD"],
        "use_tls": _EMAIL.get("EMAIL_USE_TLS", False),
        "use_ssl": _EMAIL.get("EMAIL_USE_SSL", False),
        "timeout": 20,
    },
    "django.core.mail.backends.filebased.EmailBackend": {
        "file_path": "/" + _EMAIL["EMAIL_FILE_PATH"],
    },
}
# Django 6.1's MAILERS (the EMAIL_HOST… settings are deprecated).
MAILERS = {
    "default": {
        "BACKEND": _EMAIL["EMAIL_BACKEND"],
        "OPTIONS": _MAILER_OPTIONS.get(_EMAIL["EMAIL_BACKEND"], {}),
    }
}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Trainlytics <noreply@localhost>"
)

# --- Token encryption -----------------------------------------------------------------

# Comma-separated Fernet keys: the first encrypts, every key decrypts (key rotation).
TOKEN_ENCRYPTION_KEYS = env.list("TOKEN_ENCRYPTION_KEYS", default=[])
if not TOKEN_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS is not set. Generate a key with `python -c "
            "'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`."
        )
    # Development only: a stable key derived from SECRET_KEY.
    _digest = hashlib.sha256(b"trainlytics-token-key:" + SECRET_KEY.encode()).digest()
    TOKEN_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(_digest).decode()]

# --- Background tasks -----------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# Redis, for the RQ backend only (README, "Outgrowing the database queue"): workers run
# `manage.py rqworker --with-scheduler`. The default install never imports it.
REDIS_URL = env.str("REDIS_URL", default="")
RQ_TASKS_BACKEND = "trainlytics.tasks_rq.RQBackend"
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    raise ImproperlyConfigured(
        f"Set TASKS_BACKEND={RQ_TASKS_BACKEND}: django-tasks-rq's own backend may run "
        "deferred tasks up to a second early (trainlytics/tasks_rq.py)."
    )
if TASKS["default"]["BACKEND"] == RQ_TASKS_BACKEND:
    if not REDIS_URL:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND is {RQ_TASKS_BACKEND} but REDIS_URL is not set. Set "
            "REDIS_URL (redis://host:6379/0), or unset TASKS_BACKEND for the database."
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # Every task uses the "default" queue. RQ kills a job after DEFAULT_TIMEOUT: the
    # lease every task kind takes, after which the reapers count its worker lost.
    RQ_QUEUES = {
        "default": {
            "URL": REDIS_URL,
            "DEFAULT_TIMEOUT": env.int("SYNC_RUN_TIMEOUT", default=1800),
        }
    }
    # So a bare `rqworker` runs django.tasks jobs (no --job-class needed).
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}

# --- Sync -----------------------------------------------------------------------------

# Durations in seconds. See sync/conf.py for what each one governs.
SYNC_LOOKBACK = env.int("SYNC_LOOKBACK", default=3 * 24 * 3600)
SYNC_INTERVAL = env.int("SYNC_INTERVAL", default=3600)
SYNC_JITTER = env.int("SYNC_JITTER", default=360)
SYNC_RUN_TIMEOUT = env.int("SYNC_RUN_TIMEOUT", default=1800)
SYNC_PENDING_GRACE = env.int("SYNC_PENDING_GRACE", default=300)
SYNC_RETRY_DELAY = env.int("SYNC_RETRY_DELAY", default=30)
SYNC_MAX_ATTEMPTS = env.int("SYNC_MAX_ATTEMPTS", default=4)
SYNC_BUDGET_RESERVE = env.float("SYNC_BUDGET_RESERVE", default=0.1)

# Cross-provider duplicates: group copies of one real session as they arrive, and
# show the copy from the first provider in this list (device makers before Strava).
ACTIVITY_GROUPING = env.bool("ACTIVITY_GROUPING", default=True)
ACTIVITY_PROVIDER_PRIORITY = env.list(
    "ACTIVITY_PROVIDER_PRIORITY",
    default=["garmin", "coros", "polar", "wahoo", "fitbit", "strava"],
)

# --- Analytics ------------------------------------------------------------------------

# Activity streams (analytics/streams/queue.py): activities that started this many days
# ago or less get theirs on arrival, older ones when opened; low-priority fetches leave
# this share of a provider's request window to syncs; an unavailable or failed result
# is asked for again after this many seconds when the activity is opened.
STREAMS_RECENT_DAYS = env.int("STREAMS_RECENT_DAYS", default=3)
STREAMS_LOW_RESERVE = env.float("STREAMS_LOW_RESERVE", default=0.5)
STREAMS_RECHECK = env.int("STREAMS_RECHECK", default=6 * 3600)
# The map under an activity's route (Leaflet): tiles and the attribution they require.
MAP_TILE_URL = env.str(
    "MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap'
    "</a> contributors",
)

# --- Account exports ------------------------------------------------------------------

# Athletes' export zips and the original files providers sent (exports/storage.py):
# private, never under static/ or STATIC_ROOT, handed out only by the download view.
# By default a directory on this host; for S3-compatible storage install
# django-storages[s3] and set EXPORTS_STORAGE_BACKEND=storages.backends.s3.S3Storage
# with EXPORTS_STORAGE_OPTIONS='{"bucket_name": "...", "endpoint_url": "..."}' (JSON,
# the backend's own options; keep the bucket private).
EXPORTS_ROOT = env.path("EXPORTS_ROOT", default=BASE_DIR / "private" / "exports")
EXPORTS_STORAGE_BACKEND = env.str(
    "EXPORTS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
)
if EXPORTS_STORAGE_BACKEND == "django.core.files.storage.FileSystemStorage":
    _EXPORTS_OPTIONS = {"location": str(EXPORTS_ROOT)}
else:
    _EXPORTS_OPTIONS = {}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {
        "BACKEND": EXPORTS_STORAGE_BACKEND,
        "OPTIONS": env.json("EXPORTS_STORAGE_OPTIONS", default=_EXPORTS_OPTIONS),
    },
}

# --- Account deletion -----------------------------------------------------------------

# A deleted account's grants are revoked at the providers afterwards (accounts/
# revocations.py): a failed attempt waits REVOCATION_RETRY_DELAY seconds, doubled each
# time up to REVOCATION_MAX_DELAY, until REVOCATION_MAX_ATTEMPTS; then staff retry.
REVOCATION_RETRY_DELAY = env.int("REVOCATION_RETRY_DELAY", default=300)
REVOCATION_MAX_DELAY = env.int("REVOCATION_MAX_DELAY", default=86400)
REVOCATION_MAX_ATTEMPTS = env.int("REVOCATION_MAX_ATTEMPTS", default=10)

# --- Logging --------------------------------------------------------------------------

# plain: "time LEVEL logger message [sync_run=12 connection=3]"; json: one object per
# line (trainlytics/logging.py). The context comes from trainlytics/logcontext.py.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain").lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(
        f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "class": "trainlytics.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"class": "trainlytics.logging.JsonFormatter"},
    },
    "filters": {
        "context": {"()": "trainlytics.logcontext.AddContext"},
        "redact": {"()": "trainlytics.logging.RedactSecrets"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # At DEBUG these log whole token responses and URLs with tokens in the query
    # (COROS): never below INFO, whatever LOG_LEVEL says.
    "loggers": {
        **{
            name: {"level": "INFO"}
            for name in ("requests_oauthlib", "oauthlib", "urllib3")
        },
        # runserver's access log, through the redacting handler (COROS sends tokens
        # in query strings; the OAuth callback carries the code).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Error reporting ------------------------------------------------------------------

# Sentry, off (the SDK not even started) unless SENTRY_DSN is set. Tokens are scrubbed
# from every event first (trainlytics/sentry.py). Tracing is off at 0.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if not 0 <= SENTRY_TRACES_SAMPLE_RATE <= 1:
    raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1.")
if SENTRY_DSN:
    from . import sentry

    sentry.init(
        SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=VERSION,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

# --- Providers ------------------------------------------------------------------------

# Production endpoints; each can be overridden with <SLUG>_<NAME> (STRAVA_TOKEN_URL).
# Polar and Garmin use different hosts for authorize, token and API, so no URL is
# derived from another across hosts; a provider whose URLs are overridden in part
# while others stay on its production hosts is refused by a system check
# (providers/checks.py). REFRESH_URL is the one derived URL: see below.
PROVIDER_DEFAULT_URLS = {
    "strava": {
        "AUTHORIZE_URL": "https://www.strava.com/oauth/authorize",
        "TOKEN_URL": "https://www.strava.com/oauth/token",
        "API_URL": "https://www.strava.com/api/v3",
        "REVOKE_URL": "https://www.strava.com/oauth/deauthorize",
    },
    "garmin": {
        "AUTHORIZE_URL": "https://connect.garmin.com/oauth2Confirm",
        "TOKEN_URL": "https://diauth.garmin.com/di-oauth2-service/oauth/token",
        "API_URL": "https://apis.garmin.com",
        "REVOKE_URL": "https://apis.garmin.com/wellness-api/rest/user/registration",
    },
    "polar": {
        "AUTHORIZE_URL": "https://flow.polar.com/oauth2/authorization",
        "TOKEN_URL": "https://polarremote.com/v2/oauth2/token",
        "API_URL": "https://www.polaraccesslink.com",
        "REVOKE_URL": "https://www.polaraccesslink.com/v3/users",
    },
    "coros": {
        "AUTHORIZE_URL": "https://open.coros.com/oauth2/authorize",
        "TOKEN_URL": "https://open.coros.com/oauth2/accesstoken",
        "API_URL": "https://open.coros.com",
        "REVOKE_URL": "https://open.coros.com/oauth2/deauthorize",
    },
    "wahoo": {
        "AUTHORIZE_URL": "https://api.wahooligan.com/oauth/authorize",
        "TOKEN_URL": "https://api.wahooligan.com/oauth/token",
        "API_URL": "https://api.wahooligan.com",
        "REVOKE_URL": "https://api.wahooligan.com/v1/permissions",
    },
    "fitbit": {
        "AUTHORIZE_URL": "https://accounts.google.com/o/oauth2/v2/auth",
        "TOKEN_URL": "https://oauth2.googleapis.com/token",
        "API_URL": "https://health.googleapis.com",
        "REVOKE_URL": "https://oauth2.googleapis.com/revoke",
    },
}


# The provider sandbox (providers/sandbox/) emulates all six providers under
# /sandbox/<slug>/ on this very server. When it is on, each provider's credentials and
# endpoints default to the sandbox's; explicit <SLUG>_* variables still win.
PROVIDER_SANDBOX = env.bool("PROVIDER_SANDBOX", default=False)
PROVIDER_SANDBOX_PATHS = {
    "strava": {
        "AUTHORIZE_URL": "/sandbox/strava/oauth/authorize",
        "TOKEN_URL": "/sandbox/strava/oauth/token",
        "API_URL": "/sandbox/strava/api/v3",
        "REVOKE_URL": "/sandbox/strava/oauth/deauthorize",
    },
    "garmin": {
        "AUTHORIZE_URL": "/sandbox/garmin/oauth2Confirm",
        "TOKEN_URL": "/sandbox/garmin/di-oauth2-service/oauth/token",
        "API_URL": "/sandbox/garmin",
        "REVOKE_URL": "/sandbox/garmin/wellness-api/rest/user/registration",
    },
    "polar": {
        "AUTHORIZE_URL": "/sandbox/polar/oauth2/authorization",
        "TOKEN_URL": "/sandbox/polar/v2/oauth2/token",
        "API_URL": "/sandbox/polar",
        "REVOKE_URL": "/sandbox/polar/v3/users",
    },
    "coros": {
        "AUTHORIZE_URL": "/sandbox/coros/oauth2/authorize",
        "TOKEN_URL": "/sandbox/coros/oauth2/accesstoken",
        "API_URL": "/sandbox/coros",
        "REVOKE_URL": "/sandbox/coros/oauth2/deauthorize",
    },
    "wahoo": {
        "AUTHORIZE_URL": "/sandbox/wahoo/oauth/authorize",
        "TOKEN_URL": "/sandbox/wahoo/oauth/token",
        "API_URL": "/sandbox/wahoo",
        "REVOKE_URL": "/sandbox/wahoo/v1/permissions",
    },
    "fitbit": {
        "AUTHORIZE_URL": "/sandbox/fitbit/o/oauth2/v2/auth",
        "TOKEN_URL": "/sandbox/fitbit/token",
        "API_URL": "/sandbox/fitbit",
        "REVOKE_URL": "/sandbox/fitbit/revoke",
    },
}
# Where our own server (and so the sandbox) is reached from the web process and workers.
PROVIDER_SANDBOX_URL = env.str("PROVIDER_SANDBOX_URL", default=SITE_URL).rstrip("/")


def sandbox_provider_conf(slug, base_url):
    """Credentials and endpoint URLs pointing `slug` at a sandbox served at base_url."""
    conf = {
        "CLIENT_ID": f"sandbox-{slug}-client",
        "CLIENT_SECRET": f"sandbox-{slug}-secret",
    }
    for name, path in PROVIDER_SANDBOX_PATHS[slug].items():
        conf[name] = base_url.rstrip("/") + path
    conf["REFRESH_URL"] = derived_refresh_url(slug, conf["TOKEN_URL"])
    return conf


# The refresh grant goes to the token URL, except at COROS, whose refresh endpoint sits
# beside its token endpoint (/oauth2/accesstoken, /oauth2/refresh-token). Deriving it
# from TOKEN_URL keeps an overridden token URL and its refresh URL on one server.
PROVIDER_REFRESH_PATHS = {"coros": "refresh-token"}


def derived_refresh_url(slug, token_url):
    path = PROVIDER_REFRESH_PATHS.get(slug)
    return urljoin(token_url, path) if path else token_url


def _provider_settings(slug, defaults):
    prefix = slug.upper()
    if PROVIDER_SANDBOX:
        defaults = sandbox_provider_conf(slug, PROVIDER_SANDBOX_URL)
    values = {
        "CLIENT_ID": env.str(
            f"{prefix}_CLIENT_ID", default=defaults.pop("CLIENT_ID", "")
        ),
        "CLIENT_SECRET": env.str(
            f"{prefix}_CLIENT_SECRET", default=defaults.pop("CLIENT_SECRET", "")
        ),
    }
    for name, default in defaults.items():
        values[name] = env.str(f"{prefix}_{name}", default=default)
    values["REFRESH_URL"] = env.str(
        f"{prefix}_REFRESH_URL",
        default=derived_refresh_url(slug, values["TOKEN_URL"]),
    )
    return values


PROVIDERS = {
    slug: _provider_settings(slug, dict(urls))
    for slug, urls in PROVIDER_DEFAULT_URLS.items()
}

# Seconds before expiry at which a token is refreshed (a backend may ask for more:
# Garmin wants at least 600 s).
TOKEN_REFRESH_MARGIN = env.int("TOKEN_REFRESH_MARGIN", default=300)
# Timeout, in seconds, of every outbound provider request (connect, read).
PROVIDER_HTTP_TIMEOUT = env.float("PROVIDER_HTTP_TIMEOUT", default=20.0)

# --- Webhooks -------------------------------------------------------------------------

# Strava echoes this in its subscription handshake (hub.verify_token).
STRAVA_WEBHOOK_VERIFY_TOKEN = env.str("STRAVA_WEBHOOK_VERIFY_TOKEN", default="")
# Wahoo sends this in every event body (webhook_token); set in Wahoo's portal.
WAHOO_WEBHOOK_TOKEN = env.str("WAHOO_WEBHOOK_TOKEN", default="")
# Google Health sends this as a bearer secret in Authorization on every notification.
FITBIT_WEBHOOK_SECRET = env.str("FITBIT_WEBHOOK_SECRET", default="")
# Google Health's P-256 public keys (PEM or base64 DER, comma-separated): when set, a
# notification must carry a valid GOOGLE-HEALTH-API-SIGNATURE of its raw body.
FITBIT_WEBHOOK_PUBLIC_KEYS = env.list("FITBIT_WEBHOOK_PUBLIC_KEYS", default=[])
# The Google Cloud project and subscriber that per-user subscriptions hang under.
FITBIT_PROJECT_ID = env.str("FITBIT_PROJECT_ID", default="")
FITBIT_SUBSCRIBER_ID = env.str("FITBIT_SUBSCRIBER_ID", default="")

# --- Operations -----------------------------------------------------------------------

# Prometheus sends this as a bearer token to GET /metrics; empty: /metrics is a 404.
# (PROMETHEUS_MULTIPROC_DIR, read by prometheus_client itself: trainlytics/ops/.)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Security -------------------------------------------------------------------------

# Production (DEBUG off) is https-only by default: plain http is redirected, cookies
# are Secure and browsers are told (HSTS) to use https for a year. `make run` (DEBUG
# on, http) gets none of it. README's "Deploying" lists the production values.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and Prometheus reach these over plain http inside the network.
SECURE_REDIRECT_EXEMPT = env.list(
    "SECURE_REDIRECT_EXEMPT", default=[r"^healthz$", r"^metrics$"]
)
# Behind a proxy that terminates TLS, e.g. "HTTP_X_FORWARDED_PROTO,https". Only set it
# when the proxy always sets (or strips) that header: a client could send it too.
_PROXY_SSL_HEADER = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_PROXY_SSL_HEADER) if _PROXY_SSL_HEADER else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
# Opt-in: `preload` lets anyone submit the domain to browsers' built-in https list.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Not "Strict": the provider's redirect back to the OAuth callback is a cross-site
# navigation, and the callback needs the session that holds the OAuth state.
SESSION_COOKIE_SAMESITE = env.str("SESSION_COOKIE_SAMESITE", default="Lax")
SECURE_REFERRER_POLICY = env.str("SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses, switched off (trainlytics/middleware.py).
PERMISSIONS_POLICY = [
    "accelerometer",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
]


def url_origin(url):
    """scheme://host[:port] of a URL; a tile template's "{s}" subdomain becomes "*"."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


# No inline script or style anywhere (a test scans the templates). Map tiles come from
# MAP_TILE_URL's host. form-action lists the providers' authorize hosts because
# Connect posts to our own view, which redirects there, and Chromium holds a form
# submission's redirects to form-action too.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", url_origin(MAP_TILE_URL)],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [
        CSP.SELF,
        *sorted({url_origin(conf["AUTHORIZE_URL"]) for conf in PROVIDERS.values()}),
    ],
}
