"""One event per action: a person's step is one audit event carrying all it set off."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from audit import services as audit
from audit.models import Action, AuditEvent
from flows import services as flow_services
from lk3_flow import services
from lk3_flow.choices import NextStep
from lk3_flow.models import Case
from tests.audit_shapes import actions_in, effects_of, kinds_of
from tests.factories import goal_reviews_post, make_partner
from tests.test_lifecycle_http import START_URL, intake_post

pytestmark = pytest.mark.django_db

# Queries of one counseling session recorded through its task page, the next session scheduled
# (so an invitation letter is issued). Without the letter it fell from 70 to 56 on SQLite when
# each task transition stopped being an event of its own.
# One more than before due dates: the next session's task restarts the case's clock; one more
# since a session may not come before the case's previous one.
# Three more since the session reviews the case plan's open goals: one read of them, one insert
# of the reviews and one update of the goals whose status changed, however many goals there are
# (the case here has two). One more since the next steps offered are read from the plan.
SESSION_PAGE_QUERIES = {"sqlite": 72, "postgresql": 69}


def task_url(task: Task, action: str = "execute") -> str:
    return reverse(f"case:{task.flow_task.name}:{action}", args=[task.process_id, task.pk])


def open_task(case) -> Task:
    return Task.objects.get(process_id=case.process_id, status__in=flow_services.OPEN_TASK_STATUSES)


def session_post(next_session: bool = True) -> dict[str, str]:
    now = timezone.localtime()
    return {
        "scheduled_at": now.strftime("%d/%m/%Y %H:%M"),
        "held_at": now.strftime("%d/%m/%Y %H:%M"),
        "session_type": "couple",
        "duration_minutes": "60",
        "notes": "Sesi pasangan pertama.",
        "progress": "Mulai saling mendengar.",
        "next_step": NextStep.ANOTHER_SESSION,
        "next_session_at": (now + datetime.timedelta(days=7)).strftime("%d/%m/%Y %H:%M")
        if next_session
        else "",
    }


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


def last_position() -> int:
    latest = AuditEvent.objects.order_by("-pk").first()
    return latest.pk if latest else 0


def test_a_session_recorded_on_its_page_is_one_event_with_all_it_set_off(client, office):
    case = office.to_counseling(office.register(full_name="Rina Marlina"), goals=2)
    task = open_task(case)
    client.force_login(office.counselor)
    start = last_position()
    data = session_post() | goal_reviews_post(case, "achieved")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(task_url(task), data)
    assert response.status_code == 302
    [event] = new_events(start)
    assert (event.action, event.case_id, event.actor) == (
        Action.TASK_COMPLETED,
        case.pk,
        office.counselor,
    )
    assert event.actor_role == "Konselor" and event.request_id
    assert (event.object_type, event.object_id) == ("viewflow.Task", str(task.pk))
    assert event.object_label == "Sesi konseling"
    assert event.details["step"] == "counseling"
    effects = effects_of(event)
    steps = {(e["action"], e["details"].get("step")) for e in effects}
    assert (Action.TASK_COMPLETED, "invitation_letter") in steps  # an automatic step
    assert (Action.TASK_CREATED, "counseling") in steps  # the next session's task
    [letter] = [e for e in effects if e["action"] == Action.LETTER_ISSUED]
    invitation = case.letters.get(kind="counseling_invitation")
    assert (letter["object_id"], letter["label"]) == (str(invitation.pk), invitation.number)
    assert all("case_id" not in e for e in effects)  # all on the event's own case
    assert len(queries) == SESSION_PAGE_QUERIES[connection.vendor]


def test_an_approval_is_one_event_with_its_letter_and_the_case_change(client, office):
    case = office.assess(office.assign(office.register()))
    task = open_task(case)
    client.force_login(office.head)
    assert client.post(task_url(task, "assign")).status_code == 302
    start = last_position()
    response = client.post(task_url(task), {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    [event] = new_events(start)
    assert event.action == Action.TASK_COMPLETED and event.actor == office.head
    assert event.object_label == "Persetujuan asesmen"
    kinds = kinds_of(event)
    assert Action.LETTER_ISSUED in kinds and Action.TASK_CREATED in kinds
    [stage] = [e for e in effects_of(event) if e["action"] == Action.CASE_CHANGED]
    assert stage["details"]["changes"]["stage"] == ["approve_assessment", "counseling"]


def test_a_return_is_the_event_of_its_step_with_the_comment(client, office):
    case = office.assess(office.assign(office.register()))
    start = last_position()
    office.review_assessment(case, approved=False, comment="Tambah data anak.")
    [event] = new_events(start)
    assert event.action == Action.TASK_RETURNED
    assert event.details["comment"] == "Tambah data anak."
    assert event.details["step"] == "approve_assessment"
    assert (Action.TASK_CREATED, "assessment") in {
        (e["action"], e["details"].get("step")) for e in effects_of(event)
    }


def test_a_failing_step_writes_nothing(client, office):
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    gone = make_partner("Mitra Lama", active=False)
    start = last_position()
    with pytest.raises(services.ValidationError):
        flow_services.complete_task(
            case,
            actor=office.counselor,
            task_name="propose_referral",
            step=lambda c: services.propose_referral(
                case=c, counselor=office.counselor, partner=gone, reason="x", services_requested=[]
            ),
        )
    assert new_events(start) == []
    client.force_login(office.counselor)
    start = last_position()
    response = client.post(
        task_url(open_task(case)),
        {
            "partner": gone.pk,
            "reason": "Butuh pendampingan.",
            "services_requested": ["accompaniment"],
        },
    )
    assert response.status_code == 200  # the form again, with why
    assert new_events(start) == []
    assert open_task(case).flow_task.name == "propose_referral"
    # Nothing of the failed actions lingers: the next record is an event of its own again.
    assert audit.current_action() is None
    assert audit.record(Action.EXPORTED) is not None


def test_nested_actions_and_records_fold_into_the_outermost(office):
    case = office.register()
    start = last_position()
    with audit.action(Action.CASE_CHANGED, case=case, obj=case, actor=office.head) as outer:
        assert audit.record(Action.CASE_VIEWED, case=case, obj=case) is None
        with audit.action(Action.EXPORTED, details={"format": "csv"}):
            audit.record(Action.LETTER_DOWNLOADED, case_id=case.pk + 1000)
        outer.details["reason"] = "settled inside"
        assert new_events(start) == []
    [event] = new_events(start)
    assert event.actor == office.head and event.details["reason"] == "settled inside"
    viewed, exported = event.details["effects"]
    assert viewed["action"] == Action.CASE_VIEWED and viewed["label"] == case.number
    assert exported["details"]["format"] == "csv"
    [downloaded] = exported["details"]["effects"]
    assert downloaded["case_id"] == case.pk + 1000  # another case than the event's


def test_an_error_inside_an_action_writes_nothing(office):
    start = last_position()
    # Like any code that goes on after an error, the caller holds the savepoint.
    with pytest.raises(RuntimeError), transaction.atomic(), audit.action(Action.EXPORTED):
        audit.record(Action.CASE_VIEWED)
        raise RuntimeError("stop")
    assert new_events(start) == []
    assert audit.current_action() is None


def test_viewflow_own_assign_page_outside_any_action_is_one_event(client, office):
    case = office.assess(office.assign(office.register()))
    task = open_task(case)
    client.force_login(office.head)
    start = last_position()
    assert client.post(task_url(task, "assign")).status_code == 302
    [event] = new_events(start)
    assert (event.action, event.case_id, event.actor) == (
        Action.TASK_ASSIGNED,
        case.pk,
        office.head,
    )
    assert (
        event.object_label == "Persetujuan asesmen" and event.details["owner_id"] == office.head.pk
    )
    assert "effects" not in event.details


def test_labels_name_no_client(office):
    name = "Rina Marlina"
    case = office.to_closed(office.register(full_name=name))
    flow_services.reopen_case(case, actor=office.head, reason="Kembali datang.")
    events = AuditEvent.objects.all()
    labels = [event.object_label for event in events] + [
        effect["label"] for event in events for effect in effects_of(event)
    ]
    assert labels and not [label for label in labels if "Rina" in label or "Marlina" in label]
    assert not [label for label in labels if label.startswith("<")]  # no row references
    registration = events.filter(action=Action.CASE_CREATED, case=case).get()
    [client_created] = [e for e in effects_of(registration) if e["action"] == Action.CLIENT_CREATED]
    assert client_created["label"] == f"K-{case.client_id:06d}"


def test_a_withdrawal_and_a_reassignment_are_one_event_each(office):
    case = office.assign(office.register())
    start = last_position()
    flow_services.reassign_case(
        case, actor=office.head, counselor=office.other_counselor, reason="Cuti."
    )
    [reassignment] = new_events(start)
    assert reassignment.action == Action.CASE_CHANGED and reassignment.details["reason"] == "Cuti."
    kinds = kinds_of(reassignment)
    assert {Action.PERMISSION_REVOKED, Action.PERMISSION_GRANTED, Action.TASK_REASSIGNED} <= set(
        kinds
    )
    start = last_position()
    flow_services.withdraw_case(case, actor=office.head, reason="Pindah.")
    [withdrawal] = new_events(start)
    assert withdrawal.details["changes"]["status"] == ["open", "withdrawn"]
    assert Action.TASK_CANCELLED in kinds_of(withdrawal)
    assert Action.TASK_CANCELLED in actions_in(case=case)


def test_a_registration_on_its_page_is_one_event_after_the_duplicate_check(client, office):
    client.force_login(office.intake)
    start = last_position()
    assert client.post(START_URL, intake_post()).status_code == 302
    checked, registration = new_events(start)
    assert checked.action == Action.DUPLICATE_CHECKED  # a look-up of its own, before the case
    case = Case.objects.get()
    assert (registration.action, registration.case_id) == (Action.CASE_CREATED, case.pk)
    assert registration.object_label == case.number and registration.actor == office.intake
    assert registration.details["changes"]["number"] == [None, case.number]
    kinds = kinds_of(registration)
    assert {Action.CLIENT_CREATED, Action.TASK_CREATED, Action.TASK_COMPLETED} <= set(kinds)
    assert kinds.count(Action.LETTER_ISSUED) == 2  # the receipt and the consent statement
