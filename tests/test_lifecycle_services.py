"""Every path of the case process, driven through the service layer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from flows import services as flow_services
from flows.flows import CaseFlow
from lk3_flow import services
from lk3_flow.choices import CaseStatus, NextStep, ReferralStatus, Review, Stage
from lk3_flow.models import Case


def open_task_names(case: Case) -> list[str]:
    return [task.flow_task.name for task in flow_services.open_tasks(case)]


def done_task_names(case: Case) -> list[str]:
    return [
        task.flow_task.name
        for task in Task.objects.filter(process_id=case.process_id, status=STATUS.DONE).order_by(
            "id"
        )
    ]


def test_straight_through_without_referral(office):
    case = office.register()
    assert case.number.startswith("LK3-LBK/")
    assert case.stage == Stage.ASSIGN_COUNSELOR
    assert open_task_names(case) == ["assign_counselor"]

    case = office.assign(case)
    assert case.counselor == office.counselor
    assert case.stage == Stage.ASSESSMENT
    assessment_task = flow_services.open_tasks(case).get()
    assert assessment_task.owner == office.counselor

    case = office.review_assessment(office.assess(case))
    assert case.stage == Stage.COUNSELING
    case = office.session(case, NextStep.ANOTHER_SESSION)
    assert case.stage == Stage.COUNSELING
    assert case.sessions.count() == 1
    case = office.session(case, NextStep.PROPOSE_CLOSURE)
    assert case.stage == Stage.PROPOSE_CLOSURE
    case = office.review_closure(office.propose_closure(case))

    assert case.status == CaseStatus.CLOSED
    assert case.stage == Stage.CLOSED
    assert case.process.status == PROCESS.DONE
    assert open_task_names(case) == []
    assert done_task_names(case) == [
        "intake",
        "registration_letters",
        "assign_counselor",
        "assignment_letter",
        "assessment",
        "approve_assessment",
        "check_assessment",
        "assessment_report",
        "counseling",
        "invitation_letter",
        "choose_next_step",
        "counseling",
        "invitation_letter",
        "choose_next_step",
        "propose_closure",
        "approve_closure",
        "check_closure",
        "close",
        "completion_letter",
        "end",
    ]


def test_referral_accepted_returns_to_counseling(office):
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(office.propose_referral(case))
    assert case.stage == Stage.PARTNER_RESPONSE
    assert case.referrals.get().status == ReferralStatus.SENT
    case = office.partner_response(case, ReferralStatus.ACCEPTED)
    assert case.referrals.get().status == ReferralStatus.ACCEPTED
    assert case.stage == Stage.COUNSELING
    assert open_task_names(case) == ["counseling"]


def test_referral_declined_then_second_referral(office):
    second_partner = office.partner.__class__.objects.create(
        name="UPTD PPA Kabupaten Lebak", category="social_welfare"
    )
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    case = office.partner_response(
        office.review_referral(office.propose_referral(case)), ReferralStatus.DECLINED
    )
    case = office.session(case, NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(office.propose_referral(case, partner=second_partner))
    case = office.partner_response(case, ReferralStatus.COMPLETED)
    statuses = list(case.referrals.order_by("id").values_list("partner__name", "status"))
    assert statuses == [
        (office.partner.name, ReferralStatus.DECLINED),
        (second_partner.name, ReferralStatus.COMPLETED),
    ]


def test_referral_returned_goes_back_to_counseling_with_comment(office):
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(
        office.propose_referral(case), approved=False, comment="Pilih mitra lain."
    )
    task = flow_services.open_tasks(case).get()
    assert task.flow_task.name == "counseling"
    assert task.data["returned_comment"] == "Pilih mitra lain."
    assert case.referrals.get().status == ReferralStatus.RETURNED


def test_assessment_returned_then_approved(office):
    case = office.assess(office.assign(office.register()))
    case = office.review_assessment(case, approved=False, comment="Lengkapi risiko anak.")
    assert case.stage == Stage.ASSESSMENT
    task = flow_services.open_tasks(case).get()
    assert task.owner == office.counselor
    assert task.data["returned_comment"] == "Lengkapi risiko anak."
    case = office.review_assessment(office.assess(case))
    assert list(case.assessments.values_list("review", flat=True)) == [
        Review.RETURNED,
        Review.APPROVED,
    ]
    assert case.stage == Stage.COUNSELING


def test_return_without_comment_is_refused_and_changes_nothing(office):
    case = office.assess(office.assign(office.register()))
    with pytest.raises(ValidationError):
        office.review_assessment(case, approved=False, comment="  ")
    case.refresh_from_db()
    assert case.stage == Stage.APPROVE_ASSESSMENT
    assert case.assessments.get().review == Review.PENDING
    assert open_task_names(case) == ["approve_assessment"]
    task = flow_services.open_tasks(case).get()
    assert task.status == STATUS.NEW
    assert task.owner is None


def test_closure_returned_then_approved(office):
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_CLOSURE)
    case = office.review_closure(
        office.propose_closure(case), approved=False, comment="Belum tuntas."
    )
    assert case.stage == Stage.COUNSELING
    assert case.status == CaseStatus.OPEN
    case = office.session(case, NextStep.PROPOSE_CLOSURE)
    case = office.review_closure(office.propose_closure(case))
    assert case.status == CaseStatus.CLOSED


def _walk_to(office, stage: str) -> Case:
    case = office.register()
    walk = [
        ("assign_counselor", lambda c: c),
        ("assessment", office.assign),
        ("approve_assessment", office.assess),
        ("counseling", office.review_assessment),
        ("propose_referral", lambda c: office.session(c, NextStep.PROPOSE_REFERRAL)),
        ("approve_referral", office.propose_referral),
        ("partner_response", office.review_referral),
    ]
    for name, advance in walk:
        case = advance(case)
        if name == stage:
            return case
    raise AssertionError(stage)


@pytest.mark.parametrize(
    "stage",
    [
        "assign_counselor",
        "assessment",
        "approve_assessment",
        "counseling",
        "propose_referral",
        "approve_referral",
        "partner_response",
        "propose_closure",
        "approve_closure",
    ],
)
def test_withdrawal_at_each_stage(office, stage):
    if stage in ("propose_closure", "approve_closure"):
        case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_CLOSURE)
        if stage == "approve_closure":
            case = office.propose_closure(case)
    else:
        case = _walk_to(office, stage)
    assert case.stage == stage

    flow_services.withdraw_case(case, actor=office.head, reason="Klien pindah ke luar daerah.")

    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert case.stage == Stage.WITHDRAWN
    assert case.withdrawal_reason == "Klien pindah ke luar daerah."
    assert case.process.status == PROCESS.CANCELED
    assert open_task_names(case) == []


def test_withdrawal_needs_head_and_reason(office):
    case = office.register()
    with pytest.raises(PermissionDenied):
        flow_services.withdraw_case(case, actor=office.counselor, reason="x")
    with pytest.raises(ValidationError):
        flow_services.withdraw_case(case, actor=office.head, reason=" ")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert open_task_names(case) == ["assign_counselor"]


def test_reopening_a_closed_case(office):
    closed = office.to_closed(office.register())
    reopened = flow_services.reopen_case(closed, actor=office.head, reason="Konflik muncul lagi.")
    assert reopened.pk != closed.pk
    assert reopened.reopened_from == closed
    assert reopened.client == closed.client
    assert reopened.complaint == "Konflik muncul lagi."
    assert reopened.stage == Stage.ASSIGN_COUNSELOR
    assert open_task_names(reopened) == ["assign_counselor"]
    assert reopened.process.flow_class is CaseFlow
    office.to_closed(reopened)


def test_only_closed_cases_can_be_reopened(office):
    case = office.register()
    with pytest.raises(ValidationError):
        flow_services.reopen_case(case, actor=office.head, reason="x")
    assert Case.objects.count() == 1


def test_wrong_role_cannot_act(office):
    case = office.register()
    with pytest.raises(PermissionDenied):
        office.step(
            case,
            "assign_counselor",
            office.counselor,
            lambda c: services.assign_counselor(
                case=c, counselor=office.counselor, actor=office.counselor
            ),
        )
    case = office.assign(case)
    with pytest.raises(PermissionDenied):
        office.step(
            case,
            "assessment",
            office.other_counselor,
            lambda c: services.record_assessment(case=c, author=office.other_counselor, data={}),
        )
    with pytest.raises(PermissionDenied):
        flow_services.start_case(actor=office.counselor, registration=None)


def test_registration_requires_consent(office):
    from tests.factories import registration

    with pytest.raises(ValidationError):
        flow_services.start_case(
            actor=office.intake, registration=registration(consent_given=False)
        )
    assert Case.objects.count() == 0
