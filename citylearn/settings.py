"""CityLearn settings: one file, driven by the environment.

The defaults suit a fresh clone (SQLite, debug off unless the clone's .env, written by make,
turns it on);
production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A development clone keeps its settings in .env, which make writes (DJANGO_DEBUG=true), so that
# every command in the clone runs as `make run` does. A variable set in the environment wins.
# Production has no .env (git- and docker-ignored) and sets real environment variables.
# DJANGO_ENV_FILE names another file; empty, none is read.
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)


def env_bool(name, *, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, *, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)


def dev_only_key():
    # A fixed key is fine on a developer's machine and fatal in production.
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs a long random secret; make one with\n"
            "  python -c 'import secrets; print(secrets.token_urlsafe(50))'\n"
            "For local development, run make install once: it writes .env with DJANGO_DEBUG=true."
        )
    return "django-insecure-citylearn-development-key-never-use-in-production"


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or dev_only_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "taggit",
    "axes",
    "rest_framework",
    "drf_spectacular",
    # Every version of the catalogue's records, with who, when and why (cases/history.py).
    "reversion",
    "challenges",
    "cases",
    "opendata",
]
# The demo data generator for load tests (demo/, the generate_demo_data command) is not part of
# the product: it is installed when DJANGO_DEMO_DATA is on, by default only with DEBUG. The tests
# turn it on; production leaves it out.
DEMO_DATA = env_bool("DJANGO_DEMO_DATA", default=DEBUG)
if DEMO_DATA:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    # First, so every response gets the policy: redirects, errors and WhiteNoise's static files.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "citylearn.middleware.allowed_methods_only",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address (/fr/..., /pt/..., English unprefixed), never from a
    # cookie; a reader arriving from elsewhere on an English address is sent to their language.
    "django.middleware.locale.LocaleMiddleware",
    "citylearn.middleware.accept_language_redirect",
    "django.middleware.common.CommonMiddleware",
    # ETags on every GET: a client that revalidates gets a 304 with no body.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "citylearn.urls"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "citylearn.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Where make backup (manage.py backup_database) writes, one timestamped file per backup.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or BASE_DIR / "backups")

# One process keeps its own cache by default; several app servers share Redis (REDIS_URL).
# Redis is a cache, never a store: when it is unreachable, pages are served uncached
# (citylearn/cache.py) and /healthz says the cache is degraded.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "citylearn.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "citylearn",
            # A Redis that stops answering fails a call within a second instead of hanging a
            # worker; the API's rate limit then lets the request through (opendata/api.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Whole pages and facet counts: more than the default 300 entries.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# How long an anonymous page stays cached. A catalogue change invalidates at once every page
# in the same cache; with the local-memory cache each worker has its own, so another worker may
# serve a page this old: set REDIS_URL when running several workers or servers.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# How often each process checks whether the catalogue moved, to rebuild its catalogue index
# before a reader needs it (cases/catalogue_index.py); 0 leaves the rebuild to the first reader.
CATALOGUE_INDEX_WATCH_SECONDS = float(os.environ.get("CATALOGUE_INDEX_WATCH_SECONDS", "1"))
# After each rebuild the watcher also ranks, on PostgreSQL, the words that most practices hold
# (at least FREQUENT_WORD_MATCHES matches, the FREQUENT_WORDS most common) and keeps the best
# FREQUENT_WORD_BEST matches of each: a search for one of them reads its first pages from memory.
FREQUENT_WORD_MATCHES = int(os.environ.get("FREQUENT_WORD_MATCHES", "5000"))
FREQUENT_WORDS = int(os.environ.get("FREQUENT_WORDS", "64"))
FREQUENT_WORD_BEST = int(os.environ.get("FREQUENT_WORD_BEST", "1000"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes checks for a lockout before any password is compared.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The interface in English, French and Portuguese (pt: as written in Mozambique and Portugal).
# Catalogues live in locale/ (README, "Languages"); the .mo files are compiled by make install.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("pt", "Português")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats (citylearn/formats/): "3 March 2025", not Django's "March 3, 2025".
FORMAT_MODULE_PATH = ["citylearn.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A fresh clone serves static files without collectstatic when DEBUG is on.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the root of the site (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_outage": {"()": "citylearn.errors.DatabaseOutageLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A database outage is logged once a minute, not with a traceback per request.
    "loggers": {"django.request": {"filters": ["database_outage"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}


# Security. `manage.py check --deploy --fail-level WARNING` passes with the production
# environment documented in the README ("Security"). DJANGO_SECURE says the site is served over
# HTTPS: it redirects http to https, sends HSTS and marks cookies Secure. It defaults to on
# whenever DEBUG is off, so production cannot forget it; `make run` (DEBUG on) stays plain http,
# and the tests, which talk http to the test client and the live server, turn it off in pytest-env.
SECURE = env_bool("DJANGO_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A signed-in session lasts a working day; signing out flushes it (Django's LogoutView).
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a reverse proxy (nginx, a load balancer) set DJANGO_TRUSTED_PROXY_COUNT to the number
# of proxies in front of gunicorn. Only then are X-Forwarded-Proto (is the request https?) and
# X-Forwarded-For (the client address that sign-in throttling counts) believed; without a proxy
# a client could forge both.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT") or 0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content Security Policy: no inline script or style anywhere. The admin's few inline blocks
# carry the per-request nonce Django's CSP middleware issues.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Sign-in throttling (django-axes): five failures for one username from one address lock that
# pair out for 30 minutes; colleagues behind the same city-hall address can still sign in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The read-only open-data API (/api/, opendata/api.py): JSON only, anonymous (no session, no
# CSRF: every reader gets the same answer), a rate limit per client address. The address is
# REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_COUNT proxies the one they put in X-Forwarded-For.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["opendata.throttling.AddressRateThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "opendata.pagination.StrictPagination",
    # Every parameter is the API's own: no ?format= (JSON is the only format).
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CityLearn open data API",
    "DESCRIPTION": (
        "Read-only JSON: good practices, challenges, cities, events, people and sources of the "
        "CityLearn catalogue. Identifiers are slugs; lists are paginated."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": False,
}
