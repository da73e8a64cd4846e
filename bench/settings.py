"""Benchmark settings: the project's own, on a PostgreSQL database of its own."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lk3_bench"
)

from lk3_flow.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Logins in the load run should cost what a page costs, not a deliberately slow hash.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
MEDIA_ROOT = BASE_DIR / "var" / "bench-media"  # noqa: F405
# Letters are signed as in production, by a key of the bench's own certificate authority.
LK3_SIGNING_KEY = "local-ca"
LK3_LOCAL_CA_DIR = BASE_DIR / "var" / "bench-signing"  # noqa: F405
# Loopback HTTP, no TLS proxy in front: the production redirect to HTTPS would answer every page.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# As in production, WhiteNoise serves what `collectstatic` gathered (`bench.run` gathers it here).
STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # noqa: F405
# Hashed names as in production; locust fetches no assets, so compressing them would only cost.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
