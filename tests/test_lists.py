"""The inbox, the queue and the case list: what a person scans to choose what to do next.

Each row tells the client (masked by the same rule as everywhere), priority, stage, due date and
whether it is overdue; the lists sort and filter by those; their query counts do not grow with
the number of rows.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lk3_flow.choices import Priority
from lk3_flow.models import Case
from tests.factories import search
from tests.test_task_conflicts import english_client

pytestmark = pytest.mark.django_db


def numbers_in(html: str, cases: list[Case]) -> list[str]:
    """The case numbers of `cases` in the order the page shows them."""
    shown = [(html.find(case.number), case.number) for case in cases if case.number in html]
    return [number for _position, number in sorted(shown)]


def test_the_queue_shows_priority_stage_due_date_and_masks_a_sensitive_client(office):
    ordinary = office.register(full_name="Neneng Sumiati", priority=Priority.NORMAL)
    secret = office.register(full_name="Rahasia Sekali", sensitive=True, priority=Priority.URGENT)
    Case.objects.filter(pk=secret.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))

    page = english_client(office.head).get(reverse("case:queue")).content.decode()

    assert "Neneng Sumiati" in page and "Rahasia Sekali" not in page
    assert "R******" in page
    assert "Urgent" in page and "Normal" in page
    assert "Counselor assignment" in page
    assert "overdue" in page
    assert numbers_in(page, [ordinary, secret]) == [secret.number, ordinary.number]


def test_the_inbox_puts_returned_work_first_and_filters_by_priority(office):
    low = office.assign(office.register(full_name="Klien Rendah", priority=Priority.LOW))
    high = office.assign(office.register(full_name="Klien Tinggi", priority=Priority.HIGH))
    returned = office.assign(office.register(full_name="Klien Kembali", priority=Priority.LOW))
    returned = office.assess(returned)
    office.review_assessment(returned, approved=False, comment="Lengkapi risiko.")
    client = english_client(office.counselor)

    page = client.get(reverse("case:inbox")).content.decode()
    assert numbers_in(page, [low, high, returned]) == [returned.number, high.number, low.number]
    assert "returned" in page

    only_high = client.get(reverse("case:inbox"), {"priority": "high"}).content.decode()
    assert numbers_in(only_high, [low, high, returned]) == [high.number]

    oldest = client.get(reverse("case:inbox"), {"order": "oldest"}).content.decode()
    assert numbers_in(oldest, [low, high, returned]) == [returned.number, low.number, high.number]

    Case.objects.filter(pk=low.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    late_first = client.get(reverse("case:inbox")).content.decode()
    assert numbers_in(late_first, [low, high, returned]) == [
        low.number,
        returned.number,
        high.number,
    ]


@pytest.mark.parametrize(
    "query",
    [{"priority": "sangat"}, {"order": "'; drop table"}, {"overdue": "no"}, {"stage": "\x00"}],
)
def test_a_bad_filter_value_is_refused_without_an_error_page(office, query):
    office.register()
    response = english_client(office.head).get(reverse("case:queue"), query)
    assert response.status_code in (200, 400, 404)  # a NUL byte is refused before any view
    if response.status_code == 200:
        assert "Select a valid choice" in response.content.decode()


def test_the_case_list_sorts_by_priority_and_filters_overdue_cases(office):
    low = office.register(full_name="Klien Rendah", priority=Priority.LOW)
    urgent = office.register(full_name="Klien Darurat", priority=Priority.URGENT)
    late = office.register(full_name="Klien Terlambat", priority=Priority.NORMAL)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    client = english_client(office.head)
    cases = [low, urgent, late]

    page = client.get(reverse("cases:index")).content.decode()
    assert numbers_in(page, cases) == [urgent.number, late.number, low.number]

    overdue = search(client, reverse("cases:index"), {"overdue": "yes"}).content.decode()
    assert numbers_in(overdue, cases) == [late.number]
    assert "lk3-overdue-row" in overdue


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["case:queue", "cases:index"])
def test_a_list_costs_as_many_queries_for_many_rows_as_for_one(office, url_name):
    office.register()
    client = english_client(office.head)
    url = reverse(url_name)
    queries_of(client, url)  # the session and the caches warm up
    one = queries_of(client, url)
    for number in range(6):
        office.register(full_name=f"Klien {number}", sensitive=number % 2 == 0)
    assert queries_of(client, url) == one


def test_a_page_number_past_the_end_is_not_found(office):
    office.register()
    response = english_client(office.head).get(reverse("case:queue"), {"page": "x"})
    assert response.status_code == 404


def test_the_queue_and_its_menu_counter_share_one_count(office):
    """For a head the menu's counter and the list's pages count the same tasks: once a page."""
    for number in range(3):
        office.register(full_name=f"Klien {number}")
    client = english_client(office.head)
    client.get(reverse("case:queue"))  # the session and the caches warm up

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("case:queue")).content.decode()

    task_counts = [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT COUNT(*)") and '"viewflow_task"' in query["sql"]
    ]
    assert len(task_counts) == 2  # the queue's, shared by its counter, and the inbox counter's
    assert len(set(task_counts)) == 2
    queue_counter = re.search(r'Queue</span>\s*<span class="mdc-list-item__meta">(\d+)<', page)
    assert queue_counter and queue_counter.group(1) == "3"
