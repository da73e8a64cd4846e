"""Test settings: the project's own, with a fixed key and fast password hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use")

from lk3_flow.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and the browser tests' live server speak plain HTTP; production settings
# redirect it (tests/test_production.py checks them in a process of their own).
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files straight from the apps, as the development server serves them; nothing is
# collected (tests/test_production.py collects them for its production server).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared memory: the browser tests' live server writes from several threads,
    # and shared-memory SQLite answers concurrent writers with "table is locked".
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}  # noqa: F405

# Every test reads the office's counts as they are, not as a previous request counted them.
LK3_OFFICE_COUNTS_SECONDS = 0
