"""A minimal Django site that is not LK3 Flow's own: what a host adds to use it as a plugin."""

import os

SECRET_KEY = "host-site-test-key-with-enough-length-for-checks"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "host_urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "lk3_flow",
    "workdays",
    "flows",
    "letters",
    "audit",
    "permissions",
    "regions",
    "attachments",
    "casenotes",
    "desk",
    "plans",
    "notifications",
    "django_tasks",
    "django_tasks_db",
    "reminders",
]
MIDDLEWARE = [
    "lk3_flow.uploads.UploadLimitMiddleware",
    "lk3_flow.middleware.RequestHygieneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lk3_flow.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "audit.context.AuditContextMiddleware",
    "flows.conflicts.ProcessBusyMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["HOST_DB_PATH"]}
}
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
STATIC_URL = "static/"
LK3_PUBLIC_URL = "https://host.example"
LANGUAGE_CODE = "id"
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The job queue that sends notification e-mail, in the host's database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
