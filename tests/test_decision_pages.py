"""The head's decision pages: the file the decision rests on, and taking and deciding in one step.

Also the counselor's side of a return: every task a return creates says what came back and why.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import Action, AuditEvent
from flows import services as flow_services
from lk3_flow.choices import NextStep, ReferralStatus, Review, Service
from lk3_flow.models import Assessment, Closure, Referral
from tests.factories import ASSESSMENT, CLOSURE, make_partner
from tests.test_task_conflicts import english_client, task_url


def open_task(case) -> Task:
    return flow_services.open_tasks(case).select_related("process").get()


@pytest.fixture
def awaiting_assessment_approval(office):
    return office.assess(office.assign(office.register()))


def test_the_queue_link_opens_the_decision_page_without_taking_the_task(
    office, awaiting_assessment_approval
):
    task = open_task(awaiting_assessment_approval)
    head = english_client(office.head)

    response = head.get(task_url(task, "index"))

    assert response.status_code == 302
    assert response.url == task_url(task, "execute")
    page = head.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "The assessment to decide on" in text
    for value in ASSESSMENT.values():
        if isinstance(value, str):
            assert value in text
    assert "Send the decision" in text
    task.refresh_from_db()
    assert task.owner_id is None and task.status == STATUS.NEW


def test_one_post_takes_and_decides(office, awaiting_assessment_approval):
    task = open_task(awaiting_assessment_approval)
    head = english_client(office.head)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    response = head.post(task_url(task, "execute"), {"decision": "approve", "comment": ""})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == STATUS.DONE and task.owner == office.head
    assert Assessment.objects.get().review == Review.APPROVED
    completed = AuditEvent.objects.filter(pk__gt=before, action=Action.TASK_COMPLETED)
    assert completed.count() == 1  # taking it is part of the decision, not an event of its own
    assert not AuditEvent.objects.filter(pk__gt=before, action=Action.TASK_ASSIGNED).exists()


def test_a_decision_sent_back_for_correction_leaves_the_task_in_the_queue(
    office, awaiting_assessment_approval
):
    task = open_task(awaiting_assessment_approval)
    head = english_client(office.head)

    response = head.post(task_url(task, "execute"), {"decision": "return", "comment": " "})

    assert response.status_code == 200
    assert "Write the reason for returning it" in response.content.decode()
    task.refresh_from_db()
    assert task.owner_id is None and task.status == STATUS.NEW
    assert Assessment.objects.get().review == Review.PENDING


@pytest.mark.parametrize("who", ["counselor", "auditor", "intake"])
def test_only_heads_open_or_send_a_decision(office, awaiting_assessment_approval, who):
    task = open_task(awaiting_assessment_approval)
    client = english_client(getattr(office, who))

    assert client.get(task_url(task, "execute")).status_code in (403, 404)
    response = client.post(task_url(task, "execute"), {"decision": "approve"})

    assert response.status_code in (403, 404)
    task.refresh_from_db()
    assert task.owner_id is None and task.status == STATUS.NEW


def test_the_referral_decision_shows_partner_reason_services_and_consent(office):
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    case = office.propose_referral(case)
    head = english_client(office.head)

    text = head.get(task_url(open_task(case), "execute")).content.decode()

    assert "The referral to decide on" in text
    assert office.partner.name in text
    assert "Membutuhkan pendampingan hukum perceraian." in text
    with translation.override("en"):
        assert str(Service("accompaniment").label) in text  # the label, never the code
    assert "did not agree to share their data" in text
    assert "Klien menceritakan konflik dengan pasangan." in text  # the sessions so far
    assert "1 service given" in text


def test_the_referral_decision_says_when_the_client_agreed_to_share(office):
    case = office.register(consent_share_with_partners=True)
    case = office.session(office.to_counseling(case), NextStep.PROPOSE_REFERRAL)
    case = office.propose_referral(case)

    text = english_client(office.head).get(task_url(open_task(case), "execute")).content
    assert "agreed that their data may be shared" in text.decode()


def test_the_closure_decision_shows_the_closure_the_letters_and_earlier_returns(office):
    case = office.to_counseling(office.register())
    case = office.review_closure(
        office.propose_closure(office.session(case, NextStep.PROPOSE_CLOSURE)),
        approved=False,
        comment="Tunggu hasil kunjungan rumah.",
    )
    case = office.propose_closure(office.session(case, NextStep.PROPOSE_CLOSURE))
    head = english_client(office.head)

    text = head.get(task_url(open_task(case), "execute")).content.decode()

    assert "The closure to decide on" in text
    assert CLOSURE["summary"] in text and CLOSURE["follow_up_plan"] in text
    assert "Returned before" in text and "Tunggu hasil kunjungan rumah." in text
    assert "2 services given" in text
    for letter in case.letters.all():
        assert letter.number in text
    assert Closure.objects.filter(review=Review.PENDING).count() == 1


def test_the_decision_page_costs_the_same_with_more_sessions(office):
    def queries_for(sessions: int) -> int:
        case = office.to_counseling(office.register())
        for _ in range(sessions - 1):
            case = office.session(case)
        case = office.propose_closure(office.session(case, NextStep.PROPOSE_CLOSURE))
        head = english_client(office.head)
        url = task_url(open_task(case), "execute")
        head.get(url)  # warm the caches the first page of a session fills
        with CaptureQueriesContext(connection) as captured:
            assert head.get(url).status_code == 200
        return len(captured)

    assert queries_for(1) == queries_for(6)


def test_the_assignment_is_decided_from_the_queue_in_one_step(office):
    case = office.register()
    task = open_task(case)
    head = english_client(office.head)

    page = head.get(task_url(task, "execute")).content.decode()
    assert "What was recorded at registration" in page
    assert "Sering bertengkar dengan suami." in page
    response = head.post(task_url(task, "execute"), {"counselor": office.counselor.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.counselor == office.counselor


def test_the_case_page_offers_the_decision_to_a_head(office, awaiting_assessment_approval):
    task = open_task(awaiting_assessment_approval)
    head = english_client(office.head)

    page = head.get(reverse("cases:detail", args=[awaiting_assessment_approval.pk]))

    assert task_url(task, "execute") in page.content.decode()
    assert "Decide" in page.content.decode()


def test_a_returned_referral_says_what_came_back_on_the_counselors_next_task(office):
    other = make_partner("P2TP2A Kabupaten Lebak")
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(
        office.propose_referral(case, partner=other), approved=False, comment="Pilih mitra lain."
    )
    counselor = english_client(office.counselor)

    text = counselor.get(task_url(open_task(case), "execute")).content.decode()

    assert f"Your referral to {other.name} was returned by" in text
    assert "Pilih mitra lain." in text
    assert Referral.objects.get().status == ReferralStatus.RETURNED


def test_a_returned_assessment_says_who_returned_it(office, awaiting_assessment_approval):
    case = office.review_assessment(
        awaiting_assessment_approval, approved=False, comment="Lengkapi risiko anak."
    )
    text = english_client(office.counselor).get(task_url(open_task(case), "execute"))

    assert "Your assessment was returned by Pimpinan on" in text.content.decode()
    assert "Lengkapi risiko anak." in text.content.decode()


def test_a_task_returned_before_the_record_was_kept_still_shows_the_note(
    office, awaiting_assessment_approval
):
    case = office.review_assessment(
        awaiting_assessment_approval, approved=False, comment="Lengkapi risiko anak."
    )
    task = open_task(case)
    task.data = {"returned_comment": "Lengkapi risiko anak."}
    task.save()

    text = english_client(office.counselor).get(task_url(task, "execute")).content.decode()
    assert "Returned by the head with a note:" in text and "Lengkapi risiko anak." in text
