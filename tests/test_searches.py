"""Personal data stays out of URLs and the log: searches go by key, failed log-ins by account."""

import csv
import io
import json
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from lk3_flow.searches import KEPT, PARAMETER
from permissions.selectors import mask_name
from tests.factories import PASSWORD, in_english, search

pytestmark = pytest.mark.django_db

KEY_URL = re.compile(rf"^/[\w/-]*\?{PARAMETER}=[\w-]+$")


def all_audit_text() -> str:
    return json.dumps(
        list(AuditEvent.objects.values("actor_name", "object_label", "details")), default=str
    )


def test_a_search_posts_and_the_url_names_it_by_key(client, office):
    wanted = office.register(full_name="Siti Aminah")
    other = office.register(full_name="Dewi Lestari")
    client.force_login(office.head)
    response = client.post(reverse("cases:index"), {"q": "Aminah", "stage": ""})
    assert response.status_code == 302
    assert KEY_URL.match(response.url), response.url
    assert "Aminah" not in response.url
    html = client.get(response.url).content.decode()
    assert wanted.number in html and other.number not in html
    assert 'value="Aminah"' in html  # the form still shows what was searched


def test_terms_in_a_query_string_no_longer_search(client, office):
    office.register(full_name="Siti Aminah")
    other = office.register(full_name="Dewi Lestari")
    client.force_login(office.head)
    assert other.number in client.get(reverse("cases:index"), {"q": "Aminah"}).content.decode()


def test_a_key_works_only_in_the_session_that_made_it(client, office):
    office.register(full_name="Siti Aminah")
    other = office.register(full_name="Dewi Lestari")
    client.force_login(office.head)
    url = client.post(reverse("cases:index"), {"q": "Aminah"}).url
    stranger = in_english(Client())
    stranger.force_login(office.head)
    html = stranger.get(url).content.decode()
    assert other.number in html
    assert "That search is no longer available." in html
    # Nor on another page of the same session.
    audit_url = reverse("audit:index") + url[url.index("?") :]
    client.force_login(office.auditor)
    assert client.get(audit_url).status_code == 200


def test_a_session_keeps_a_bounded_number_of_searches(client, office):
    client.force_login(office.head)
    urls = [client.post(reverse("cases:index"), {"q": f"nama {n}"}).url for n in range(KEPT + 5)]
    assert len(client.session["lk3_searches"]) == KEPT
    assert "nama 0" not in json.dumps(client.session["lk3_searches"])
    assert 'value="nama 24"' in client.get(urls[-1]).content.decode()


def test_an_empty_search_shows_everything(client, office):
    client.force_login(office.head)
    response = client.post(reverse("cases:index"), {"q": " ", "status": ""})
    assert response.status_code == 302 and response.url == reverse("cases:index")


def test_further_pages_carry_the_key_not_the_terms(client, office):
    for n in range(26):
        office.register(full_name=f"Klien Halaman {n}")
    client.force_login(office.head)
    url = client.post(reverse("cases:index"), {"q": "Halaman"}).url
    html = client.get(url).content.decode()
    key = url.split("=", 1)[1]
    assert f'href="?{PARAMETER}={key}&amp;page=2"' in html
    assert "q=" not in html.split('class="lk3-pages"', 1)[1]


def test_a_search_by_a_masked_name_does_not_find_the_masked_row(client, office):
    secret = office.assign(office.register(full_name="Rahasia Sekali", sensitive=True))
    plain = office.register(full_name="Rahasia Biasa")
    client.force_login(office.head)
    html = search(client, reverse("cases:index"), {"q": "Sekali"}).content.decode()
    assert secret.number not in html and mask_name("Rahasia Sekali") not in html
    html = search(client, reverse("cases:index"), {"q": "Rahasia"}).content.decode()
    assert plain.number in html and secret.number not in html
    # By its number the head still finds it, masked.
    html = search(client, reverse("cases:index"), {"q": secret.number}).content.decode()
    assert secret.number in html and mask_name("Rahasia Sekali") in html
    # Its counselor knows the name, and so finds it by name.
    client.force_login(office.counselor)
    assert secret.number in search(client, reverse("cases:index"), {"q": "Sekali"}).content.decode()
    # The auditor reads every file with real names.
    client.force_login(office.auditor)
    html = search(client, reverse("audit:index"), {"client": "Sekali"}).content.decode()
    assert secret.number in html and "Rahasia Sekali" in html


def test_the_audit_search_records_fields_and_cases_not_terms(client, office):
    wanted = office.register(full_name="Siti Aminah")
    client.force_login(office.auditor)
    search(client, reverse("audit:index"), {"client": "Aminah", "stage": wanted.stage})
    event = AuditEvent.objects.filter(action=Action.AUDIT_SEARCHED).get()
    assert event.details == {"fields": ["client", "stage"], "case_ids": [wanted.pk]}
    assert "Aminah" not in json.dumps(event.details)


def test_timeline_exports_follow_the_filter_by_key(client, office):
    case = office.assess(office.assign(office.register()))
    office.review_assessment(case, approved=False, comment="Perbaiki.")
    client.force_login(office.auditor)
    url = reverse("audit:timeline", args=[case.pk])
    response = client.post(url, {"action": Action.TASK_RETURNED})
    assert KEY_URL.match(response.url)
    html = client.get(response.url).content.decode()
    key = response.url.split("=", 1)[1]
    csv_url = f"{reverse('audit:timeline_csv', args=[case.pk])}?{PARAMETER}={key}"
    assert f'href="{csv_url}"' in html
    rows = list(csv.reader(io.StringIO(b"".join(client.get(csv_url).streaming_content).decode())))
    # The checkpoint's rows and a blank one, the header, then the one line the filter keeps.
    assert len(rows) == 5 and "Perbaiki." in rows[4]
    exported = AuditEvent.objects.filter(action=Action.EXPORTED).get()
    assert exported.details["filters"] == ["action"]


def test_a_failed_login_keeps_no_typed_text(office):
    browser = Client()
    typed = "kata-sandi-rahasia-2026"  # a password typed into the user-name box
    browser.post(reverse("login"), {"username": typed, "password": "x"})
    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).get()
    assert failed.actor_name == "" and failed.details == {"account": "unknown"}
    assert typed not in all_audit_text()
    attempts = list(AccessAttempt.objects.values_list("username", "get_data", "post_data"))
    assert attempts and typed not in json.dumps(attempts)


def test_a_failed_login_for_an_account_names_the_account(office):
    Client().post(reverse("login"), {"username": "konselor", "password": "salah"})
    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).get()
    assert failed.actor is None and failed.actor_name == "konselor"
    assert failed.details == {"account": "known"}
    assert AccessAttempt.objects.get().username == "konselor"


def test_guessing_names_locks_the_address_not_the_accounts(office):
    browser = Client()
    for n in range(5):
        browser.post(reverse("login"), {"username": f"tebakan-{n}", "password": "x"})
    assert (
        browser.post(reverse("login"), {"username": "tebakan-9", "password": "x"}).status_code
        == 429
    )
    assert AccessAttempt.objects.get().username is None
    ok = browser.post(reverse("login"), {"username": "konselor", "password": PASSWORD})
    assert ok.status_code == 302
