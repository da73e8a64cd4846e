"""The case plan: goals written with the assessment, approved with it, reviewed at every session,
changed only by a change a head approves; seen by whoever sees the whole case file."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from letters.models import Letter
from lk3_flow.choices import NextStep, Review, Stage
from lk3_flow.fields import LOCAL_DATE_FORMAT
from lk3_flow.models import Case
from plans import selectors, services
from plans.models import Goal, GoalReview, GoalStatus, PlanChange
from tests.factories import (
    ASSESSMENT,
    GOALS,
    goal_reviews_post,
    goals_post,
    in_english,
    plan_goals,
)
from tests.test_lifecycle_http import execute, open_task, session_post, task_url

pytestmark = pytest.mark.django_db


def later(days: int = 90) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).strftime(LOCAL_DATE_FORMAT)


def planned_case(office, goals: int = 2) -> Case:
    """A case in counseling whose approved plan has that many goals."""
    return office.to_counseling(office.register(), goals=goals)


def change_url(case: Case) -> str:
    return reverse("cases:plan_change", args=[case.pk])


def decision_url(change: PlanChange) -> str:
    return reverse("cases:plan_change_decision", args=[change.case_id, change.pk])


def change_post(case: Case, rows: list[dict], reason: str = "Situasi keluarga berubah.") -> dict:
    """The change page's form: `rows` for the open goals in order, then any new goals."""
    goals = list(selectors.open_goals_of(case))
    data = {
        "reason": reason,
        "goals-TOTAL_FORMS": str(len(rows)),
        "goals-INITIAL_FORMS": str(len(goals)),
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        goal = goals[n] if n < len(goals) else None
        values = {
            "goal_id": str(goal.pk) if goal else "",
            "description": goal.description if goal else "",
            "services": goal.services if goal else [],
            "responsible": str(goal.responsible_id) if goal else "",
            "target_date": goal.target_date.strftime(LOCAL_DATE_FORMAT) if goal else "",
            **row,
        }
        data.update({f"goals-{n}-{name}": value for name, value in values.items()})
    return data


def propose(client, office, case: Case, rows: list[dict]) -> PlanChange:
    client.force_login(office.counselor)
    response = client.post(change_url(case), change_post(case, rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    return PlanChange.objects.get(case=case, review=Review.PENDING)


# The assessment step


def test_goals_are_saved_with_the_assessment(client, office):
    case = office.assign(office.register())
    execute(client, office.counselor, case, {**ASSESSMENT, **goals_post(office.counselor, 2)})
    assessment = case.assessments.get()
    goals = list(assessment.plan_goals.order_by("position"))
    assert [goal.description for goal in goals] == GOALS[:2]
    assert all(not goal.approved and goal.responsible == office.counselor for goal in goals)
    # The services planned are the goals' own.
    assert assessment.planned_services == ["counseling"]
    assert selectors.goals_of(case).count() == 0  # not a plan before the head approves it


def test_the_assessment_page_offers_the_counselor_as_responsible(client, office):
    case = office.assign(office.register())
    client.force_login(office.counselor)
    page = client.get(task_url(open_task(case))).content.decode()
    assert f'<option value="{office.counselor.pk}" selected>' in page
    assert 'name="goals-TOTAL_FORMS"' in page


def test_approval_makes_the_goals_the_plan_and_the_letter_lists_them(client, office):
    case = office.assess(office.assign(office.register()), goals=2)
    in_english(client)
    client.force_login(office.head)
    task = open_task(case)
    client.post(task_url(task, "assign"))
    page = client.get(task_url(task)).content.decode()
    assert "Goals of the intervention plan" in page and GOALS[0] in page
    case = execute(client, office.head, case, {"decision": "approve", "comment": ""})
    assert case.stage == Stage.COUNSELING
    assert selectors.goals_of(case).filter(approved=True).count() == 2
    assert selectors.planned_services(case) == {"counseling"}
    report = Letter.objects.get(case=case, kind="assessment_report")
    # The content fixed at issue, before the worker turns it into the PDF.
    html = report.pending_rendering.html
    assert GOALS[0] in html and GOALS[1] in html
    assert "Penanggung jawab" in html


def test_a_returned_assessment_keeps_its_goals_for_revision(client, office):
    case = office.assess(office.assign(office.register()), goals=2)
    case = office.review_assessment(case, approved=False, comment="Perjelas target.")
    returned = case.assessments.get()
    assert returned.plan_goals.count() == 2
    assert not returned.plan_goals.filter(approved=True).exists()
    client.force_login(office.counselor)
    page = client.get(task_url(open_task(case))).content.decode()
    assert GOALS[0] in page and GOALS[1] in page  # pre-filled to be revised
    assert 'name="goals-INITIAL_FORMS" value="2"' in page


def test_only_the_approved_assessments_goals_become_the_plan(office):
    case = office.assess(office.assign(office.register()), goals=3)
    case = office.review_assessment(case, approved=False, comment="Cukup dua tujuan.")
    case = office.review_assessment(office.assess(case, goals=2))
    assert selectors.goals_of(case).count() == 2
    assert Goal.objects.filter(case=case, approved=False).count() == 3


@pytest.mark.parametrize(
    "goal_row",
    [
        {"goals-0-target_date": "01/01/2020"},  # in the past
        {"goals-0-target_date": "31/02/2027"},  # no such day
        {"goals-0-services": []},
        {"goals-0-services": ["massage"]},
        {"goals-0-description": ""},
    ],
)
def test_bad_goals_record_nothing(client, office, goal_row):
    case = office.assign(office.register())
    client.force_login(office.counselor)
    data = {**ASSESSMENT, **goals_post(office.counselor, 1), **goal_row}
    response = client.post(task_url(open_task(case)), data)
    assert response.status_code == 200
    assert case.assessments.count() == 0 and Goal.objects.count() == 0


def test_an_assessment_without_goals_is_refused(client, office):
    case = office.assign(office.register())
    client.force_login(office.counselor)
    data = {**ASSESSMENT, **goals_post(office.counselor, 1), "goals-TOTAL_FORMS": "0"}
    response = in_english(client).post(task_url(open_task(case)), data)
    assert response.status_code == 200
    assert "Please submit at least 1 form." in response.content.decode()
    assert case.assessments.count() == 0


def test_a_responsible_person_who_is_not_counseling_staff_is_refused(client, office):
    case = office.assign(office.register())
    client.force_login(office.counselor)
    for outsider in (office.intake, office.auditor):
        response = client.post(task_url(open_task(case)), {**ASSESSMENT, **goals_post(outsider, 1)})
        assert response.status_code == 200
    assert case.assessments.count() == 0 and Goal.objects.count() == 0


def test_the_service_refuses_a_responsible_person_who_is_not_staff(office):
    case = office.assign(office.register())
    assessment = case.assessments.create(author=office.counselor, **ASSESSMENT)
    with pytest.raises(services.ValidationError):
        services.write_goals(case=case, assessment=assessment, goals=plan_goals(office.intake, 1))
    assert Goal.objects.count() == 0


# Reviews at each session


def test_a_session_reviews_every_open_goal(client, office):
    case = planned_case(office, goals=2)
    first, second = selectors.goals_of(case)
    task = open_task(case)
    data = session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case)
    data["goal_reviews-0-status"] = GoalStatus.ACHIEVED
    data["goal_reviews-1-note"] = "Anak sudah dua minggu bersekolah."
    execute(client, office.counselor, case, data)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (GoalStatus.ACHIEVED, GoalStatus.IN_PROGRESS)
    reviews = GoalReview.objects.filter(task=task)
    assert reviews.count() == 2
    assert reviews.get(goal=second).note == "Anak sudah dua minggu bersekolah."
    assert all(review.reviewed_by == office.counselor for review in reviews)
    # The achieved goal is no longer reviewed at the next session.
    client.force_login(office.counselor)
    page = client.get(task_url(open_task(case))).content.decode()
    assert 'name="goal_reviews-TOTAL_FORMS" value="1"' in page


def test_a_session_page_shows_each_goal_with_its_status(client, office):
    case = planned_case(office, goals=2)
    client.force_login(office.counselor)
    page = in_english(client).get(task_url(open_task(case))).content.decode()
    assert "Review of the plan" in page
    assert GOALS[0] in page and GOALS[1] in page
    assert '<option value="planned" selected>' in page


def test_the_status_change_is_part_of_the_sessions_event(client, office):
    case = planned_case(office, goals=1)
    data = session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case, GoalStatus.ACHIEVED)
    start = AuditEvent.objects.order_by("-pk").first().pk
    execute(client, office.counselor, case, data)
    [event] = AuditEvent.objects.filter(pk__gt=start, action=Action.TASK_COMPLETED)
    [change] = [
        effect
        for effect in event.details["effects"]
        if effect["action"] == Action.CASE_CHANGED and effect["details"].get("part") == "plan"
    ]
    assert change["details"]["changes"] == {"goal 1": ["planned", "achieved"]}
    assert "Ada kemajuan." not in str(event.details)  # the note stays in its row


def test_a_session_without_the_reviews_records_nothing(client, office):
    case = planned_case(office, goals=2)
    client.force_login(office.counselor)
    task = open_task(case)
    response = client.post(task_url(task), session_post(NextStep.ANOTHER_SESSION))
    assert response.status_code == 200
    assert case.sessions.count() == 0 and GoalReview.objects.count() == 0


def test_a_review_of_fewer_goals_than_the_plan_has_records_nothing(client, office):
    case = planned_case(office, goals=2)
    client.force_login(office.counselor)
    data = session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case)
    data["goal_reviews-TOTAL_FORMS"] = "1"
    response = client.post(task_url(open_task(case)), data)
    assert response.status_code == 200
    assert case.sessions.count() == 0 and GoalReview.objects.count() == 0


def test_a_review_cannot_drop_a_goal_or_name_another_goal(client, office):
    case = planned_case(office, goals=1)
    client.force_login(office.counselor)
    for bad in (
        {"goal_reviews-0-status": GoalStatus.DROPPED},
        {"goal_reviews-0-goal_id": "999999"},
    ):
        data = session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case) | bad
        assert client.post(task_url(open_task(case)), data).status_code == 200
    assert case.sessions.count() == 0
    assert selectors.goals_of(case).get().status == GoalStatus.PLANNED


def session_queries(client, office, goals: int) -> int:
    case = planned_case(office, goals=goals)
    client.force_login(office.counselor)
    data = session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case, GoalStatus.ACHIEVED)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(task_url(open_task(case)), data).status_code == 302
    assert GoalReview.objects.filter(goal__case=case).count() == goals
    return len(queries)


def test_recording_the_reviews_costs_the_same_however_many_goals(client, office):
    assert session_queries(client, office, 1) == session_queries(client, office, 4)


# Plan changes


def test_a_change_is_proposed_then_approved_and_applied(client, office):
    case = planned_case(office, goals=2)
    first, second = selectors.goals_of(case)
    change = propose(
        client,
        office,
        case,
        [
            {"description": "Pasangan menyepakati aturan rumah.", "target_date": later(120)},
            {"drop": "on", "drop_reason": "Anak sudah kembali ke sekolah."},
            {
                "description": "Ibu mendapat pendampingan ke pengadilan agama.",
                "services": ["accompaniment", "referral"],
                "responsible": str(office.other_counselor.pk),
                "target_date": later(60),
            },
        ],
    )
    assert len(change.goals) == 3
    first.refresh_from_db()
    assert first.description == GOALS[0]  # nothing changes before the head decides
    client.force_login(office.head)
    assert client.get(decision_url(change)).status_code == 200
    response = client.post(decision_url(change), {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.review == Review.APPROVED and change.reviewed_by == office.head
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.description == "Pasangan menyepakati aturan rumah."
    assert (second.status, second.drop_reason) == (
        GoalStatus.DROPPED,
        "Anak sudah kembali ke sekolah.",
    )
    added = selectors.goals_of(case).get(plan_change=change)
    assert (added.position, added.responsible, added.services) == (
        3,
        office.other_counselor,
        ["accompaniment", "referral"],
    )
    assert selectors.planned_services(case) == {"counseling", "accompaniment", "referral"}


def test_goal_texts_are_encrypted_in_the_audit_log(client, office):
    case = planned_case(office, goals=1)
    change = propose(client, office, case, [{"description": "Tujuan rahasia keluarga."}])
    client.force_login(office.head)
    client.post(decision_url(change), {"decision": "approve", "comment": ""})
    events = AuditEvent.objects.filter(
        action__in=[Action.PLAN_CHANGE_PROPOSED, Action.PLAN_CHANGE_REVIEWED]
    )
    assert events.count() == 2
    for event in events:
        assert "Tujuan rahasia keluarga." not in str(event.details)
        assert "personal" in event.details
    proposed = events.get(action=Action.PLAN_CHANGE_PROPOSED)
    assert (proposed.details["edited"], proposed.details["added"]) == (1, 0)
    # The auditor reads them decrypted on the case's timeline.
    client.force_login(office.auditor)
    timeline = client.get(reverse("audit:timeline", args=[case.pk]))
    assert timeline.status_code == 200
    assert "Tujuan rahasia keluarga." in timeline.content.decode()


def test_a_returned_change_leaves_the_plan_as_it_was(client, office):
    case = planned_case(office, goals=1)
    change = propose(client, office, case, [{"description": "Tujuan baru."}])
    client.force_login(office.head)
    refused = client.post(decision_url(change), {"decision": "return", "comment": ""})
    assert refused.status_code == 200  # a return needs its reason
    client.post(decision_url(change), {"decision": "return", "comment": "Tujuan kurang jelas."})
    change.refresh_from_db()
    assert (change.review, change.review_comment) == (Review.RETURNED, "Tujuan kurang jelas.")
    assert selectors.goals_of(case).get().description == GOALS[0]
    # The counselor may propose again.
    assert propose(client, office, case, [{"description": "Tujuan yang diperjelas."}])


def test_one_pending_change_at_a_time(client, office):
    case = planned_case(office, goals=1)
    propose(client, office, case, [{"description": "Perubahan pertama."}])
    client.force_login(office.counselor)
    page = in_english(client).get(change_url(case)).content.decode()
    assert "already waits for a head" in page
    response = client.post(change_url(case), change_post(case, [{"description": "Kedua."}]))
    assert response.status_code == 200
    assert PlanChange.objects.filter(case=case).count() == 1
    with pytest.raises(services.ValidationError):
        goal = selectors.goals_of(case).get()
        services.propose_change(
            case=case,
            actor=office.counselor,
            reason="Lagi.",
            entries=[services.ProposedGoal(data=plan_goals(office.counselor)[0], goal=goal)],
        )


def test_a_change_that_changes_nothing_or_drops_without_reason_is_refused(client, office):
    case = planned_case(office, goals=1)
    client.force_login(office.counselor)
    for rows in ([{}], [{"drop": "on", "drop_reason": ""}], [{"target_date": "01/01/2020"}]):
        response = client.post(change_url(case), change_post(case, rows))
        assert response.status_code == 200
    assert PlanChange.objects.count() == 0


def test_a_change_may_not_leave_the_plan_without_goals(client, office):
    case = planned_case(office, goals=1)
    client.force_login(office.counselor)
    rows = [{"drop": "on", "drop_reason": "Tidak relevan."}]
    assert client.post(change_url(case), change_post(case, rows)).status_code == 200
    assert PlanChange.objects.count() == 0


def test_the_plan_of_a_closed_case_is_not_changed(client, office):
    case = office.to_closed(office.register())
    client.force_login(office.counselor)
    assert client.get(change_url(case)).status_code == 403


def test_a_change_proposed_before_a_goal_was_closed_cannot_be_approved(client, office):
    case = planned_case(office, goals=1)
    change = propose(client, office, case, [{"description": "Tujuan diubah."}])
    execute(
        client,
        office.counselor,
        case,
        session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case, GoalStatus.ACHIEVED),
    )
    client.force_login(office.head)
    response = client.post(decision_url(change), {"decision": "approve", "comment": ""})
    assert response.status_code == 200
    change.refresh_from_db()
    assert change.review == Review.PENDING
    assert selectors.goals_of(case).get().description == GOALS[0]


# Who may do what


@pytest.mark.parametrize(
    ("role", "propose_get", "decide_get", "decide_post"),
    [
        ("counselor", 200, 200, 403),
        ("other_counselor", 404, 404, 404),
        ("head", 403, 200, 302),
        ("auditor", 403, 200, 403),
        ("intake", 404, 404, 404),
    ],
)
def test_access_per_role(client, office, role, propose_get, decide_get, decide_post):
    case = planned_case(office, goals=1)
    change = propose(client, office, case, [{"description": "Perubahan."}])
    client.force_login(getattr(office, role))
    assert client.get(change_url(case)).status_code == propose_get
    assert client.get(decision_url(change)).status_code == decide_get
    response = client.post(decision_url(change), {"decision": "approve", "comment": ""})
    assert response.status_code == decide_post
    change.refresh_from_db()
    assert change.review == (Review.APPROVED if role == "head" else Review.PENDING)


def test_a_change_of_another_case_is_not_found_under_this_one(client, office):
    case = planned_case(office, goals=1)
    change = propose(client, office, case, [{"description": "Perubahan."}])
    other = office.register(full_name="Klien Lain")
    client.force_login(office.head)
    url = reverse("cases:plan_change_decision", args=[other.pk, change.pk])
    assert client.get(url).status_code == 404


def test_only_heads_see_the_decision_form(client, office):
    case = planned_case(office, goals=1)
    change = propose(client, office, case, [{"description": "Perubahan."}])
    for user, shown in ((office.counselor, False), (office.auditor, False), (office.head, True)):
        client.force_login(user)
        page = client.get(decision_url(change)).content.decode()
        assert ('name="decision"' in page) is shown


# The case page and the heads' home


def test_the_case_page_shows_the_plan_with_progress_and_late_goals(client, office):
    case = planned_case(office, goals=3)
    first, _second, third = selectors.goals_of(case)
    Goal.objects.filter(pk=first.pk).update(status=GoalStatus.ACHIEVED)
    Goal.objects.filter(pk=third.pk).update(
        target_date=timezone.localdate() - datetime.timedelta(1)
    )
    in_english(client).force_login(office.counselor)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Intervention plan" in page
    assert "1 of 3 goals achieved" in page
    assert page.count(">late<") == 1
    assert change_url(case) in page  # the counselor may propose a change


def test_the_case_page_shows_the_latest_review(client, office):
    case = planned_case(office, goals=1)
    data = session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case)
    execute(client, office.counselor, case, data)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Ada kemajuan." in page


def test_heads_see_a_pending_change_on_the_case_page_and_their_home(client, office):
    case = planned_case(office, goals=1)
    change = propose(client, office, case, [{"description": "Perubahan."}])
    client.force_login(office.head)
    assert (
        decision_url(change) in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    assert decision_url(change) in client.get("/").content.decode()


def case_page_queries(client, office, goals: int) -> int:
    case = planned_case(office, goals=goals)
    execute(
        client,
        office.counselor,
        case,
        session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case),
    )
    client.force_login(office.counselor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    return len(queries)


def test_the_case_page_costs_the_same_however_many_goals(client, office):
    assert case_page_queries(client, office, 1) == case_page_queries(client, office, 5)


def test_planned_services_are_those_of_open_approved_goals(office):
    case = planned_case(office, goals=2)
    first, second = selectors.goals_of(case)
    Goal.objects.filter(pk=first.pk).update(services=["protection"], status=GoalStatus.ACHIEVED)
    Goal.objects.filter(pk=second.pk).update(services=["outreach", "counseling"])
    assert selectors.planned_services(case) == {"outreach", "counseling"}
    assert selectors.planned_services(office.register()) == set()


def test_a_returned_assessments_goals_are_sent_again_as_they_were_prefilled(client, office):
    case = office.assess(office.assign(office.register()), goals=2)
    case = office.review_assessment(case, approved=False, comment="Perjelas target.")
    data = {**ASSESSMENT, **goals_post(office.counselor, 2), "goals-INITIAL_FORMS": "2"}
    execute(client, office.counselor, case, data)
    revised = case.assessments.order_by("-id").first()
    assert [goal.description for goal in revised.plan_goals.all()] == GOALS[:2]
