"""The life of a case at an LK3, declared as one process.

Read it top to bottom: a case is registered, a counselor is assigned, the counselor assesses and
the head approves or returns the assessment, then counseling sessions follow until the counselor
proposes a referral or a closure, which the head approves or returns. The head may withdraw a
case at any stage (`flows.services.withdraw_case`); a closed case can be reopened as a new one.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from lk3_flow import selectors, services
from lk3_flow.choices import NextStep
from permissions.roles import MANAGE_CASE, REGISTER_CASE

from . import views
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
        .Next(this.assign_counselor)
    )
    reopen = (
        flow.StartHandle(this.attach_reopened_case)
        .Annotation(title=_("Reopening of a closed case"))
        .Next(this.assign_counselor)
    )

    assign_counselor = (
        flow.View(views.AssignCounselorView.as_view())
        .Annotation(title=_("Counselor assignment"))
        .Permission(MANAGE_CASE)
        .onCreate(this.enter_stage)
        .Next(this.assessment)
    )

    assessment = (
        flow.View(views.AssessmentView.as_view())
        .Annotation(title=_("Assessment and intervention plan"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.approve_assessment)
    )
    approve_assessment = (
        flow.View(views.ReviewAssessmentView.as_view())
        .Annotation(title=_("Assessment approval"))
        .Permission(MANAGE_CASE)
        .onCreate(this.enter_stage)
        .Next(this.check_assessment)
    )
    check_assessment = (
        flow.If(this.is_assessment_approved)
        .Annotation(title=_("Assessment approved?"))
        .Then(this.counseling)
        .Else(this.assessment, task_data=this.assessment_return_note)
    )

    counseling = (
        flow.View(views.CounselingSessionView.as_view())
        .Annotation(title=_("Counseling session"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.choose_next_step)
    )
    choose_next_step = (
        flow.Switch()
        .Annotation(title=_("Step after the session"))
        .Case(this.propose_referral, this.wants_referral)
        .Case(this.propose_closure, this.wants_closure)
        .Default(this.counseling)
    )

    propose_referral = (
        flow.View(views.ProposeReferralView.as_view())
        .Annotation(title=_("Referral proposal"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.approve_referral)
    )
    approve_referral = (
        flow.View(views.ReviewReferralView.as_view())
        .Annotation(title=_("Referral approval"))
        .Permission(MANAGE_CASE)
        .onCreate(this.enter_stage)
        .Next(this.check_referral)
    )
    check_referral = (
        flow.If(this.is_referral_approved)
        .Annotation(title=_("Referral approved?"))
        .Then(this.partner_response)
        .Else(this.counseling, task_data=this.referral_return_note)
    )
    partner_response = (
        flow.View(views.PartnerResponseView.as_view())
        .Annotation(title=_("Referral partner's response"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.counseling)
    )

    propose_closure = (
        flow.View(views.ProposeClosureView.as_view())
        .Annotation(title=_("Closure proposal"))
        .Assign(this.case_counselor)
        .onCreate(this.enter_stage)
        .Next(this.approve_closure)
    )
    approve_closure = (
        flow.View(views.ReviewClosureView.as_view())
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
    close = flow.Function(this.close_case).Annotation(title=_("Closing the case")).Next(this.end)
    end = flow.End().Annotation(title=_("Done"))

    def attach_reopened_case(self, activation: Any, case: Any) -> Any:
        activation.process.save()
        services.link_process(case, activation.process)
        return case

    def case_counselor(self, activation: Any) -> Any:
        return activation.process.case.counselor

    def enter_stage(self, activation: Any) -> None:
        services.enter_stage(activation.process.case, activation.flow_task.name)

    def is_assessment_approved(self, activation: Any) -> bool:
        return selectors.assessment_approved(activation.process.case)

    def wants_referral(self, activation: Any) -> bool:
        return selectors.counselor_wants(activation.process.case, NextStep.PROPOSE_REFERRAL)

    def wants_closure(self, activation: Any) -> bool:
        return selectors.counselor_wants(activation.process.case, NextStep.PROPOSE_CLOSURE)

    def is_referral_approved(self, activation: Any) -> bool:
        return selectors.referral_approved(activation.process.case)

    def is_closure_approved(self, activation: Any) -> bool:
        return selectors.closure_approved(activation.process.case)

    def assessment_return_note(self, activation: Any) -> dict[str, str]:
        return _return_note(selectors.latest_assessment(activation.process.case))

    def referral_return_note(self, activation: Any) -> dict[str, str]:
        return _return_note(selectors.latest_referral(activation.process.case))

    def closure_return_note(self, activation: Any) -> dict[str, str]:
        return _return_note(selectors.latest_closure(activation.process.case))

    def close_case(self, activation: Any) -> None:
        services.close_case(activation.process.case)


def _return_note(returned: Any) -> dict[str, str]:
    """Task data that carries the head's comment to the counselor who must revise."""
    return {"returned_comment": returned.review_comment}
