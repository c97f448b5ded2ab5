"""Settings for Factcheck, read from the environment once, here at the top.

Development (the default) runs on a SQLite file in the project folder with nothing to configure.
Production (`DJANGO_ENV=production`) refuses to start without a real secret key and allowed hosts,
and turns on every setting that `manage.py check --deploy` asks for.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def throttle_rate(name: str, default: str) -> str | None:
    """A DRF rate like 120/minute from the environment; "off" turns the throttle off."""
    value = env_str(name, default).lower()
    if value == "off":
        return None
    count, _, period = value.partition("/")
    if not count.isdigit() or period not in {"second", "minute", "hour", "day", "s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"{name} must be like 120/minute or off, not {value!r}.")
    return value


ENVIRONMENT = env_str("DJANGO_ENV", "development").lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {ENVIRONMENT!r}.")
PRODUCTION = ENVIRONMENT == "production"

DEV_SECRET_KEY = "django-insecure-factcheck-development-key-never-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    # Django's own deploy check (security.W009) rejects keys shorter than 50 characters, with fewer
    # than 5 distinct characters, or with the generated "django-insecure-" prefix.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "Production mode needs DJANGO_SECRET_KEY: at least 50 random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production mode.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs DJANGO_ALLOWED_HOSTS (comma-separated host names).")
elif not SECRET_KEY:
    SECRET_KEY = DEV_SECRET_KEY

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "factcheck.middleware.DatabaseUnavailableMiddleware",  # 503 with Retry-After while the database is down
    # Lets the audit history record which signed-in user made a change through a page.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "annotations.web.context.newsroom",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
            # Without health checks a PostgreSQL restart costs every worker one 500.
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Planner settings for this app's short queries, on a server whose data is in memory or on SSD: with the
        # default random_page_cost (4, for spinning disks) a search for one word AND-ed in a bitmap of a whole
        # verdict's 40,000 claims (5 ms instead of 0.5). JIT compiles for 10-20 ms to save less than that in a
        # query this app makes. DJANGO_PG_OPTIONS="" keeps the server's own settings.
        pg_options = env_str("DJANGO_PG_OPTIONS", "-c random_page_cost=1.1 -c jit=off")
        if pg_options and "options" not in DATABASES["default"].setdefault("OPTIONS", {}):
            DATABASES["default"]["OPTIONS"]["options"] = pg_options
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / env_str("DJANGO_SQLITE_NAME", "db.sqlite3"),
            "OPTIONS": {
                # Several writers (runserver threads, a command) wait for the lock instead of failing,
                # and IMMEDIATE takes the write lock at BEGIN so two transactions cannot deadlock.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in from a client locked out after repeated failures, before checking the password.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each signed-in newsroom member read once per data version (annotations/backends.py).
    "annotations.backends.KeptModelBackend",
    # For sessions signed in before KeptModelBackend: a session names the backend that signed it in.
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
if PRODUCTION:
    # Static files from the app server itself (no CDN, no separate web server): `collectstatic` writes hashed,
    # compressed copies and WhiteNoise serves them, cached for a year. In development runserver serves them.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "factcheck.storage.StaticStorage"},
    }

# The largest request body read (an article revision, an annotation); larger ones get 413 from the API.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Client addresses (annotations/web/security.py): behind N reverse proxies the client is the Nth address from the
# right of X-Forwarded-For. 0 (the default) trusts no header and uses the connection's address.
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured(f"DJANGO_NUM_PROXIES must be 0 or more, not {NUM_PROXIES}.")

REST_FRAMEWORK = {
    # Token first, so a request without valid credentials gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotations.api.authentication.KeptTokenAuthentication",  # integrations: Authorization: Token ...
        "rest_framework.authentication.SessionAuthentication",  # the pages, with CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["annotations.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "annotations.api.renderers.FastJSONRenderer",  # DRF's JSON, encoded by orjson
        "annotations.api.renderers.StyledBrowsableAPIRenderer",  # DRF's HTML pages, inline styles allowed
    ],
    "DEFAULT_SCHEMA_CLASS": "annotations.api.schema.FactcheckAutoSchema",
    "EXCEPTION_HANDLER": "annotations.api.exceptions.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.Pagination",
    # Per signed-in user and per anonymous address; over the rate: 429 with Retry-After (docs/security.md).
    "DEFAULT_THROTTLE_CLASSES": ["annotations.api.throttling.AnonThrottle", "annotations.api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": throttle_rate("DJANGO_THROTTLE_ANON", "300/minute"),
        "user": throttle_rate("DJANGO_THROTTLE_USER", "1200/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck API",
    "DESCRIPTION": "Articles, claims with W3C text selectors, sources, reviews and history. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc assets come from drf-spectacular-sidecar, served by the app: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Email for review notifications: printed to the console in development; SMTP from the environment.
SITE_URL = env_str("FACTCHECK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The organisation that publishes the fact checks: ClaimReview's `author`.
PUBLISHER_NAME = env_str("FACTCHECK_PUBLISHER_NAME", "Factcheck")
PUBLISHER_URL = env_str("FACTCHECK_PUBLISHER_URL", SITE_URL + "/")
# How "Also appears in" finds the same claim in other articles: "words" (shared words, always there) or "meaning"
# (also the optional sentence-embedding model, `make semantic`; annotations/meaning.py).
SIMILARITY = env_str("FACTCHECK_SIMILARITY", "words").lower()
if SIMILARITY not in {"words", "meaning"}:
    raise ImproperlyConfigured(f"FACTCHECK_SIMILARITY must be words or meaning, not {SIMILARITY!r}.")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "factcheck@localhost")
if env_str("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("DJANGO_EMAIL_HOST")
    EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Audit history: who made each change, through a page or a service.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Production hardening; each line answers one warning of `manage.py check --deploy`.
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Headers on every answer (docs/security.md). Scripts come only from the app's own files: no inline script, no
# eval, no other origin; the JSON the pages carry sits in <script type="application/json">, which is data.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the pages hand the token to their scripts; no script reads the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The one style attribute the pages carry: django-simple-history's admin history paginator.
        "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": ["'self'", "data:"],  # data: for the empty favicon and Swagger UI's icons
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The cache holds the API throttles' counters. One process (runserver, tests): memory. Production: files the
# gunicorn workers of one host share, so a client's count does not depend on which worker answers.
if PRODUCTION:
    DEFAULT_CACHE = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache")),
        "OPTIONS": {"MAX_ENTRIES": 10_000},  # beyond, a third of the files goes; a client has one or two
    }
else:
    DEFAULT_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}

# Answers kept until the data changes (annotations/freshness.py): the claim list and its searches, the article
# page, API tokens' users. In each process's memory; kept answers are found by the database's data version, so a
# change shows at once on every worker. DJANGO_RESPONSE_CACHE_ENTRIES bounds how many a process keeps (up to 1 MB
# each, most 50 to 500 KB).
RESPONSE_CACHE = env_bool("DJANGO_RESPONSE_CACHE", True)
CACHES = {
    "default": DEFAULT_CACHE,
    "responses": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "responses",
        "TIMEOUT": None,  # an answer is right as long as its version is current; the oldest go when full
        "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_RESPONSE_CACHE_ENTRIES", 200)},
    },
}

# Sign-in brute force (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from one address,
# that pair is refused with 429 for the cool-off, correct password or not. Per pair, so an attacker elsewhere
# cannot lock a colleague out, and a newsroom behind one address is not locked out by one person's typos.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15)
if LOGIN_COOLOFF_MINUTES < 1 or AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("DJANGO_LOGIN_COOLOFF_MINUTES and DJANGO_LOGIN_FAILURE_LIMIT must be 1 or more.")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True  # each attempt while locked starts the pause again
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "annotations.web.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "annotations.web.security.client_ip"
AXES_VERBOSE = False


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; lock-outs come at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
