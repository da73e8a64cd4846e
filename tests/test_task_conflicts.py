"""Two people on one task at once: the one who comes second is told what happened (409).

Before, they saw a 403 "no right to this page" or viewflow's raw `no transition from "DONE"`, and
a process lock held past viewflow's retries was a 500. Whoever loses keeps what they typed.
"""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from viewflow.workflow import lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from flows import services as flow_services
from flows.flows import CaseFlow
from lk3_flow.choices import NextStep
from lk3_flow.models import Assessment, Case, CounselingSession
from tests.factories import make_user
from tests.test_lifecycle_http import session_post


def task_url(task: Task, action: str) -> str:
    return reverse(f"case:{task.flow_task.name}:{action}", args=[task.process_id, task.pk])


def english_client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def open_task(case: Case) -> Task:
    return flow_services.open_tasks(case).get()


@pytest.fixture
def counseling(office) -> Case:
    return office.to_counseling(office.register())


@pytest.fixture
def awaiting_approval(office) -> Case:
    office.second_head = make_user("pimpinan2", "head", "Penanggung Jawab Operasional")
    office.second_head.first_name, office.second_head.last_name = "Dadang", "Sutisna"
    office.second_head.save()
    return office.assess(office.assign(office.register()))


def test_a_second_submission_of_a_completed_task_says_who_completed_it(office, counseling):
    task = open_task(counseling)
    first_tab, second_tab = english_client(office.counselor), english_client(office.counselor)
    assert second_tab.get(task_url(task, "execute")).status_code == 200
    assert (
        first_tab.post(
            task_url(task, "execute"), session_post(NextStep.ANOTHER_SESSION)
        ).status_code
        == 302
    )

    typed = {
        **session_post(NextStep.ANOTHER_SESSION),
        "notes": "Catatan <b>kedua</b> yang panjang.",
    }
    response = second_tab.post(task_url(task, "execute"), typed)

    assert response.status_code == 409
    page = response.content.decode()
    finished = timezone.localtime(Task.objects.get(pk=task.pk).finished)
    with translation.override("en"):
        when = dateformat.format(finished, "j F Y H:i")
    assert f"This task was completed by Konselor on {when}." in page
    assert "Catatan &lt;b&gt;kedua&lt;/b&gt; yang panjang." in page  # kept, and escaped
    assert "What you typed has not been saved" in page
    assert "no transition" not in page
    assert CounselingSession.objects.count() == 1


def test_a_task_page_opened_after_completion_says_so(office, counseling):
    task = open_task(counseling)
    client = english_client(office.counselor)
    client.post(task_url(task, "execute"), session_post(NextStep.ANOTHER_SESSION))
    response = client.get(task_url(task, "execute"))
    assert response.status_code == 409
    assert "This task was completed by Konselor on" in response.content.decode()


def test_two_heads_taking_the_same_queued_task(office, awaiting_approval):
    task = open_task(awaiting_approval)
    first, second = english_client(office.head), english_client(office.second_head)
    assert first.post(task_url(task, "assign")).status_code == 302
    response = second.post(task_url(task, "assign"))
    assert response.status_code == 409
    assert "This task was taken by Pimpinan." in response.content.decode()
    assert Task.objects.get(pk=task.pk).owner == office.head


def test_a_head_whose_task_a_colleague_put_back_still_decides_it(office, awaiting_approval):
    """Back in the queue, the task is any head's to decide, the one who typed it included."""
    task = open_task(awaiting_approval)
    head, colleague = english_client(office.head), english_client(office.second_head)
    head.post(task_url(task, "assign"))
    assert colleague.post(task_url(task, "unassign")).status_code == 302

    response = head.post(
        task_url(task, "execute"), {"decision": "return", "comment": "Lengkapi data anak."}
    )

    assert response.status_code == 302
    assert Assessment.objects.get().review == "returned"
    assert Task.objects.get(pk=task.pk).owner == office.head


def test_a_head_whose_task_a_colleague_took_keeps_the_decision_typed(office, awaiting_approval):
    task = open_task(awaiting_approval)
    head, colleague = english_client(office.head), english_client(office.second_head)
    head.post(task_url(task, "assign"))
    assert colleague.post(task_url(task, "unassign")).status_code == 302
    assert colleague.post(task_url(task, "assign")).status_code == 302

    response = head.post(
        task_url(task, "execute"), {"decision": "return", "comment": "Lengkapi data anak."}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "This task is now assigned to Dadang Sutisna." in page
    assert "Lengkapi data anak." in page
    assert "Return to the counselor" in page  # the choice's label, not its code
    assert Assessment.objects.get().review == "pending"


def test_a_task_of_a_withdrawn_case(office, counseling):
    task = open_task(counseling)
    head = english_client(office.head)
    withdraw = reverse("cases:withdraw", args=[counseling.pk])
    assert head.post(withdraw, {"reason": "Klien pindah.", "confirm": "on"}).status_code == 302
    response = english_client(office.counselor).post(
        task_url(task, "execute"), session_post(NextStep.ANOTHER_SESSION)
    )
    assert response.status_code == 409
    assert "This task was cancelled on" in response.content.decode()
    assert CounselingSession.objects.count() == 0


def test_someone_without_a_right_to_the_step_learns_nothing_more(office, counseling):
    task = open_task(counseling)
    english_client(office.counselor).post(
        task_url(task, "execute"), session_post(NextStep.ANOTHER_SESSION)
    )
    for user in (office.auditor, office.head):
        response = english_client(user).post(
            task_url(task, "execute"), session_post(NextStep.ANOTHER_SESSION)
        )
        assert response.status_code == 403
        assert "completed by" not in response.content.decode()


@pytest.fixture
def lock_held_elsewhere(monkeypatch):
    """A process lock someone else holds for longer than the retries: viewflow's cache lock with
    its key already taken, and a single attempt so that the test does not wait."""
    monkeypatch.setattr(CaseFlow, "lock_impl", lock.CacheLock(cache=cache, attempts=1))

    def hold(case: Case) -> None:
        cache.add(f"django-viewflow-lock-{CaseFlow.instance.flow_label}/{case.process_id}", "x")

    yield hold
    cache.clear()


def test_a_busy_lock_on_a_task_page_is_409_and_keeps_what_was_typed(
    office, counseling, lock_held_elsewhere
):
    task = open_task(counseling)
    lock_held_elsewhere(counseling)
    typed = {**session_post(NextStep.ANOTHER_SESSION), "notes": "Sesi yang tertunda."}
    response = english_client(office.counselor).post(task_url(task, "execute"), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else is saving this case right now" in page
    assert "Sesi yang tertunda." in page
    assert CounselingSession.objects.count() == 0
    assert Task.objects.get(pk=task.pk).status == STATUS.ASSIGNED


def test_a_busy_lock_on_a_case_page_is_409(office, counseling, lock_held_elsewhere):
    lock_held_elsewhere(counseling)
    response = english_client(office.head).post(
        reverse("cases:reassign", args=[counseling.pk]),
        {"counselor": office.other_counselor.pk, "reason": "Cuti.", "confirm": "on"},
    )
    assert response.status_code == 409
    assert "Someone else is saving this case right now" in response.content.decode()
    assert Case.objects.get(pk=counseling.pk).counselor == office.counselor


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_process_row_locked_by_another_connection(monkeypatch):
    from tests.factories import Office

    office = Office()
    case = office.to_counseling(office.register())
    task = open_task(case)
    monkeypatch.setattr(lock.time, "sleep", lambda seconds: None)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT id FROM viewflow_process WHERE id = %s FOR UPDATE", [case.process_id]
                )
                locked.set()
                release.wait(30)
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(30)
        response = english_client(office.counselor).post(
            task_url(task, "execute"), session_post(NextStep.ANOTHER_SESSION)
        )
    finally:
        release.set()
        holder.join()
    assert response.status_code == 409
    assert "Someone else is saving this case right now" in response.content.decode()
    assert CounselingSession.objects.count() == 0


def test_a_finished_step_offers_no_give_back_form(office, awaiting_approval):
    """Its give-back page says who completed it instead of asking to confirm a give-back."""
    task = open_task(awaiting_approval)
    client = english_client(office.head)
    client.post(task_url(task, "assign"))
    client.post(task_url(task, "execute"), {"decision": "approve", "comment": ""})

    for action in ("unassign", "assign"):
        response = client.get(task_url(task, action))
        assert response.status_code == 409
        assert "This task was completed by Pimpinan on" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == STATUS.DONE
