"""A deactivated person's open work is flagged to the heads and handed over in one action."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from viewflow.workflow.models import Task

from audit.models import Action, AuditEvent
from flows import services as flow_services
from flows.services import OPEN_TASK_STATUSES
from lk3_flow.models import Case, CounselorChange
from permissions.selectors import CaseAccess, case_access
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def deactivate(user) -> None:
    user.is_active = False
    user.save()


def open_tasks_of(user) -> list[Task]:
    return list(Task.objects.filter(owner=user, status__in=OPEN_TASK_STATUSES))


@pytest.fixture
def carried(office):
    """Two cases of the counselor: one waiting for the counselor, one waiting for the head."""
    in_assessment = office.assign(office.register(full_name="Klien Asesmen"))
    awaiting_head = office.assess(office.assign(office.register(full_name="Klien Menunggu")))
    return in_assessment, awaiting_head


def test_the_workload_page_flags_a_deactivated_person_with_open_work(office, carried):
    head = logged_in(office.head)
    url = reverse("cases:workload")
    hand_over = reverse("cases:hand_over", args=[office.counselor.pk])
    assert hand_over not in head.get(url).content.decode()
    deactivate(office.counselor)
    with translation.override("en"):
        page = head.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert hand_over in page
    assert reverse("cases:hand_over", args=[office.other_counselor.pk]) not in page


def test_one_action_hands_everything_over(office, carried):
    in_assessment, awaiting_head = carried
    counselor, successor = office.counselor, office.other_counselor
    deactivate(counselor)
    head = logged_in(office.head)
    url = reverse("cases:hand_over", args=[counselor.pk])
    page = head.get(url).content.decode()
    assert in_assessment.number in page
    # No confirmation, nothing moves.
    response = head.post(url, {"person": successor.pk, "reason": "Pindah tugas."})
    assert response.status_code == 200
    assert len(open_tasks_of(counselor)) == 1

    response = head.post(url, {"person": successor.pk, "reason": "Pindah tugas.", "confirm": "on"})
    assert response.status_code == 302
    assert open_tasks_of(counselor) == []
    assert [task.flow_task.name for task in open_tasks_of(successor)] == ["assessment"]
    for case in (in_assessment, awaiting_head):
        case = Case.objects.get(pk=case.pk)
        assert case.counselor == successor
        assert case_access(successor, case) == CaseAccess.FULL
        assert CounselorChange.objects.filter(case=case, previous=counselor, new=successor).exists()
        event = AuditEvent.objects.get(action=Action.TASKS_HANDED_OVER, case=case)
        assert (event.actor_id, event.details["to_user_id"]) == (office.head.pk, successor.pk)
    assert (
        reverse("cases:hand_over", args=[counselor.pk])
        not in head.get(reverse("cases:workload")).content.decode()
    )
    # The next counselor task of the case waiting for the head goes to the successor too.
    office.review_assessment(awaiting_head)
    tasks = Task.objects.filter(process_id=awaiting_head.process_id, status__in=OPEN_TASK_STATUSES)
    assert [task.owner for task in tasks] == [successor]


def test_a_head_task_goes_to_another_head(office):
    case = office.register(full_name="Klien Antre")
    task = Task.objects.get(process_id=case.process_id, status__in=OPEN_TASK_STATUSES)
    task.flow_task.activation_class(task).assign(office.head)
    other_head = make_user("pimpinan2", "head")
    deactivate(office.head)
    with pytest.raises(ValidationError):
        flow_services.hand_over_open_tasks(
            other_head, office.head, office.counselor, reason="Pensiun."
        )
    assert open_tasks_of(office.head) == [task]
    handed = flow_services.hand_over_open_tasks(
        other_head, office.head, other_head, reason="Pensiun."
    )
    assert (handed.cases, handed.tasks) == (0, 1)
    assert open_tasks_of(other_head) == [Task.objects.get(pk=task.pk)]


def test_the_wrong_person_or_an_active_one_is_refused_and_nothing_moves(office, carried):
    counselor = office.counselor
    with pytest.raises(ValidationError):
        flow_services.hand_over_open_tasks(
            office.head, counselor, office.other_counselor, reason="x"
        )
    deactivate(counselor)
    for wrong in (office.auditor, office.head, office.intake, counselor):
        with pytest.raises(ValidationError):
            flow_services.hand_over_open_tasks(office.head, counselor, wrong, reason="x")
    with pytest.raises(PermissionDenied):
        flow_services.hand_over_open_tasks(
            office.other_counselor, counselor, office.other_counselor, reason="x"
        )
    assert len(open_tasks_of(counselor)) == 1
    assert Case.objects.filter(counselor=counselor).count() == 2
    assert not AuditEvent.objects.filter(action=Action.TASKS_HANDED_OVER).exists()
    head = logged_in(office.head)
    url = reverse("cases:hand_over", args=[counselor.pk])
    response = head.post(url, {"person": office.auditor.pk, "reason": "x", "confirm": "on"})
    assert response.status_code == 200
    assert Case.objects.filter(counselor=counselor).count() == 2


def test_only_heads_open_the_hand_over_page(office, carried):
    deactivate(office.counselor)
    url = reverse("cases:hand_over", args=[office.counselor.pk])
    for role in ("intake", "other_counselor", "auditor"):
        client = logged_in(getattr(office, role))
        assert client.get(url).status_code == 403
        assert client.post(url, {"person": office.other_counselor.pk}).status_code == 403
        # The same answer whether or not the account exists or is deactivated.
        for pk in (office.other_counselor.pk, 999_999):
            assert client.get(reverse("cases:hand_over", args=[pk])).status_code == 403
    head = logged_in(office.head)
    assert head.get(reverse("cases:hand_over", args=[office.other_counselor.pk])).status_code == 404
