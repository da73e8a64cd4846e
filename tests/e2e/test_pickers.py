"""Dates and times are picked from an Indonesian calendar whose weeks start on Monday."""

import datetime

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import expect

from flows import services as flow_services
from lk3_flow.models import CounselingSession
from tests.factories import PASSWORD
from tests.test_task_conflicts import task_url

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desk": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", SIZES)
def test_a_counselor_picks_a_session_time_from_the_calendar(
    browser, live_server, office, screenshot_dir, size
):
    case = office.to_counseling(office.register())
    task = flow_services.open_tasks(case).get()
    context = browser.new_context(locale="id-ID", viewport=SIZES[size])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", office.counselor.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{live_server.url}{task_url(task, 'execute')}")

    page.click("#id_scheduled_at_control")
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar).to_be_visible()
    weekdays = calendar.locator(".flatpickr-weekday").all_inner_texts()
    assert [day.strip() for day in weekdays] == ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]
    today = timezone.localdate()
    with translation.override("id"):
        month = dateformat.format(today, "F")
    expect(calendar.locator(".flatpickr-current-month")).to_contain_text(month)
    box = calendar.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / f"date-picker-{size}.png"))

    calendar.locator(
        ".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="1"
    ).first.click()
    calendar.locator(".flatpickr-hour").fill("09")
    calendar.locator(".flatpickr-minute").fill("30")
    calendar.locator(".flatpickr-minute").press("Enter")
    first_of_month = datetime.date(today.year, today.month, 1)
    expect(page.locator("#id_scheduled_at_control")).to_have_value(
        first_of_month.strftime("%d/%m/%Y") + " 09:30"
    )

    page.keyboard.press("Escape")
    page.locator("#id_session_type .mdc-select__anchor").click()
    page.locator("#id_session_type li[data-value='individual']").click()
    page.locator("#id_notes textarea").fill("Klien datang bersama ibunya.")
    page.locator("form.vf-form button").last.click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")

    session = CounselingSession.objects.get(case=case)
    assert timezone.localtime(session.scheduled_at).replace(tzinfo=None) == datetime.datetime(
        today.year, today.month, 1, 9, 30
    )
    context.close()
