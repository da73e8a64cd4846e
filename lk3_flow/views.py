"""Case pages: the list a person works from and the file of one case."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from flows import services as flow_services
from flows.forms import ReasonForm
from permissions.selectors import cases_visible_to, may_reopen_cases, may_withdraw_cases

from . import selectors
from .choices import CaseStatus
from .filters import CaseFilter
from .models import Case


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


class CaseListView(LoginRequiredMixin, generic.ListView):
    template_name = "lk3_flow/case_list.html"
    paginate_by = 25

    def get_queryset(self) -> Any:
        self.filter = CaseFilter(
            self.request.GET,
            queryset=cases_visible_to(self.request.user).select_related("client", "counselor"),
        )
        return self.filter.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(filter=self.filter, **kwargs)


class VisibleCaseMixin(LoginRequiredMixin):
    """Loads the case of the URL, or 404 when the user has no reason to see it."""

    def get_case(self) -> Case:
        case_id = self.kwargs["pk"]
        if not cases_visible_to(self.request.user).filter(pk=case_id).exists():
            raise Http404
        return selectors.case_with_records(case_id)


class CaseDetailView(VisibleCaseMixin, generic.TemplateView):
    template_name = "lk3_flow/case_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        case = self.get_case()
        user = self.request.user
        return super().get_context_data(
            case=case,
            tasks=[(task, _task_action(task, user)) for task in flow_services.open_tasks(case)],
            can_withdraw=case.status == CaseStatus.OPEN and may_withdraw_cases(user),
            can_reopen=case.status == CaseStatus.CLOSED and may_reopen_cases(user),
            **kwargs,
        )


def _task_action(task: Any, user: Any) -> tuple[str, str] | None:
    """The link this user may follow to act on the task, if any."""
    flow_task = task.flow_task
    if flow_task.can_execute(user, task):
        return _("Execute"), flow_task.reverse("execute", args=[task.process_id, task.pk])
    if flow_task.can_assign(user, task):
        return _("Assign"), flow_task.reverse("assign", args=[task.process_id, task.pk])
    return None


class CaseActionView(VisibleCaseMixin, generic.FormView):
    """A case-level action that needs a reason and a confirmation."""

    form_class = ReasonForm
    template_name = "lk3_flow/case_action.html"
    title = ""

    def may_act(self, user: Any) -> bool:
        """Whether the user's role allows this action; nobody unless a subclass says so."""
        return False

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.may_act(request.user):
            raise PermissionDenied
        self.case = self.get_case()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(case=self.case, title=self.title, **kwargs)

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            target = self.perform(form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(case_url(target))


class WithdrawCaseView(CaseActionView):
    title = gettext_lazy("Withdraw case")

    def may_act(self, user: Any) -> bool:
        return may_withdraw_cases(user)

    def perform(self, reason: str) -> Case:
        flow_services.withdraw_case(self.case, actor=self.request.user, reason=reason)
        messages.success(
            self.request, _("Case %(number)s has been withdrawn.") % {"number": self.case}
        )
        return self.case


class ReopenCaseView(CaseActionView):
    title = gettext_lazy("Reopen case")

    def may_act(self, user: Any) -> bool:
        return may_reopen_cases(user)

    def perform(self, reason: str) -> Case:
        new_case = flow_services.reopen_case(self.case, actor=self.request.user, reason=reason)
        messages.success(
            self.request,
            _("New case %(number)s has been opened as a continuation.") % {"number": new_case},
        )
        return new_case
