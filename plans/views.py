"""A case plan's changes: the counselor proposes one, a head approves or returns it."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from audit import services as audit
from audit.models import Action
from lk3_flow.choices import CaseStatus, Review
from lk3_flow.views import VisibleCaseMixin

from . import selectors, services
from .forms import PlanChangeFormSet, PlanChangeReasonForm, PlanDecisionForm
from .models import PlanChange


def _case_url(case: Any) -> str:
    return reverse("cases:detail", args=[case.pk]) + "#rencana"


class PlanPageMixin(VisibleCaseMixin):
    """A page of the plan: the whole case file is needed to see it (404 otherwise)."""

    audited_page = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.case = self.get_case()
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self) -> None:
        """Read what else the URL names, once the case is known to be open to the user."""

    def audit_view(self) -> None:
        audit.record(
            Action.CASE_VIEWED, case=self.case, obj=self.case, details={"page": self.audited_page}
        )


class ProposePlanChangeView(PlanPageMixin, generic.TemplateView):
    """The case's counselor proposes edits, new goals and dropped goals in one change."""

    template_name = "plans/change_form.html"
    audited_page = "plan change form"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check_may_propose()
        self.audit_view()
        return self.page(*self.forms())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check_may_propose()
        reason, goals = self.forms(request.POST)
        if self.pending is not None:
            return self.page(reason, goals)
        valid = [reason.is_valid(), goals.is_valid()]
        if not all(valid):
            return self.page(reason, goals)
        try:
            services.propose_change(
                case=self.case,
                actor=request.user,
                reason=reason.cleaned_data["reason"],
                entries=goals.proposed(),
            )
        except ValidationError as error:
            reason.add_error(None, error)
            return self.page(reason, goals)
        messages.success(request, _("The change to the plan was sent to the head for a decision."))
        return HttpResponseRedirect(_case_url(self.case))

    def check_may_propose(self) -> None:
        if not selectors.may_propose_change(self.request.user, self.case, self.access):
            raise PermissionDenied
        self.pending = selectors.pending_change(self.case)
        self.goals = list(selectors.open_goals_of(self.case).select_related("responsible"))

    def forms(self, data: Any = None) -> tuple[PlanChangeReasonForm, Any]:
        return (
            PlanChangeReasonForm(data),
            PlanChangeFormSet(data, prefix="goals", goals=self.goals, case=self.case),
        )

    def page(self, reason: PlanChangeReasonForm, goals: Any) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                case=self.case,
                reason_form=reason,
                goal_forms=goals,
                pending=self.pending,
                closed_goals=selectors.closed_goals_of(self.case),
            )
        )


class PlanChangeDecisionView(PlanPageMixin, generic.TemplateView):
    """A plan change, its goals beside the plan as it stands; a head decides a pending one."""

    template_name = "plans/change_decision.html"
    audited_page = "plan change"

    def load(self) -> None:
        self.change = (
            PlanChange.objects.filter(case=self.case, pk=self.kwargs["change_pk"])
            .select_related("proposed_by", "reviewed_by")
            .first()
        )
        if self.change is None:
            raise Http404

    @property
    def decidable(self) -> bool:
        return self.change.review == Review.PENDING and self.case.status == CaseStatus.OPEN

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.audit_view()
        may_decide = self.decidable and selectors.may_decide_change(request.user)
        return self.page(PlanDecisionForm() if may_decide else None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.may_decide_change(request.user):
            raise PermissionDenied
        form = PlanDecisionForm(request.POST)
        if not self.decidable or not form.is_valid():
            return self.page(form)
        try:
            services.decide_change(
                change=self.change,
                reviewer=request.user,
                approved=form.approved,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(form)
        messages.success(
            request,
            _("The change to the plan was approved and applied.")
            if form.approved
            else _("The change to the plan was returned to the counselor."),
        )
        return HttpResponseRedirect(_case_url(self.case))

    def page(self, form: PlanDecisionForm | None) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                case=self.case,
                change=self.change,
                rows=selectors.change_rows(self.change),
                form=form,
                decidable=self.decidable,
            )
        )
