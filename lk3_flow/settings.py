"""Settings of the LK3 Flow site, read from the environment (see README.md)."""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    SESSION_IDLE_SECONDS=(int, 30 * 60),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise environ.ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=true).")
    SECRET_KEY = "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "guardian",
    "axes",
    "django_ratelimit",
    "viewflow",
    "viewflow.workflow",
    "lk3_flow",
    "flows",
    "letters",
    "audit",
    "permissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a request body (the CSRF check reads POST).
    "lk3_flow.uploads.UploadLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lk3_flow.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    "axes.middleware.AxesMiddleware",
    "audit.context.AuditContextMiddleware",
]

ROOT_URLCONF = "lk3_flow.urls"

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

WSGI_APPLICATION = "lk3_flow.wsgi.application"

EMBEDDED_DATABASE = BASE_DIR / "var" / "lk3.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{EMBEDDED_DATABASE}")}
# A connection kept for a while spares PostgreSQL a new backend process on every request; the
# health check replaces one the server has dropped. `?conn_max_age=0` in the URL turns it off.
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins, so concurrent writers queue up
    # instead of failing with "database is locked" halfway through a step.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    if DATABASES["default"]["NAME"] == str(EMBEDDED_DATABASE):
        EMBEDDED_DATABASE.parent.mkdir(exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The public pages' rate limits count in the "shared" cache, which every app server must reach:
# a table of the database by default, Redis for a larger site (CACHE_URL=redis://host:6379/1).
# The default cache stays in each process's memory (viewflow caches template fragments there).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": env.cache_url("CACHE_URL", default="dbcache://lk3_cache?max_entries=20000"),
}
if CACHES["shared"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    CACHES["shared"]["BACKEND"] = "lk3_flow.cache.DatabaseCache"
RATELIMIT_USE_CACHE = "shared"
# django-ratelimit warns about every backend it has not tested. Both used here increment
# atomically: the database cache of lk3_flow.cache (not Django's, which ratelimit rightly refuses)
# and Django's Redis cache (INCRBY).
if CACHES["shared"]["BACKEND"] in {
    "lk3_flow.cache.DatabaseCache",
    "django.core.cache.backends.redis.RedisCache",
}:
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Requests per client address on the public verification pages (django-ratelimit rates).
LK3_PUBLIC_RATE = env("LK3_PUBLIC_RATE", default="30/m")
LK3_PUBLIC_UPLOAD_RATE = env("LK3_PUBLIC_UPLOAD_RATE", default="20/h")
# Addresses (or networks) of the reverse proxies in front; only their X-Forwarded-For is believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# A request body larger than this is refused before it is read (lk3_flow.uploads); an upload
# within it stays in memory, so no temporary file is written.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Five wrong passwords for one account from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "permissions/locked_out.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = env("SESSION_IDLE_SECONDS")
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lk3_flow" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# The address people outside the office use to reach the letter verification page.
LK3_PUBLIC_URL = env("LK3_PUBLIC_URL", default="http://127.0.0.1:8000")

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    # Case letters live here: readable by the service's own user only (letters.files). Static
    # files keep the usual modes, so that a web server in front may serve them.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
