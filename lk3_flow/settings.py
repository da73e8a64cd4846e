"""Settings of the LK3 Flow site, read from the environment (see README.md)."""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

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
# Wraps the per-client keys of personal data in the audit log (audit/personal.py). Unset, a key
# derived from SECRET_KEY does; set it in production so that rotating SECRET_KEY leaves them be.
# A retired value goes to the fallbacks, or the keys it wrapped no longer open.
AUDIT_KEY_ENCRYPTION_KEY = env("AUDIT_KEY_ENCRYPTION_KEY", default="")
AUDIT_KEY_ENCRYPTION_KEY_FALLBACKS = env.list("AUDIT_KEY_ENCRYPTION_KEY_FALLBACKS", default=[])
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
    "csp",
    "django_ratelimit",
    "viewflow",
    "viewflow.workflow",
    "lk3_flow",
    "workdays",
    "flows",
    "letters",
    "audit",
    "auditor",
    "permissions",
    "home",
    "regions",
    "attachments",
    "casenotes",
    "desk",
    "plans",
    "notifications",
    "reminders",
    "reports",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before the session is read, and may be cached; every
    # response from below is private (PrivateResponseMiddleware) and under the CSP.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lk3_flow.middleware.PrivateResponseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads a request body (the CSRF check reads POST).
    "lk3_flow.uploads.UploadLimitMiddleware",
    "lk3_flow.middleware.RequestHygieneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lk3_flow.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "lk3_flow.middleware.SiteLayoutMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    "axes.middleware.AxesMiddleware",
    "audit.context.AuditContextMiddleware",
    "flows.conflicts.ProcessBusyMiddleware",
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
                "notifications.context_processors.unread_notifications",
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
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles (JIT) a query it expects to be long, such as the periodic report's
    # counts over a year of cases, and the compiling cost more than it saved (300 of 540 ms,
    # measured): the site's queries are short, and its longest ones are few.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

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

# How long the head's home page keeps its counts over every open case before counting again
# (home.office); 0 counts on every view.
LK3_OFFICE_COUNTS_SECONDS = env.int("LK3_OFFICE_COUNTS_SECONDS", default=60)

# Requests per client address on the public verification pages (django-ratelimit rates).
LK3_PUBLIC_RATE = env("LK3_PUBLIC_RATE", default="30/m")
LK3_PUBLIC_UPLOAD_RATE = env("LK3_PUBLIC_UPLOAD_RATE", default="20/h")
# Audit events are sealed into the hash chain after commit by `manage.py run_worker`: a round
# every AUDIT_SEAL_INTERVAL seconds, and AUDIT_SEAL_BOUND the longest wait auditors are promised.
AUDIT_SEAL_INTERVAL = env.float("AUDIT_SEAL_INTERVAL", default=1.0)
AUDIT_SEAL_BOUND = env.float("AUDIT_SEAL_BOUND", default=10.0)
# The background worker (letter files, sealing) runs at this CPU niceness, below the pages.
LK3_WORKER_NICENESS = env.int("LK3_WORKER_NICENESS", default=10)
# The office's regency by its Kemendagri code: addresses are chosen from its districts and
# villages (`manage.py load_regions` adds another regency's).
LK3_REGENCY_CODE = env("LK3_REGENCY_CODE", default="36.02")
VIEWFLOW = {
    "WIDGET_RENDERERS": {"lk3_flow.fields.NativeSelect": "lk3_flow.renderers.NativeSelectRenderer"}
}
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
# Attempts are kept under the account they were for, never under whatever was typed.
AXES_USERNAME_CALLABLE = "permissions.logins.axes_username"

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

# HTTPS. With DEBUG off the site is HTTPS only unless the environment says otherwise: the
# session and CSRF cookies are Secure (so a login over plain HTTP never works anyway), plain
# HTTP is redirected and browsers are told by HSTS to use HTTPS for a year. Behind a proxy that
# ends TLS, name the header it sets (e.g. `HTTP_X_FORWARDED_PROTO,https`), or Django sees HTTP.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_COOKIES)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_COOKIES)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None) or None
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise environ.ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is a header and its value, e.g. HTTP_X_FORWARDED_PROTO,https."
    )

# Content Security Policy (django-csp): scripts only from this site's own static files (none of
# our pages has an inline script or handler), nothing loaded from elsewhere, no framing, forms
# posted only here. Inline styles stay allowed: viewflow's templates and its Material
# components set them throughout; CSS cannot send data anywhere, since images, fonts and
# connections are restricted to this site too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lk3_flow" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Mail (password reset links): e.g. EMAIL_URL=smtp+tls://user:password@mail.example.org:587.
# With DEBUG on and no EMAIL_URL, messages are printed on the console instead of sent.
vars().update(env.email("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="LK3 Flow <noreply@localhost>")

EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# The job queue (django-tasks) that sends e-mail: a table of the database by default, worked by
# `manage.py db_worker`; Redis for a larger site (JOB_QUEUE_URL=redis://host:6379/2), worked by
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default`.
JOB_QUEUE_URL = env("JOB_QUEUE_URL", default="")
if JOB_QUEUE_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": JOB_QUEUE_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A notification's e-mail claimed longer ago than this (seconds) belongs to a worker that died,
# and is sent again; longer than EMAIL_TIMEOUT, so a live worker is never overtaken.
NOTIFICATION_EMAIL_LEASE = env.int("NOTIFICATION_EMAIL_LEASE", default=120)
NOTIFICATION_EMAIL_ATTEMPTS = env.int("NOTIFICATION_EMAIL_ATTEMPTS", default=6)
# The first retry's wait; each next one waits twice as long (1, 2, 4, 8, 16 minutes).
NOTIFICATION_EMAIL_RETRY_SECONDS = env.int("NOTIFICATION_EMAIL_RETRY_SECONDS", default=60)
# The heads' daily digest goes out on the first worker round after this hour (Jakarta time).
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)

# The address people outside the office use to reach the letter verification page.
LK3_PUBLIC_URL = env("LK3_PUBLIC_URL", default="http://127.0.0.1:8000")

# Every letter is signed (PAdES) with the institution's certificate (letters/signing.py), whose
# key LK3_SIGNING_KEY says where to find: "pkcs12" (a file and its passphrase) or "pkcs11" (a
# token: the module's path, the token's and the key's labels, the PIN). "local-ca", the default
# with DEBUG, signs with a certificate authority of this installation made under
# LK3_LOCAL_CA_DIR, which nobody else trusts: for the demo only. Without a key no letter file is
# made (the letters wait, and `check --deploy` says why).
LK3_SIGNING_KEY = env("LK3_SIGNING_KEY", default="local-ca" if DEBUG else "")
LK3_SIGNING_PKCS12_FILE = env("LK3_SIGNING_PKCS12_FILE", default="")
LK3_SIGNING_PKCS12_PASSPHRASE = env("LK3_SIGNING_PKCS12_PASSPHRASE", default="")
LK3_SIGNING_PKCS11_MODULE = env("LK3_SIGNING_PKCS11_MODULE", default="")
LK3_SIGNING_PKCS11_TOKEN = env("LK3_SIGNING_PKCS11_TOKEN", default="")
LK3_SIGNING_PKCS11_KEY = env("LK3_SIGNING_PKCS11_KEY", default="")
LK3_SIGNING_PKCS11_PIN = env("LK3_SIGNING_PKCS11_PIN", default="")
# PEM files of the root certificates a letter's certificate must chain to for the verification
# page to call it trusted (the local authority's own root is added in "local-ca").
LK3_SIGNING_TRUST_ROOTS = env.list("LK3_SIGNING_TRUST_ROOTS", default=[])
LK3_LOCAL_CA_DIR = env.path("LK3_LOCAL_CA_DIR", default=BASE_DIR / "var" / "signing")

# The audit log remembers each actor's roles as this function names them (the log's core knows
# nothing of the office's roles).
AUDIT_ROLE_RESOLVER = "permissions.roles.role_names_of"

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "lk3_flow.static_files.AppDirectoriesFinder",
]
# In production WhiteNoise serves what `collectstatic` gathered: names carry a hash of the
# content, so browsers may keep them for ever, and each has a compressed copy beside it.
STORAGES = {
    # Case letters live here: readable by the service's own user only (letters.files). Static
    # files keep the usual modes, so that a web server in front may serve them.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Source maps are read only by a developer's browser tools: compressing them (a third of the
# bytes) would only slow `collectstatic`.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# Error pages show the request number; every log line carries it, so a quoted number finds its
# traceback.
CSRF_FAILURE_VIEW = "lk3_flow.errors.csrf_failure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lk3_flow.errors.RequestIdFilter"}},
    "formatters": {
        "with_request": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "with_request",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
