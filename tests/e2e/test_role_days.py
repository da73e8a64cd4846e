"""Each role's day in the demo office, at a desk and on a phone.

Every person lands on their home page and follows what it offers them: the head opens each kind
of decision waiting for them, the counselor their first task, the intake officer and the auditor
their lists. On every page: nothing answers 5xx, no word breaks inside a table cell or header,
nothing scrolls sideways on a phone, and no English word of the interface is left in the
Indonesian pages. `make screenshots` keeps the home and decision pages in docs/screenshots.
"""

import re
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Page, expect

from lk3_flow.demo import DEMO_PASSWORD, seed_demo

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desk": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
DEMO_PEOPLE = {
    "intake": "petugas.rina",
    "counselor": "konselor.siti",
    "head": "pimpinan.euis",
    "auditor": "auditor.yudi",
    "administrator": "admin.fajar",
}
# Words of viewflow's and Django's interface that show when a string escaped translation.
ENGLISH_UI = [
    "of", "Search", "Filter", "Cancel", "Next", "Previous", "Submit", "Save", "Delete", "Yes",
    "Assign", "Unassign", "Queue", "Inbox", "Archive", "Dashboard", "Comment", "Download",
    "Actions", "Created", "Task", "Tasks", "Process", "Flow", "Chart", "Home", "Logout",
    "Log out", "Sign in", "Close", "Back", "Edit", "View", "Details", "Demo", "Today", "Select",
    "Choose", "Clear", "Apply", "Loading", "Execute", "Decide", "Returned", "due", "overdue",
]  # fmt: skip
# A word (4 letters or more) of a table cell or header whose letters sit on two lines.
BROKEN_WORDS_JS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll('th, td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const words = /[\\p{L}\\p{N}]{4,}/gu;
      let match;
      while ((match = words.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""
ENGLISH_JS = """
(words) => {
  const text = document.body.innerText.replaceAll('LK3 Flow', '');
  return words.filter(w => new RegExp('(^|[^\\\\p{L}])' + w.replace(' ', '\\\\s+')
    + '($|[^\\\\p{L}])', 'u').test(text));
}
"""
# The lists each role scans in a day, beyond their home page.
ROLE_LISTS = {
    "intake": [("cases", "/cases/")],
    "counselor": [("inbox", "/case/inbox/"), ("cases", "/cases/")],
    "head": [
        ("queue", "/case/queue/"),
        ("cases", "/cases/"),
        ("workload", "/cases/beban-kerja/"),
        ("staff-changes", "/staff/"),
        ("report", "/reports/"),
        ("issued-reports", "/reports/terbit/"),
    ],
    "auditor": [
        ("cases", "/cases/"),
        ("report", "/reports/"),
        ("issued-reports", "/reports/terbit/"),
    ],
    "administrator": [("staff", "/people/")],
}
CASE_PAGE = re.compile(r"/cases/\d+/$")
DECISION = re.compile(
    r"/case/\d+/(assign_counselor|approve_\w+)/\d+/execute/$|/cases/\d+/rencana/(perubahan)/\d+/$"
)


@pytest.fixture
def demo_office(db):
    seed_demo()


def sign_in(browser, base_url: str, username: str, viewport: dict) -> Page:
    context = browser.new_context(locale="id-ID", viewport=viewport)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    expect(page.locator(".vf-page__menu")).to_be_attached()
    return page


def looks_right(page: Page, size: str) -> list[str]:
    """What is wrong with the page as a person sees it, in words a failing test can show."""
    where = urlparse(page.url).path
    problems = [f"{where}: broken word {word!r}" for word in page.evaluate(BROKEN_WORDS_JS)]
    problems += [f"{where}: English {word!r}" for word in page.evaluate(ENGLISH_JS, ENGLISH_UI)]
    if size == "phone":
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        if overflow > 2:
            problems.append(f"{where}: scrolls {overflow}px sideways on a phone")
    return problems


def visit(page: Page, url: str) -> None:
    response = page.goto(urljoin(page.url, url))
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"


def test_each_role_works_from_home_at_a_desk_and_on_a_phone(
    browser, live_server, demo_office, screenshot_dir
):
    problems: list[str] = []

    def shoot(page: Page, name: str, full_page: bool = True) -> None:
        if screenshot_dir is not None:
            page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=full_page)

    for size, viewport in SIZES.items():
        for role, username in DEMO_PEOPLE.items():
            page = sign_in(browser, live_server.url, username, viewport)
            assert urlparse(page.url).path == "/", f"{role} landed on {page.url}"
            expect(page.locator(".lk3-home")).to_be_visible()
            problems += looks_right(page, size)
            shoot(page, f"home-{role}-{size}")
            links = page.eval_on_selector_all(
                ".lk3-work__title a", "links => links.map(a => a.href)"
            )
            if role in {"head", "counselor"}:
                # The bell says how much is new; its list leads to the case it names.
                expect(page.locator(".lk3-bell__count")).to_be_visible()
                page.locator(".lk3-bell").click()
                expect(page.locator(".lk3-notifications")).to_be_visible()
                problems += looks_right(page, size)
                shoot(page, f"notifications-{role}-{size}", full_page=False)
                page.locator(".lk3-notification__open").first.click()
                page.wait_for_url(CASE_PAGE)
                visit(page, "/")
            if role == "head":
                seen_kinds = set()
                for link in links:
                    visit(page, link)
                    match = DECISION.search(page.url)
                    assert match, f"a decision link led to {page.url}"
                    kind = match.group(1) or "plan_change"
                    if kind in seen_kinds:
                        continue
                    seen_kinds.add(kind)
                    expect(page.locator("form.vf-form")).to_be_visible()
                    problems += looks_right(page, size)
                    shoot(page, f"decision-{kind.replace('_', '-')}-{size}")
                assert seen_kinds >= {
                    "assign_counselor",
                    "approve_assessment",
                    "approve_referral",
                    "approve_closure",
                }
            elif role == "counselor":
                assert links, "the counselor's home lists no task"
                visit(page, links[0])
                expect(page.locator("form.vf-form")).to_be_visible()
                problems += looks_right(page, size)
            for name, url in ROLE_LISTS[role]:
                visit(page, url)
                expect(page.locator(".lk3-table").first).to_be_visible()
                problems += looks_right(page, size)
                shoot(page, f"{name}-{role}-{size}", full_page=False)
            if role == "head" and size == "desk":
                # The month's report issued for the social office, after a confirmation.
                visit(page, "/reports/")
                with page.expect_navigation():
                    page.locator(".lk3-report-issue").click()
                problems += looks_right(page, size)
                shoot(page, f"report-issue-{size}", full_page=False)
                with page.expect_navigation():
                    page.locator("form.lk3-issue-report button[type=submit]").click()
                assert urlparse(page.url).path == "/reports/terbit/", page.url
                expect(page.locator(".lk3-issued-reports td").first).to_be_visible()
            if role == "auditor":
                # The public page that tells the social office the report is genuine.
                visit(page, page.locator(".lk3-verify-report").first.get_attribute("href"))
                expect(page.locator('[data-verdict="valid"]')).to_be_visible()
                expect(page.locator('[data-checkpoint="held"]')).to_be_visible()
                problems += looks_right(page, size)
                shoot(page, f"report-verification-{size}")
            if role != "administrator":
                # A case file as each role opens it from the case list, its letters among it.
                visit(page, "/cases/")
                case_links = page.eval_on_selector_all(
                    ".lk3-table a", "links => links.map(a => a.href)"
                )
                case_link = next(link for link in case_links if CASE_PAGE.search(link))
                visit(page, case_link)
                problems += looks_right(page, size)
            page.context.close()
    assert problems == [], "\n".join(problems)
