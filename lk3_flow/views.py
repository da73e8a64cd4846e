"""Case pages: the list a person works from and the file of one case."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from flows import services as flow_services
from flows.forms import ReasonForm
from permissions.roles import MANAGE_CASE, REGISTER_CASE
from permissions.selectors import cases_visible_to

from . import selectors
from .choices import CaseStatus
from .filters import CaseFilter
from .models import Case


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


class CaseListView(generic.ListView):
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


class VisibleCaseMixin:
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
            can_withdraw=case.status == CaseStatus.OPEN and user.has_perm(MANAGE_CASE),
            can_reopen=case.status == CaseStatus.CLOSED
            and (user.has_perm(REGISTER_CASE) or user.has_perm(MANAGE_CASE)),
            **kwargs,
        )


def _task_action(task: Any, user: Any) -> tuple[str, str] | None:
    """The link this user may follow to act on the task, if any."""
    flow_task = task.flow_task
    if flow_task.can_execute(user, task):
        return _("Kerjakan"), flow_task.reverse("execute", args=[task.process_id, task.pk])
    if flow_task.can_assign(user, task):
        return _("Ambil"), flow_task.reverse("assign", args=[task.process_id, task.pk])
    return None


class CaseActionView(VisibleCaseMixin, generic.FormView):
    """A case-level action that needs a reason and a confirmation."""

    form_class = ReasonForm
    template_name = "lk3_flow/case_action.html"
    title = ""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
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
    title = _("Tarik kasus")

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(MANAGE_CASE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, reason: str) -> Case:
        flow_services.withdraw_case(self.case, actor=self.request.user, reason=reason)
        messages.success(self.request, _("Kasus %(number)s telah ditarik.") % {"number": self.case})
        return self.case


class ReopenCaseView(CaseActionView):
    title = _("Buka kembali kasus")

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.has_perm(REGISTER_CASE) or request.user.has_perm(MANAGE_CASE)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, reason: str) -> Case:
        new_case = flow_services.reopen_case(self.case, actor=self.request.user, reason=reason)
        messages.success(
            self.request,
            _("Kasus baru %(number)s dibuka sebagai kelanjutan.") % {"number": new_case},
        )
        return new_case
