"""The life of a case at an LK3, declared as one process.

Read it top to bottom: a case is registered, a counselor is assigned, the counselor assesses and
plans, and the head approves or returns the assessment. Then the services of the plan follow,
one after another as the counselor chooses after each: counseling sessions, home visits and
accompaniments (each prepared, assigned by letter, then reported), a protection (proposed,
approved by the head, its placement letter sent, its end recorded), a consultation, a referral
(approved by the head, answered by the partner), until the counselor proposes closure, which the
head approves or returns. The head may withdraw a case at any stage
(`flows.services.withdraw_case`); a closed case can be reopened as a new one.
"""

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from letters.models import LetterKind
from letters.services import issue_letter
from lk3_flow import selectors, services
from lk3_flow.choices import NextStep, Stage
from lk3_flow.models import CounselingSession
from notifications import services as notifications
from permissions.roles import MANAGE_CASE, REGISTER_CASE
from workdays.selectors import end_of_day

from . import activity_views, nodes, views
from .models import CaseProcess


class CaseFlow(flow.Flow):
    process_class = CaseProcess
    process_title = _("Case")
    process_description = _("Family welfare consultation services, from registration to closure.")
    lock_impl = lock.select_for_update_lock

    intake = (
        flow.Start(views.IntakeView.as_view())
        .Annotation(title=_("Client and case registration"))
        .Permission(REGISTER_CASE)
        .Next(this.registration_letters)
    )
    reopen = (
        flow.StartHandle(this.attach_reopened_case)
        .Annotation(title=_("Reopening of a closed case"))
        .Next(this.registration_letters)
    )
    registration_letters = (
        flow.Function(this.issue_registration_letters)
        .Annotation(title=_("Registration receipt and consent statement"))
        .Next(this.assign_counselor)
    )

    assign_counselor = (
        nodes.HeadTask(views.AssignCounselorView.as_view())
        .Annotation(title=_("Counselor assignment"))
        .Permission(MANAGE_CASE)
        .onCreate(this.enter_stage)
        .Next(this.assignment_letter)
    )
    assignment_letter = (
        flow.Function(this.issue_assignment_letter)
        .Annotation(title=_("Letter of assignment"))
        .Next(this.assessment)
    )

    assessment = (
        nodes.CounselorTask(views.AssessmentView.as_view())
        .Annotation(title=_("Assessment and intervention plan"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.approve_assessment)
    )
    approve_assessment = (
        nodes.HeadTask(views.ReviewAssessmentView.as_view())
        .Annotation(title=_("Assessment approval"))
        .Permission(MANAGE_CASE)
        .onCreate(this.enter_stage)
        .Next(this.check_assessment)
    )
    check_assessment = (
        flow.If(this.is_assessment_approved)
        .Annotation(title=_("Assessment approved?"))
        .Then(this.assessment_report)
        .Else(this.assessment, task_data=this.assessment_return_note)
    )
    assessment_report = (
        flow.Function(this.issue_assessment_report)
        .Annotation(title=_("Assessment report"))
        .Next(this.counseling)
    )

    counseling = (
        nodes.CounselorTask(views.CounselingSessionView.as_view())
        .Annotation(title=_("Counseling session"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.invitation_letter)
    )
    invitation_letter = (
        flow.Function(this.issue_invitation_if_scheduled)
        .Annotation(title=_("Counseling invitation, when a next session is scheduled"))
        .Next(this.choose_next_step)
    )
    choose_next_step = (
        flow.Switch()
        .Annotation(title=_("Next service, as the counselor chose"))
        .Case(this.prepare_home_visit, this.wants_home_visit)
        .Case(this.prepare_accompaniment, this.wants_accompaniment)
        .Case(this.propose_protection, this.wants_protection)
        .Case(this.consultation, this.wants_consultation)
        .Case(this.propose_referral, this.wants_referral)
        .Case(this.propose_closure, this.wants_closure)
        .Default(this.counseling)
    )

    prepare_home_visit = (
        nodes.CounselorTask(activity_views.PrepareHomeVisitView.as_view())
        .Annotation(title=_("Home visit preparation"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.home_visit_letter)
    )
    home_visit_letter = (
        flow.Function(this.issue_home_visit_letter)
        .Annotation(title=_("Letter of assignment for the home visit"))
        .Next(this.home_visit)
    )
    home_visit = (
        nodes.CounselorTask(activity_views.HomeVisitReportView.as_view())
        .Annotation(title=_("Home visit report"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.choose_next_step)
    )

    prepare_accompaniment = (
        nodes.CounselorTask(activity_views.PrepareAccompanimentView.as_view())
        .Annotation(title=_("Accompaniment preparation"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.accompaniment_letter)
    )
    accompaniment_letter = (
        flow.Function(this.issue_accompaniment_letter)
        .Annotation(title=_("Letter of assignment for the accompaniment"))
        .Next(this.accompaniment)
    )
    accompaniment = (
        nodes.CounselorTask(activity_views.AccompanimentReportView.as_view())
        .Annotation(title=_("Accompaniment report"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.accompaniment_certificate)
    )
    accompaniment_certificate = (
        flow.Function(this.issue_accompaniment_certificate)
        .Annotation(title=_("Certificate of accompaniment"))
        .Next(this.choose_next_step)
    )

    propose_protection = (
        nodes.CounselorTask(activity_views.ProposeProtectionView.as_view())
        .Annotation(title=_("Protection proposal"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.approve_protection)
    )
    approve_protection = (
        nodes.HeadTask(views.ReviewProtectionView.as_view())
        .Annotation(title=_("Protection approval"))
        .Permission(MANAGE_CASE)
        .onCreate(this.enter_stage)
        .Next(this.check_protection)
    )
    check_protection = (
        flow.If(this.is_protection_approved)
        .Annotation(title=_("Protection approved?"))
        .Then(this.placement_letter)
        .Else(this.counseling, task_data=this.protection_return_note)
    )
    placement_letter = (
        flow.Function(this.issue_placement_letter)
        .Annotation(title=_("Placement letter to the receiving institution"))
        .Next(this.protection)
    )
    protection = (
        nodes.CounselorTask(activity_views.EndProtectionView.as_view())
        .Annotation(title=_("Protection placement"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.choose_next_step)
    )

    consultation = (
        nodes.CounselorTask(activity_views.ConsultationView.as_view())
        .Annotation(title=_("Consultation or information"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.choose_next_step)
    )

    propose_referral = (
        nodes.CounselorTask(views.ProposeReferralView.as_view())
        .Annotation(title=_("Referral proposal"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.approve_referral)
    )
    approve_referral = (
        nodes.HeadTask(views.ReviewReferralView.as_view())
        .Annotation(title=_("Referral approval"))
        .Permission(MANAGE_CASE)
        .onCreate(this.enter_stage)
        .Next(this.check_referral)
    )
    check_referral = (
        flow.If(this.is_referral_approved)
        .Annotation(title=_("Referral approved?"))
        .Then(this.referral_letter)
        .Else(this.counseling, task_data=this.referral_return_note)
    )
    referral_letter = (
        flow.Function(this.issue_referral_letter)
        .Annotation(title=_("Referral letter"))
        .Next(this.partner_response)
    )
    partner_response = (
        nodes.CounselorTask(views.PartnerResponseView.as_view())
        .Annotation(title=_("Referral partner's response"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.counseling)
    )

    propose_closure = (
        nodes.CounselorTask(views.ProposeClosureView.as_view())
        .Annotation(title=_("Closure proposal"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.approve_closure)
    )
    approve_closure = (
        nodes.HeadTask(views.ReviewClosureView.as_view())
        .Annotation(title=_("Closure approval"))
        .Permission(MANAGE_CASE)
        .onCreate(this.enter_stage)
        .Next(this.check_closure)
    )
    check_closure = (
        flow.If(this.is_closure_approved)
        .Annotation(title=_("Closure approved?"))
        .Then(this.close)
        .Else(this.counseling, task_data=this.closure_return_note)
    )
    close = (
        flow.Function(this.close_case)
        .Annotation(title=_("Closing the case"))
        .Next(this.completion_letter)
    )
    completion_letter = (
        flow.Function(this.issue_completion_letter)
        .Annotation(title=_("Certificate of service completion"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Done"))

    def has_manage_permission(self, user: Any, obj: Any = None) -> bool:
        """Nobody cancels, undoes or revives steps through viewflow's pages.

        Those actions skip the domain services: a case is withdrawn or reassigned by the head on
        its own page, with a reason that the audit log keeps.
        """
        return False

    def attach_reopened_case(self, activation: Any, case: Any, actor: Any) -> Any:
        activation.task.owner = actor
        activation.process.save()
        services.link_process(case, activation.process)
        return case

    def case_counselor(self, activation: Any) -> Any:
        return activation.process.case.counselor

    def enter_stage(self, activation: Any) -> None:
        """Every waiting task, also another session or a returned proposal, restarts the clock.

        A step whose record sets a day ahead is due that day (`deadlines.due_at`): a counseling
        step when the latest session scheduled the next one (after a session, the one just
        recorded, which costs no query), a visit's or an accompaniment's report on its planned
        day, a placement at its planned end.
        """
        stage = activation.flow_task.name
        case = activation.process.case
        left = case.stage
        services.enter_stage(case, stage, expected_at=_expected_at(activation, stage))
        notifications.task_waiting(
            case=case,
            stage=stage,
            task_id=activation.task.pk,
            returned="returned_comment" in activation.task.data,
            left=left,
        )

    def is_assessment_approved(self, activation: Any) -> bool:
        return selectors.assessment_approved(activation.process.case)

    def wants_home_visit(self, activation: Any) -> bool:
        return _counselor_chose(activation, NextStep.HOME_VISIT)

    def wants_accompaniment(self, activation: Any) -> bool:
        return _counselor_chose(activation, NextStep.ACCOMPANIMENT)

    def wants_protection(self, activation: Any) -> bool:
        return _counselor_chose(activation, NextStep.PROTECTION)

    def wants_consultation(self, activation: Any) -> bool:
        return _counselor_chose(activation, NextStep.CONSULTATION)

    def wants_referral(self, activation: Any) -> bool:
        return _counselor_chose(activation, NextStep.PROPOSE_REFERRAL)

    def wants_closure(self, activation: Any) -> bool:
        return _counselor_chose(activation, NextStep.PROPOSE_CLOSURE)

    def is_protection_approved(self, activation: Any) -> bool:
        return selectors.protection_approved(activation.process.case)

    def protection_return_note(self, activation: Any) -> dict[str, object]:
        return selectors.return_note(selectors.latest_protection(activation.process.case))

    def is_referral_approved(self, activation: Any) -> bool:
        return selectors.referral_approved(activation.process.case)

    def is_closure_approved(self, activation: Any) -> bool:
        return selectors.closure_approved(activation.process.case)

    def assessment_return_note(self, activation: Any) -> dict[str, object]:
        return selectors.return_note(selectors.latest_assessment(activation.process.case))

    def referral_return_note(self, activation: Any) -> dict[str, object]:
        return selectors.return_note(selectors.latest_referral(activation.process.case))

    def closure_return_note(self, activation: Any) -> dict[str, object]:
        return selectors.return_note(selectors.latest_closure(activation.process.case))

    def close_case(self, activation: Any) -> None:
        services.close_case(activation.process.case)

    def issue_registration_letters(self, activation: Any) -> None:
        case, officer = activation.process.case, acting_person(activation)
        issue_letter(LetterKind.REGISTRATION_RECEIPT, case, signer=officer)
        issue_letter(LetterKind.SERVICE_CONSENT, case, signer=officer)

    def issue_assignment_letter(self, activation: Any) -> None:
        issue_letter(
            LetterKind.ASSIGNMENT, activation.process.case, signer=acting_person(activation)
        )

    def issue_assessment_report(self, activation: Any) -> None:
        issue_letter(
            LetterKind.ASSESSMENT_REPORT, activation.process.case, signer=acting_person(activation)
        )

    def issue_invitation_if_scheduled(self, activation: Any) -> None:
        case = activation.process.case
        session = _session_just_recorded(activation)
        if session.next_session_at:
            issue_letter(
                LetterKind.COUNSELING_INVITATION,
                case,
                signer=acting_person(activation),
                session=session,
            )

    def issue_referral_letter(self, activation: Any) -> None:
        case = activation.process.case
        issue_letter(
            LetterKind.REFERRAL,
            case,
            signer=acting_person(activation),
            referral=selectors.latest_referral(case),
        )

    def issue_home_visit_letter(self, activation: Any) -> None:
        self._issue_activity_letter(activation, LetterKind.HOME_VISIT_ASSIGNMENT)

    def issue_accompaniment_letter(self, activation: Any) -> None:
        self._issue_activity_letter(activation, LetterKind.ACCOMPANIMENT_ASSIGNMENT)

    def issue_accompaniment_certificate(self, activation: Any) -> None:
        self._issue_activity_letter(activation, LetterKind.ACCOMPANIMENT_CERTIFICATE)

    def issue_placement_letter(self, activation: Any) -> None:
        case = activation.process.case
        issue_letter(
            LetterKind.PROTECTION_PLACEMENT,
            case,
            signer=acting_person(activation),
            activity=selectors.latest_protection(case),
        )

    def _issue_activity_letter(self, activation: Any, kind: str) -> None:
        """A letter about the visit or accompaniment the person's step just prepared or reported.

        The head who approved the case's plan signs it: a counselor does not assign themselves,
        nor certify their own accompaniment.
        """
        case = activation.process.case
        issue_letter(
            kind,
            case,
            signer=selectors.plan_approver(case) or acting_person(activation),
            activity=activation.process.just_recorded,
        )

    def issue_completion_letter(self, activation: Any) -> None:
        case = activation.process.case
        issue_letter(
            LetterKind.SERVICE_COMPLETION,
            case,
            signer=acting_person(activation),
            closure=selectors.latest_closure(case),
        )


def acting_person(activation: Any) -> Any:
    """The person whose step led here: the owner of the nearest preceding human task."""
    task = activation.task
    while task is not None:
        if task.owner_id:
            return task.owner
        task = task.previous.order_by("-id").first()
    raise ValueError(f"No person acted before task {activation.task.pk}")


def _session_just_recorded(activation: Any) -> Any:
    """The session whose recording set off this run of automatic steps.

    The invitation and the choice of the next step both read it: the run's activations share one
    process object, on which the person's step left it (`steps.keep_for_the_flow`). A new
    session is only recorded by a person's step, which begins a new run with a process object of
    its own; a step that left nothing there has it read once.
    """
    process = activation.process
    recorded = getattr(process, "just_recorded", None)
    if not isinstance(recorded, CounselingSession):
        recorded = process.just_recorded = selectors.latest_session(process.case)
    return recorded


def _counselor_chose(activation: Any, step: NextStep) -> bool:
    """What the person's step just recorded (a session, or another service) says comes next."""
    recorded = getattr(activation.process, "just_recorded", None)
    if recorded is None or not hasattr(recorded, "next_step"):
        recorded = _session_just_recorded(activation)
    return recorded is not None and recorded.next_step == step


def _expected_at(activation: Any, stage: str) -> datetime.datetime | None:
    """The day the record behind the new step sets ahead for it, if any (`enter_stage`)."""
    if stage == Stage.COUNSELING:
        session = _session_just_recorded(activation)
        return session.next_session_at if session is not None else None
    recorded = getattr(activation.process, "just_recorded", None)
    planned = {
        Stage.HOME_VISIT: "planned_on",
        Stage.ACCOMPANIMENT: "planned_on",
        Stage.PROTECTION: "planned_end_on",
    }.get(stage)
    if planned is None or recorded is None or not hasattr(recorded, planned):
        return None
    return end_of_day(getattr(recorded, planned))
