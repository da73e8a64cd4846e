"""Every kind of page, ours and viewflow's, works in Chromium under the site's security policy.

The conftest fails any browser test on a refusal the browser reports; this walks the pages the
journey does not reach, and proves that the policy is enforced and that refusals are seen.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from flows import services as flow_services
from letters.models import Letter
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_of(browser, live_server):
    contexts = []

    def page_of(user=None):
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".vf-page__menu")).to_be_attached()
        return page

    yield page_of
    for context in contexts:
        context.close()


def visit(page, url: str) -> None:
    """Open the page and let its scripts run and draw (charts, Material components)."""
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_an_inline_script_is_refused_and_the_refusal_is_seen(page_of, live_server, policy_refusals):
    page = page_of()
    visit(page, f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.lk3Injected = true";
            document.head.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.lk3Injected === true") is False
    page.context.close()
    assert any("script-src" in refusal for refusal in policy_refusals)
    policy_refusals.clear()


def test_every_kind_of_page_works_under_the_policy(page_of, live_server, office):
    case = office.assign(office.register())
    task = flow_services.open_tasks(case).get()
    process = task.process_id
    base = live_server.url

    head = page_of(office.head)
    for url in [
        "/",
        "/case/",
        "/case/inbox/",
        "/case/queue/",
        "/case/archive/",
        "/case/flows/",
        "/case/tasks/",
        "/case/chart/",
        f"/case/{process}/",
        f"/case/{process}/chart/",
        f"/case/{process}/cancel/",
        f"/case/{process}/{task.flow_task.name}/{task.pk}/detail/",
        reverse("cases:index"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:workload"),
        reverse("cases:reassign", args=[case.pk]),
        "/no-such-page/",
    ]:
        visit(head, base + url)

    counselor = page_of(office.counselor)
    visit(counselor, f"{base}/case/{process}/{task.flow_task.name}/{task.pk}/execute/")
    # The form's fields are Material web components that the site's scripts draw.
    expect(counselor.locator("#id_presenting_problem textarea")).to_be_visible()
    # The language is chosen through a static script, with no inline handler.
    visit(counselor, base + reverse("cases:index"))
    counselor.select_option(".lk3-language select", "en", force=True)
    counselor.wait_for_load_state("networkidle")
    expect(counselor.locator("html")).to_have_attribute("lang", "en")

    intake = page_of(office.intake)
    visit(intake, f"{base}/case/intake/")
    expect(intake.locator("form.vf-form")).to_be_visible()

    auditor = page_of(office.auditor)
    visit(auditor, f"{base}/audit/")
    visit(auditor, f"{base}/audit/kasus/{case.pk}/")

    administrator = make_user("pengelola", "administrator", "Pengelola Sistem")
    administrator.is_staff = True
    administrator.save()
    admin = page_of()
    visit(admin, f"{base}/admin/login/")
    admin.fill("input[name=username]", administrator.username)
    admin.fill("input[name=password]", PASSWORD)
    admin.click("input[type=submit]")
    admin.wait_for_url(re.compile(r".*/admin/$"))
    for url in ["/admin/", "/admin/lk3_flow/partner/", "/admin/lk3_flow/partner/add/"]:
        visit(admin, base + url)

    public = page_of()
    letter = Letter.objects.filter(case=case).first()
    for url in ["/accounts/login/", "/verifikasi/", f"/verifikasi/{letter.token}/"]:
        visit(public, base + url)
    expect(public.locator("[data-verdict=valid]")).to_be_visible()
