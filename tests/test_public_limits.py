"""The public verification pages: rate limits per address, bounded bodies, tallied checks.

Runs against the configured cache: the database cache by default, and Redis in CI's second pass
(CACHE_URL=redis://127.0.0.1:6379/1).
"""

import ipaddress
import threading
import uuid

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from letters.models import Letter, VerificationTally
from letters.services import rendered
from lk3_flow.throttling import client_address, per_address
from lk3_flow.uploads import ENVELOPE_BYTES


@pytest.fixture(autouse=True)
def _empty_cache(db):
    """Counters of earlier tests would count here too (Redis keeps them past a rollback)."""
    caches["shared"].clear()


@pytest.fixture
def letter(office) -> Letter:
    return rendered(Letter.objects.filter(case=office.register()).first())


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def verify_url(letter: Letter) -> str:
    return reverse("verify_letter", args=[letter.token])


def test_checks_are_tallied_per_letter_and_day_not_chained(letter):
    public = from_address("203.0.113.5")
    with letter.pdf.open("rb") as stored:
        original = stored.read()
    chained = AuditEvent.objects.count()
    for _ in range(3):
        assert public.get(verify_url(letter)).status_code == 200
    public.post(verify_url(letter), {"pdf": SimpleUploadedFile("a.pdf", original)})
    public.post(verify_url(letter), {"pdf": SimpleUploadedFile("a.pdf", original + b"%")})
    assert AuditEvent.objects.count() == chained
    tally = VerificationTally.objects.get(letter=letter)
    assert (tally.views, tally.matches, tally.mismatches) == (3, 1, 1)


@override_settings(LK3_PUBLIC_RATE="3/m")
def test_public_pages_are_limited_per_address(letter):
    crowd = from_address("198.51.100.7")
    assert crowd.get(verify_url(letter)).status_code == 200
    assert crowd.get(reverse("verify_letter_by_code")).status_code == 200
    assert crowd.get(verify_url(letter)).status_code == 200
    refused = crowd.get(verify_url(letter))
    assert refused.status_code == 429
    assert crowd.post(reverse("verify_letter_by_code"), {"code": "X"}).status_code == 429
    assert VerificationTally.objects.get(letter=letter).views == 2
    assert from_address("198.51.100.8").get(verify_url(letter)).status_code == 200


@override_settings(LK3_PUBLIC_UPLOAD_RATE="2/h")
def test_uploads_are_limited_per_address(letter):
    public = from_address("192.0.2.44")
    for _ in range(2):
        page = public.post(verify_url(letter), {"pdf": SimpleUploadedFile("a.pdf", b"%PDF")})
        assert page.status_code == 200
    third = public.post(verify_url(letter), {"pdf": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert third.status_code == 429
    assert public.get(verify_url(letter)).status_code == 200
    assert VerificationTally.objects.get(letter=letter).mismatches == 2


def test_an_oversize_body_is_refused_before_it_is_read(letter, settings):
    declared = str(settings.UPLOAD_MAX_BYTES + ENVELOPE_BYTES + 1)
    public = from_address("192.0.2.45")
    # The body is one byte: the test client fails the request if anything reads past it.
    for url in (verify_url(letter), reverse("login")):
        refused = public.post(
            url, b"x", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=declared
        )
        assert refused.status_code == 413
    nonsense = public.post(
        verify_url(letter), b"x", content_type="text/plain", CONTENT_LENGTH="1e9"
    )
    assert nonsense.status_code == 400
    assert not VerificationTally.objects.exists()


def test_a_file_over_the_limit_within_the_envelope_gets_the_form_message(letter, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    page = from_address("192.0.2.46").post(
        verify_url(letter), {"pdf": SimpleUploadedFile("a.pdf", b"%" * 1025)}
    )
    assert page.status_code == 200 and page.context["form"].errors["pdf"]
    assert not VerificationTally.objects.exists()


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a proxy: its header is ignored
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.3", "198.51.100.1"),  # left part forged
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "nonsense", "10.0.0.2"),
    ],
)
@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_forwarded_for_is_believed_only_from_trusted_proxies(remote, forwarded, client):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == ipaddress.ip_address(client)


def test_an_ipv6_subscriber_is_one_key_for_its_whole_range():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert per_address("g", one) == per_address("g", other) == "2001:db8:1:2::/64"
    assert per_address("g", RequestFactory().get("/", REMOTE_ADDR="")) == "unknown"


@pytest.mark.django_db(transaction=True)
def test_parallel_increments_are_all_counted():
    """What a rate limit relies on: requests at the same moment each add one."""
    cache = caches["shared"]
    key = f"count-{uuid.uuid4().hex}"
    cache.add(key, 0, 60)
    workers, each = 6, 15
    errors: list[BaseException] = []

    def count() -> None:
        try:
            for _ in range(each):
                cache.incr(key)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert cache.get(key) == workers * each


def test_those_who_read_the_case_see_how_often_each_letter_was_checked(client, office, letter):
    public = from_address("203.0.113.77")
    for _ in range(2):
        public.get(verify_url(letter))
    client.force_login(office.head)
    page = client.get(reverse("cases:detail", args=[letter.case_id]))
    checked = {row.pk: row.public_checks for row in page.context["letters"]}
    assert checked[letter.pk] == 2 and set(checked.values()) == {0, 2}
