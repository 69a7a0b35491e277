"""Settings for Lưu trữ chính sách di cư, read from the environment.

Production is the default: DEBUG is off and SECRET_KEY must be given unless DEBUG=1.
`make run` and `make test` set DEBUG=1 and a DATABASE_URL for the embedded server.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    """Return an environment variable read as a boolean ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Return a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if "DATABASE_URL" not in os.environ:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start an embedded "
        "PostgreSQL when it is unset, or point DATABASE_URL at a PostgreSQL server."
    )
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}

# The whole site needs a login when an internal deployment asks for it (LOGIN_REQUIRED=1).
ARCHIVE_LOGIN_REQUIRED = env_flag("LOGIN_REQUIRED")

INSTALLED_APPS = [
    "archive.apps.ArchiveAdminConfig",  # django.contrib.admin on the archive's own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "archive.middleware.ChosenLanguageMiddleware",
    "archive.middleware.RefusedRequestMiddleware",  # in the chosen language, before CSRF reads
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "archive.middleware.SiteNotFoundMiddleware",  # inside CommonMiddleware: a slash still added
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
if ARCHIVE_LOGIN_REQUIRED:
    # Django 5.1+: every view needs a login except those marked login_not_required
    # (the admin's login page among them).
    MIDDLEWARE.append("django.contrib.auth.middleware.LoginRequiredMiddleware")

ROOT_URLCONF = "archive.urls"
# The import's review sends its text back with the form, URL-encoded: up to three bytes for each
# byte of the 5 MB a file may hold (ingest/decode.py). Django's 2.5 MB refused the save of any
# text over about 1.4 MB, after its analysis had been shown.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# A form sent after its session's token changed (a long edit, a second tab logged out): the site's
# own page, in the user's language, saying what to do (Django's is English).
CSRF_FAILURE_VIEW = "archive.views.csrf_failure"
WSGI_APPLICATION = "archive.wsgi.application"
LOGIN_URL = "admin:login"

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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["archive.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, hashed files served by WhiteNoise; in DEBUG the plain finder-based storage
    # keeps `runserver` and the tests free of a collectstatic step.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Search results pages are cached in the database (shared by every gunicorn worker, nothing more
# to run), keyed by the normalised query and the archive's search generation (0006, 0008),
# so an edit is never served stale. Entries are small: counts and the ids of the first pages.
# SEARCH_CACHE_SECONDS=0 switches the cache off (every search computed, entries already in the
# table ignored), as the benchmark's uncached load run does.
CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "86400"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "archive_cache",
        "TIMEOUT": CACHE_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
    if CACHE_SECONDS
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
}

# Production hardening; `manage.py check --deploy` is clean with DEBUG off and HTTPS in front.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
