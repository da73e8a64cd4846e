"""Production settings: HTTPS from the environment, a Content-Security-Policy, private responses.

The settings module reads the environment once, at import, so the settings of a production
install are read in a process of their own, started with the environment the README names.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from letters.models import Letter
from tests.factories import PASSWORD

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
# Sources of PDFs drawn by WeasyPrint (they load its `lk3-asset:` files), never served to a
# browser as pages.
PDF_TEMPLATE = re.compile(r'lk3-asset:|extends "letters/base\.html"')


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production install as the README describes it, signing letters
    with the suite's PKCS#12 key."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_", "LK3_SIGNING_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lk3_flow.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "lk3.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://lk3.example.org",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "LK3_SIGNING_KEY": "pkcs12",
            "LK3_SIGNING_PKCS12_FILE": settings.LK3_SIGNING_PKCS12_FILE,
            "LK3_SIGNING_PKCS12_PASSPHRASE": settings.LK3_SIGNING_PKCS12_PASSPHRASE,
            "LK3_SIGNING_TRUST_ROOTS": ",".join(settings.LK3_SIGNING_TRUST_ROOTS),
        }
    )
    env.update(overrides)
    return env


def settings_of(env: dict[str, str], *names: str) -> dict:
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_with_production_settings_prints_no_warning():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_check_deploy_fails_without_a_key_to_sign_letters():
    env = production_env()
    del env["LK3_SIGNING_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "letters.E001" in result.stderr and "LK3_SIGNING_KEY is not set" in result.stderr


def test_https_is_on_by_default_without_debug():
    values = settings_of(
        production_env(),
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_https_settings_come_from_the_environment():
    values = settings_of(
        production_env(
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
            SECURE_HSTS_PRELOAD="false",
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_SCHEME,https",
            SECURE_COOKIES="false",
        ),
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_SCHEME", "https"],
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
    }


def test_a_proxy_header_without_its_value_is_refused_at_start():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=production_env(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"),
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER is a header and its value" in result.stderr


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_private(response) -> None:
    assert response.headers["Cache-Control"] == "no-store"
    assert "camera=()" in response.headers["Permissions-Policy"]
    policy = policy_of(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_every_page_and_file_with_case_data_is_private_and_under_the_policy(client, office):
    case = office.register()
    letter = Letter.objects.filter(case=case).first()
    assert letter is not None
    client.force_login(office.head)
    for url in [
        reverse("cases:index"),
        reverse("cases:detail", args=[case.pk]),
        reverse("letter_download", args=[letter.pk]),
        "/case/inbox/",
        "/no-such-page/",
    ]:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert_private(response)
    client.force_login(office.auditor)
    for url in [
        reverse("audit:timeline", args=[case.pk]),
        reverse("audit:timeline_csv", args=[case.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response)


@pytest.mark.django_db
def test_public_pages_are_private_and_under_the_policy_too(client, office):
    case = office.register()
    letter = Letter.objects.filter(case=case).first()
    for url in [reverse("login"), reverse("verify_letter", args=[letter.token])]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response)


def served_templates() -> list[Path]:
    return [path for path in TEMPLATES.rglob("*.html") if not PDF_TEMPLATE.search(path.read_text())]


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|<style|\sstyle\s*=", re.I
)


def test_no_served_template_has_inline_script_or_style():
    """The policy runs no inline script; our own pages need no inline style either."""
    offenders = {
        str(path.relative_to(TEMPLATES)): INLINE_SCRIPT.findall(path.read_text())
        for path in served_templates()
    }
    assert {name: found for name, found in offenders.items() if found} == {}
    assert len(offenders) > 20


# A production start, as the README describes it: collectstatic, then gunicorn behind a proxy
# that ends TLS and says so in X-Forwarded-Proto.
HOST = "lk3.example.org"
BEHIND_TLS = {"Host": HOST, "X-Forwarded-Proto": "https"}
STATIC_REFERENCE = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def database_url() -> str:
    """The test database, for a server process of its own."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """Plain HTTP to the server, with every header set by hand (its cookies are Secure)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
    ) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()


@pytest.fixture
def production_server(tmp_path) -> Iterator[Server]:
    env = production_env(
        DATABASE_URL=database_url(),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "lk3_flow.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{port}"],
            env=env,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield Server(port)
    finally:
        process.terminate()
        process.wait(timeout=30)


def cookie(response: http.client.HTTPResponse, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(f"{name}="):
            assert "Secure" in header
            return header.split(";", 1)[0]
    raise AssertionError(f"no {name} cookie")


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_login_page_its_static_files_and_a_login(production_server, office):
    plain, _body = production_server.request("GET", "/accounts/login/", {"Host": HOST})
    assert plain.status == 301
    assert plain.headers["Location"] == f"https://{HOST}/accounts/login/"

    page, body = production_server.request("GET", "/accounts/login/", BEHIND_TLS)
    assert page.status == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    html = body.decode()
    assert 'name="username"' in html

    # Every file the page loads is there, of the right type, cacheable for ever (its name
    # carries its hash) and compressed for a browser that asks.
    references = set(STATIC_REFERENCE.findall(html))
    assert any(ref.endswith(".js") for ref in references)
    assert any(ref.endswith(".css") for ref in references)
    kinds = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    for reference in references:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", reference), reference
        headers = {**BEHIND_TLS, "Accept-Encoding": "gzip"}
        static, content = production_server.request("GET", reference, headers)
        assert static.status == 200, reference
        kind = kinds[Path(reference).suffix]
        assert static.headers["Content-Type"].startswith(kind), reference
        assert "immutable" in static.headers["Cache-Control"], reference
        assert "no-store" not in static.headers["Cache-Control"], reference
        if kind != "image/png":
            assert static.headers["Content-Encoding"] == "gzip", reference
        assert content

    # A login through the same stack reaches the database, and what follows is private. The
    # server checks passwords with production's hasher, not the tests' fast one.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    get_user_model().objects.filter(pk=office.head.pk).update(password=hashed)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf = cookie(page, "csrftoken")
    form = {"username": office.head.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    login, _body = production_server.request(
        "POST",
        "/accounts/login/",
        {
            **BEHIND_TLS,
            "Cookie": csrf,
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/accounts/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        urlencode(form),
    )
    assert login.status == 302, _body.decode()[-2000:]
    session = cookie(login, "sessionid")
    cases, body = production_server.request(
        "GET", reverse("cases:index"), {**BEHIND_TLS, "Cookie": f"{csrf}; {session}"}
    )
    assert cases.status == 200
    assert cases.headers["Cache-Control"] == "no-store"
    assert office.head.first_name in body.decode()
