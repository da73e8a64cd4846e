"""Each role's home page: what it shows, to whom, and at what cost."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from home import selectors
from home.charts import bar_chart
from lk3_flow.choices import NextStep, ProblemCategory, Stage
from lk3_flow.models import Case, CounselingSession
from permissions.selectors import mask_name
from tests.factories import PASSWORD, in_english, make_user

SECTION_TITLES = {
    "head": "Waiting for your decision",
    "counselor": "My tasks",
    "intake": "My registrations",
    "auditor": "Recent activity",
    "administrator": "Staff and partners",
}


def home_of(client, user) -> str:
    client.force_login(user)
    response = in_english(client).get("/")
    assert response.status_code == 200
    return response.content.decode()


def grow(office, extra: int) -> None:
    """Cases at every kind of step, a sensitive one among them, and a session held this week."""
    for n in range(extra):
        case = office.register(full_name=f"Klien Tambahan {n}", sensitive=n % 2 == 0)
        case = office.session(office.review_assessment(office.assess(office.assign(case))))
        office.propose_closure(office.session(case, NextStep.PROPOSE_CLOSURE))
        office.register(full_name=f"Klien Baru {n}")


@pytest.mark.parametrize(
    ("role", "section"),
    [
        ("head", "head"),
        ("counselor", "counselor"),
        ("intake", "intake"),
        ("auditor", "auditor"),
    ],
)
def test_each_role_sees_its_own_section_only(client, office, role, section):
    page = home_of(client, getattr(office, role))
    for other, title in SECTION_TITLES.items():
        assert (title in page) == (other == section), (role, other)


def test_the_administrator_lands_on_a_home_page_after_logging_in(client, office):
    make_user("pengelola", "administrator", "Pengelola Sistem")
    in_english(client)
    response = client.post(reverse("login"), {"username": "pengelola", "password": PASSWORD})
    assert response.status_code == 302
    landing = client.get(response.url)
    assert landing.status_code == 200
    page = landing.content.decode()
    assert SECTION_TITLES["administrator"] in page
    assert reverse("people:add") in page


def test_a_person_without_a_role_is_told_so(client, db):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(username="baru", password=PASSWORD)
    page = home_of(client, nobody)
    assert "Your account has no role yet." in page
    assert not any(title in page for title in SECTION_TITLES.values())


def test_the_heads_decisions_come_oldest_first_with_sensitive_clients_masked(client, office):
    first = office.register(full_name="Dewi Lestari", sensitive=True)
    second = office.register(full_name="Asep Saepudin")
    page = home_of(client, office.head)
    assert mask_name("Dewi Lestari") in page
    assert "Dewi Lestari" not in page
    assert page.index(first.number) < page.index(second.number)
    assert "Counselor assignment" in page


def test_the_heads_overdue_decisions_come_first_longest_overdue_first(client, office):
    on_time = office.register(full_name="Dewi Lestari")
    late, later = office.register(full_name="Asep Saepudin"), office.register(full_name="Iis")
    now = timezone.now()
    Case.objects.filter(pk=late.pk).update(due_at=now - datetime.timedelta(days=1))
    Case.objects.filter(pk=later.pk).update(due_at=now - datetime.timedelta(days=3))
    page = home_of(client, office.head)
    assert page.index(later.number) < page.index(late.number) < page.index(on_time.number)


def test_the_head_sees_overdue_work_per_counselor_and_the_office_in_charts(client, office):
    late = office.assess(office.assign(office.register(full_name="Lilis Nurlaela")))
    office.assign(office.register(full_name="Iis Suryani", problem_categories=["parenting"]))
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    picture = selectors.office_picture(timezone.now())
    load = next(row for row in picture.by_counselor if row.counselor == office.counselor)
    assert (load.open_cases, load.overdue) == (2, 0)  # the late one waits on the head's approval
    assert picture.unassigned_overdue == 1
    Case.objects.filter(pk=late.pk).update(stage=Stage.COUNSELING)
    load = next(
        row
        for row in selectors.office_picture(timezone.now()).by_counselor
        if row.counselor == office.counselor
    )
    assert load.overdue == 1
    page = home_of(client, office.head)
    assert page.count("<svg") == 3
    assert "<script" not in page.split("lk3.js", 1)[1]
    assert "Open cases by problem category" in page


def test_problem_categories_are_counted_per_case_that_names_them(office):
    office.register(problem_categories=["parenting", "economic"])
    office.register(problem_categories=["economic"])
    office.register(problem_categories=["elderly"])
    counts = dict(selectors.open_cases_by_problem())
    labels = dict(ProblemCategory.choices)
    assert counts[labels["economic"]] == 2
    assert counts[labels["parenting"]] == 1
    assert counts[labels["elderly"]] == 1
    assert counts[labels["divorce"]] == 0


def test_a_chart_escapes_the_names_it_draws(db):
    svg = bar_chart([('<script>alert("x")</script>', 3)], label="Beban & kasus")
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert 'aria-label="Beban &amp; kasus"' in svg


def test_a_chart_s_hover_titles_are_its_own_words(db):
    svg = bar_chart([("Pertengkaran", 3), ("Perceraian", 1)], label="Kasus per kategori")
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert titles[0] == "Kasus per kategori"
    assert sorted(titles[1:]) == ["Perceraian", "Pertengkaran"]
    assert "Pygal" not in svg


def test_the_counselors_returned_task_comes_first(client, office):
    waiting = office.assess(office.assign(office.register(full_name="Wawan Setiawan")))
    office.review_assessment(waiting)
    returned = office.assess(office.assign(office.register(full_name="Sarnah")))
    office.review_assessment(returned, approved=False, comment="Lengkapi risiko anak.")
    tasks = selectors.tasks_of(office.counselor)
    assert tasks.rows[0].process.case.number == returned.number
    assert tasks.rows[0].returned
    page = home_of(client, office.counselor)
    assert page.index("Sarnah") < page.index("Wawan Setiawan")
    assert "returned" in page


def test_the_counselor_sees_the_sessions_held_and_planned_this_week(client, office):
    case = office.session(office.to_counseling(office.register(full_name="Hendra Gunawan")))
    session = CounselingSession.objects.get(case=case)
    now = timezone.now()
    CounselingSession.objects.filter(pk=session.pk).update(held_at=now, next_session_at=now)
    appointments = selectors.sessions_this_week(office.counselor, now)
    assert [(a.held, a.session.pk) for a in appointments] == [
        (True, session.pk),
        (False, session.pk),
    ]
    assert selectors.sessions_this_week(office.other_counselor, now) == []
    assert "Hendra Gunawan" in home_of(client, office.counselor)


def test_a_planned_session_gives_way_to_the_one_recorded_after_it(office):
    case = office.session(office.to_counseling(office.register()))
    case = office.session(case)
    first, second = CounselingSession.objects.filter(case=case).order_by("pk")
    now = timezone.now()
    last_week = now - datetime.timedelta(days=8)
    CounselingSession.objects.filter(pk=first.pk).update(held_at=last_week, next_session_at=now)
    CounselingSession.objects.filter(pk=second.pk).update(held_at=last_week, next_session_at=None)
    assert selectors.sessions_this_week(office.counselor, now) == []
    CounselingSession.objects.filter(pk=second.pk).delete()
    assert [a.held for a in selectors.sessions_this_week(office.counselor, now)] == [False]


def test_the_intake_officer_sees_where_their_registrations_stand(client, office):
    office.assign(office.register(full_name="Neneng Sumiati"))
    page = home_of(client, office.intake)
    assert "Neneng Sumiati" in page
    assert "Assessment and intervention plan" in page


def test_the_auditor_sees_what_people_did_and_a_search_that_posts(client, office):
    case = office.assign(office.register())
    page = home_of(client, office.auditor)
    assert reverse("audit:timeline", args=[case.pk]) in page
    assert f'action="{reverse("audit:index")}"' in page
    assert 'method="post"' in page
    assert all(event.actor_id for event in selectors.recent_case_events())


def test_the_week_starts_on_monday_in_the_office_time_zone():
    # Sunday 23:30 in Jakarta is still Sunday 16:30 in UTC: the week began six days before.
    sunday_night = datetime.datetime(2026, 12, 6, 16, 30, tzinfo=datetime.UTC)
    start = selectors.week_start(sunday_night)
    assert timezone.localtime(start).date() == datetime.date(2026, 11, 30)
    assert timezone.localtime(start).time() == datetime.time.min


@pytest.mark.parametrize("role", ["head", "counselor", "intake", "auditor"])
def test_a_home_page_costs_the_same_queries_however_many_cases(client, office, role):
    user = getattr(office, role)
    client.force_login(user)
    grow(office, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    grow(office, 4)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/").status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_administrators_home_costs_the_same_queries_however_many_people(client, office):
    administrator = make_user("pengelola", "administrator")
    client.force_login(administrator)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for n in range(4):
        make_user(f"konselor-baru-{n}", "counselor")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/").status_code == 200
    assert len(many) == len(few)


@pytest.fixture
def office_counts_kept(settings):
    """The office's counts kept for a minute, as in production, in a cache emptied first."""
    settings.LK3_OFFICE_COUNTS_SECONDS = 60
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def test_the_office_counts_are_kept_for_a_minute_and_say_when_they_were_made(
    client, office, office_counts_kept
):
    office.register(full_name="Wawan Setiawan")
    home_of(client, office.head)  # the session's first page
    caches["shared"].clear()
    with CaptureQueriesContext(connection) as counted:
        first = home_of(client, office.head)
    office.register(full_name="Sarnah")
    with CaptureQueriesContext(connection) as kept:
        second = home_of(client, office.head)

    tiles = re.compile(r"<strong>(\d+)</strong><span>new cases this week</span>")
    assert tiles.search(first).group(1) == tiles.search(second).group(1) == "1"
    assert "Office counts as of" in second
    # What waits for the head's own decision is read anew: the second registration is there.
    assert "Sarnah" in second
    # Not counted again: open cases by counselor and stage, the counselors, by problem, this week.
    assert len(kept) <= len(counted) - 4

    caches["shared"].clear()
    assert tiles.search(home_of(client, office.head)).group(1) == "2"
