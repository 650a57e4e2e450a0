"""
Settings for the Shared Responsibility Trainer.

Production differs from development only by environment variables. Every value is
read through a small helper that raises ImproperlyConfigured on a bad value, so a
typo in a deployment fails at start-up instead of silently falling back.
"""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable `name`, or `default`; raise if neither exists."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything other than the usual spellings is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Read a comma-separated list; raise when required and missing."""
    raw = os.environ.get(name)
    if raw is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a whole number of zero or more; anything else is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}."
        ) from None
    if value < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, not {raw!r}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", True)

if DEBUG:
    SECRET_KEY = env_str(
        "DJANGO_SECRET_KEY", "insecure-development-key-never-use-in-production"
    )
    ALLOWED_HOSTS = env_list(
        "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"]
    )
else:
    # Set but empty is as bad as unset: Django would start and answer every
    # request with an error. The key rule is Django's own (security.W009).
    SECRET_KEY = env_str("DJANGO_SECRET_KEY").strip()
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be at least 50 characters with at least 5 "
            "different ones; generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must name at least one host, such as "
            "trainer.example.org."
        )

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    # LTI 1.3 registrations, deployments, keys and launch rows (lti/ builds on it).
    "lti_tool",
]
LOCAL_APPS = [
    "accounts",
    "curriculum",
    "responsibility",
    "quizzes",
    "exercises",
    "workshops",
    "labs",
    "lti",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside the CSP middleware, outside sessions and CSRF: lets the pages of an
    # LTI launch be framed by its platform, with SameSite=None cookies.
    "lti.middleware.LtiFramingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.csp",
                "config.context_processors.navigation",
                "workshops.context_processors.workshop_return",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Backups keep datetimes to the microsecond (accounts/exactjson.py).
SERIALIZATION_MODULES = {"exactjson": "accounts.exactjson"}

# SQLite by default. WAL lets readers work while one writer commits, and IMMEDIATE
# transactions take the write lock at BEGIN, so concurrent writers queue on the
# busy timeout instead of failing with "database is locked" mid-transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
# Connections persist for a minute on either database: opening a SQLite connection
# (with its pragmas and Django's SQL functions) costs more than a typical query.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS

# What pages build from the curriculum, per process (curriculum/cache.py). Keys
# carry the curriculum's version token, so a content change needs no expiry: the
# entries of older tokens are culled, least recently used first, as it fills.
# One version is a few hundred entries (questions, exercises, quizzes, fragments).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "curriculum": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "curriculum",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
    # A trainee's last check result as rendered on the exercise page
    # (exercises/views.py): a result never changes, so it is rendered once per
    # process, not on every visit. A few KB each; the oldest go first.
    "results": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "results",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Checks lockouts before any password is hashed, then defers to the next one.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login brute force: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair waits AXES_COOLOFF_TIME. Counting the pair, not the address,
# keeps a classroom behind one NAT from being locked out by a few typos. Counters
# live in the database, shared by every app server. The admin login is covered.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_VERBOSE = False
# Leaves out guests' sign-ins, which use no password (accounts/axes.py).
AXES_HANDLER = "accounts.axes.TrainerAxesHandler"

# Workshop joins (workshops/throttling.py; the arithmetic is in the README).
# Wrong codes allowed per browser session in a window, per network a day and
# for the whole site a day; past the shared allowances only codes of workshops
# already joined from that network (and signed join links) are accepted.
WORKSHOP_JOIN_WINDOW_SECONDS = env_int("DJANGO_WORKSHOP_JOIN_WINDOW_SECONDS", 600)
WORKSHOP_JOIN_FAILURES_PER_SESSION = env_int(
    "DJANGO_WORKSHOP_JOIN_FAILURES_PER_SESSION", 10
)
WORKSHOP_JOIN_FAILURES_PER_ADDRESS = env_int(
    "DJANGO_WORKSHOP_JOIN_FAILURES_PER_ADDRESS", 100
)
WORKSHOP_JOIN_FAILURES_PER_DAY = env_int("DJANGO_WORKSHOP_JOIN_FAILURES_PER_DAY", 2000)
# Successful joins: new guest accounts per network in the window above, and new
# participants per workshop a minute.
WORKSHOP_GUESTS_PER_ADDRESS = env_int("DJANGO_WORKSHOP_GUESTS_PER_ADDRESS", 100)
WORKSHOP_JOINS_PER_MINUTE = env_int("DJANGO_WORKSHOP_JOINS_PER_MINUTE", 600)
# The request header holding the client address for those counts; behind a
# reverse proxy, HTTP_X_FORWARDED_FOR (whose right-most address is used).
# Policy checks and simulations: allowed per user and per client address in a
# window, and at once per server process (accounts/throttle.py, exercises/views.py).
EXERCISE_CHECK_WINDOW_SECONDS = env_int("DJANGO_EXERCISE_CHECK_WINDOW_SECONDS", 60)
EXERCISE_CHECKS_PER_USER = env_int("DJANGO_EXERCISE_CHECKS_PER_USER", 10)
EXERCISE_SIMULATIONS_PER_USER = env_int("DJANGO_EXERCISE_SIMULATIONS_PER_USER", 30)
EXERCISE_CHECKS_PER_CLIENT = env_int("DJANGO_EXERCISE_CHECKS_PER_CLIENT", 300)
EXERCISE_CHECKS_AT_ONCE = env_int("DJANGO_EXERCISE_CHECKS_AT_ONCE", 2)
# Checks of large policies (exercises/services.py) running at once on this host,
# every server process together, and the folder of the lock files that count
# them (one per database, so two sites on one host do not share).
EXERCISE_LARGE_CHECKS_AT_ONCE = env_int("DJANGO_EXERCISE_LARGE_CHECKS_AT_ONCE", 1)
EXERCISE_SLOT_DIR = env_str(
    "DJANGO_EXERCISE_SLOT_DIR",
    os.path.join(
        tempfile.gettempdir(),
        "srt-check-slots-"
        + hashlib.sha256(str(DATABASES["default"]).encode()).hexdigest()[:12],
    ),
)
WORKSHOP_CLIENT_IP_HEADER = env_str("DJANGO_WORKSHOP_CLIENT_IP_HEADER", "REMOTE_ADDR")

# Email: password reset links. Development prints them on the console; production
# sends them through the SMTP server named by the DJANGO_EMAIL_* variables.
_email_port = env_int("DJANGO_EMAIL_PORT", 25)
if not 1 <= _email_port <= 65535:
    raise ImproperlyConfigured(
        f"DJANGO_EMAIL_PORT must be a port number from 1 to 65535, not {_email_port}."
    )
EMAIL_SMTP_OPTIONS = {
    "host": env_str("DJANGO_EMAIL_HOST", "localhost").strip(),
    "port": _email_port,
    "username": env_str("DJANGO_EMAIL_HOST_USER", ""),
    "password": env_str("DJANGO_EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
    "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", False),
    "timeout": env_int("DJANGO_EMAIL_TIMEOUT_SECONDS", 10),
}
if not EMAIL_SMTP_OPTIONS["host"]:
    raise ImproperlyConfigured(
        "DJANGO_EMAIL_HOST must name the SMTP server, such as smtp.example.org."
    )
if EMAIL_SMTP_OPTIONS["use_tls"] and EMAIL_SMTP_OPTIONS["use_ssl"]:
    raise ImproperlyConfigured(
        "Set at most one of DJANGO_EMAIL_USE_TLS (STARTTLS, usually port 587) and "
        "DJANGO_EMAIL_USE_SSL (implicit TLS, usually port 465)."
    )
if not EMAIL_SMTP_OPTIONS["timeout"]:
    raise ImproperlyConfigured("DJANGO_EMAIL_TIMEOUT_SECONDS must be at least 1.")
MAILERS = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if DEBUG
    else {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": EMAIL_SMTP_OPTIONS,
    }
}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost").strip()
if "@" not in DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        "DJANGO_DEFAULT_FROM_EMAIL must be an email address, such as "
        f"trainer@example.org, not {DEFAULT_FROM_EMAIL!r}."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Password reset requests: per client address in a window (then 429), and per
# email address (past it no more mail goes out; the page does not say so).
PASSWORD_RESET_WINDOW_SECONDS = env_int("DJANGO_PASSWORD_RESET_WINDOW_SECONDS", 3600)
PASSWORD_RESETS_PER_CLIENT = env_int("DJANGO_PASSWORD_RESETS_PER_CLIENT", 20)
PASSWORD_RESETS_PER_EMAIL = env_int("DJANGO_PASSWORD_RESETS_PER_EMAIL", 3)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
# The trainer is written in English only; without the translation machinery
# every template tag, filter and form message skips a per-request lookup.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Compressed, content-hashed static files served by whitenoise in production; in
# development the plain storage avoids a collectstatic step.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Content-Security-Policy: scripts only from our own origin or with the
# per-request nonce; no inline script, no eval, nothing from another site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Database sessions (shared by every app server); a login writes its row once.
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Requests larger than this are refused with 400 before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
