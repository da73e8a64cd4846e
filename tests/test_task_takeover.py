"""Nobody takes over a task through viewflow's own actions: one rule decides who acts on which step.

The hole this closes: a counselor unassigned their own task in viewflow's task page, the task then
had no owner, and an auditor (or a head) could assign it to themselves and save the counseling
session as its counselor. Counselor tasks belong to the case's counselor, head tasks to the heads,
auditors act on nothing, and cancel/undo/revive are not offered to anyone through the pages.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from viewflow.workflow.flow.views import BulkAssignTasksActionView, BulkUnassignTasksActionView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from flows import services as flow_services
from flows.flows import CaseFlow
from lk3_flow.choices import NextStep
from lk3_flow.models import Case, CounselingSession
from permissions.selectors import may_act_on_task
from tests.factories import make_user
from tests.test_lifecycle_http import session_post

REFUSED = (403, 404, 405)


def task_url(task: Task, action: str) -> str:
    return reverse(f"case:{task.flow_task.name}:{action}", args=[task.process_id, task.pk])


def open_task(case: Case, node) -> Task:
    return flow_services.open_tasks(case).get(flow_task=node)


def state(case: Case) -> tuple:
    """What an action on the case's tasks could change."""
    return (
        tuple(
            Task.objects.filter(process_id=case.process_id)
            .order_by("id")
            .values_list("id", "status", "owner_id")
        ),
        CounselingSession.objects.count(),
    )


@pytest.fixture
def counseling(office) -> Case:
    return office.to_counseling(office.register())


@pytest.fixture
def left_unowned(counseling) -> Task:
    """A counseling task that lost its owner, as an unassign before this rule left them."""
    task = open_task(counseling, CaseFlow.counseling)
    Task.objects.filter(pk=task.pk).update(owner=None, status=STATUS.NEW)
    return Task.objects.get(pk=task.pk)


def test_the_counselor_cannot_unassign_their_task(client, office, counseling):
    task = open_task(counseling, CaseFlow.counseling)
    client.force_login(office.counselor)
    before = state(counseling)
    assert client.post(task_url(task, "unassign")).status_code in REFUSED
    assert state(counseling) == before
    assert Task.objects.get(pk=task.pk).owner == office.counselor


@pytest.mark.parametrize("intruder", ["auditor", "head", "other_counselor", "intake"])
def test_nobody_else_takes_an_unowned_counselor_task(client, office, left_unowned, intruder):
    client.force_login(getattr(office, intruder))
    case = Case.objects.get(process_id=left_unowned.process_id)
    before = state(case)
    assert client.post(task_url(left_unowned, "assign")).status_code in REFUSED
    assert client.get(task_url(left_unowned, "execute")).status_code in REFUSED
    post = client.post(task_url(left_unowned, "execute"), session_post(NextStep.ANOTHER_SESSION))
    assert post.status_code in REFUSED
    assert state(case) == before


def test_the_cases_counselor_takes_an_unowned_task_back(client, office, left_unowned):
    client.force_login(office.counselor)
    assert client.post(task_url(left_unowned, "assign")).status_code == 302
    response = client.post(
        task_url(left_unowned, "execute"), session_post(NextStep.ANOTHER_SESSION)
    )
    assert response.status_code == 302
    assert CounselingSession.objects.get().counselor == office.counselor


@pytest.mark.parametrize("action", ["cancel", "undo", "revive"])
@pytest.mark.parametrize("who", ["head", "auditor", "counselor", "superuser"])
def test_cancel_undo_and_revive_are_offered_to_nobody(client, office, counseling, who, action):
    if who == "superuser":
        user = make_user("super", "head")
        user.is_superuser = True
        user.save()
    else:
        user = getattr(office, who)
    client.force_login(user)
    done = Task.objects.filter(
        process_id=counseling.process_id, flow_task=CaseFlow.assessment, status=STATUS.DONE
    ).first()
    target = open_task(counseling, CaseFlow.counseling) if action == "cancel" else done
    if action == "revive":
        Task.objects.filter(pk=target.pk).update(status=STATUS.CANCELED)
    before = state(counseling)
    assert client.get(task_url(target, action)).status_code in REFUSED
    assert client.post(task_url(target, action)).status_code in REFUSED
    process_cancel = reverse("case:process_cancel", args=[counseling.process_id])
    assert client.post(process_cancel, {"_cancel_process": "1"}).status_code in REFUSED
    assert state(counseling) == before


def test_the_rule_per_kind_of_step(office, counseling):
    counseling_task = open_task(counseling, CaseFlow.counseling)
    assert may_act_on_task(office.counselor, counseling_task)
    for user in (office.head, office.auditor, office.other_counselor, office.intake):
        assert not may_act_on_task(user, counseling_task)

    queued = office.register(full_name="Klien Antrean")
    head_task = open_task(queued, CaseFlow.assign_counselor)
    second_head = make_user("pimpinan2", "head")
    assert may_act_on_task(office.head, head_task)
    assert may_act_on_task(second_head, head_task)
    for user in (office.auditor, office.counselor, office.intake):
        assert not may_act_on_task(user, head_task)

    # An auditor who is also in the heads' group still changes nothing.
    auditing_head = make_user("pimpinan.auditor", "head")
    auditing_head.groups.add(*office.auditor.groups.all())
    auditing_head = type(auditing_head).objects.get(pk=auditing_head.pk)
    assert not may_act_on_task(auditing_head, head_task)

    # A person who is no longer active acts on nothing, whatever task still carries their name.
    office.counselor.is_active = False
    office.counselor.save()
    assert not may_act_on_task(office.counselor, counseling_task)


def test_an_auditor_cannot_take_a_heads_task_from_the_queue(client, office):
    case = office.register(full_name="Klien Antrean")
    task = open_task(case, CaseFlow.assign_counselor)
    client.force_login(office.auditor)
    assert client.post(task_url(task, "assign")).status_code in REFUSED
    assert Task.objects.get(pk=task.pk).owner is None


def test_a_head_whose_role_was_taken_away_cannot_finish_a_claimed_task(client, office):
    case = office.register(full_name="Klien Antrean")
    task = open_task(case, CaseFlow.assign_counselor)
    client.force_login(office.head)
    assert client.post(task_url(task, "assign")).status_code == 302
    office.head.groups.clear()
    response = client.post(task_url(task, "execute"), {"counselor": office.counselor.pk})
    assert response.status_code in REFUSED
    assert Case.objects.get(pk=case.pk).counselor is None


def test_the_service_path_applies_the_same_rule(office, left_unowned):
    case = Case.objects.get(process_id=left_unowned.process_id)
    with pytest.raises(PermissionDenied):
        office.step(case, "counseling", office.auditor, lambda c: None)
    assert Task.objects.get(pk=left_unowned.pk).owner is None


@pytest.mark.parametrize(
    ("bulk_view", "who"),
    [("assign", "auditor"), ("assign", "head"), ("unassign", "auditor"), ("unassign", "head")],
)
def test_the_bulk_forms_ask_the_same_rule(office, counseling, left_unowned, bulk_view, who):
    """The viewset serves no bulk form; if one were mounted, its per-task check is the rule."""
    view_class = {"assign": BulkAssignTasksActionView, "unassign": BulkUnassignTasksActionView}[
        bulk_view
    ]
    if bulk_view == "unassign":
        Task.objects.filter(pk=left_unowned.pk).update(
            owner=office.counselor, status=STATUS.ASSIGNED
        )
    target = Task.objects.get(pk=left_unowned.pk)
    request = RequestFactory().post("/", {"pk": [target.pk]})
    request.user = getattr(office, who)
    view = view_class(queryset=Task.objects.all())
    view.setup(request)
    before = state(counseling)
    with pytest.raises(PermissionDenied):
        view.form_valid(form=None)
    assert state(counseling) == before


def test_the_bulk_forms_are_not_served(client, office):
    client.force_login(office.head)
    for url in ("/case/queue/assign/", "/case/inbox/unassign/"):
        assert client.post(url, {"pk": ["1"]}).status_code == 404
