"""Case pages: the list a person works from, the file of one case, and the head's actions on it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from attachments import selectors as attachment_selectors
from audit import services as audit
from audit.models import Action
from casenotes import selectors as casenotes
from flows import selectors as flow_selectors
from flows import services as flow_services
from flows.forms import (
    ClientForm,
    HandOverForm,
    HouseholdEditFormSet,
    MergeChoiceForm,
    ReasonForm,
    ReassignForm,
)
from flows.nodes import HeadTask
from letters.selectors import letters_readable_by, with_public_checks
from permissions.selectors import (
    CaseAccess,
    case_access,
    cases_visible_to,
    client_masked_anywhere,
    may_edit_client,
    may_merge_clients,
    may_reassign_cases,
    may_reopen_cases,
    may_withdraw_cases,
    openable_case_ids,
)
from plans import selectors as plans
from reminders import selectors as reminders

from . import personal_data, selectors, services
from .choices import CaseStatus
from .filters import CaseFilter
from .models import Case, Client
from .searches import SearchFormMixin


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


class CaseListView(LoginRequiredMixin, SearchFormMixin, generic.ListView):
    template_name = "lk3_flow/case_list.html"
    paginate_by = 25
    search_scope = "cases"
    search_fields = tuple(CaseFilter.base_filters)

    def get_queryset(self) -> Any:
        cases = cases_visible_to(self.request.user).select_related("client", "counselor")
        self.filter = CaseFilter(
            self.search_terms or {},
            queryset=selectors.with_overdue_flag(cases),
            request=self.request,
        )
        return self.filter.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(filter=self.filter, **kwargs)


class VisibleCaseMixin(LoginRequiredMixin):
    """Loads the case of the URL, or 404 when the user may not see enough of it."""

    required_access = CaseAccess.FULL

    def get_case(self) -> Case:
        case = Case.objects.filter(pk=self.kwargs["pk"]).first()
        if case is None:
            raise Http404
        self.access = case_access(self.request.user, case)
        if self.access < self.required_access:
            raise Http404
        return case


class CaseDetailView(VisibleCaseMixin, generic.TemplateView):
    """The case file; an intake officer sees only what was recorded at registration."""

    template_name = "lk3_flow/case_detail.html"
    required_access = CaseAccess.REGISTRATION

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        case = self.get_case()
        user = self.request.user
        full_file = self.access == CaseAccess.FULL
        audit.record(Action.CASE_VIEWED, case=case, obj=case, details={"access": self.access.name})
        if full_file:
            case = selectors.case_with_records(case.pk)
        is_open = case.status == CaseStatus.OPEN
        related = [case.reopened_from_id, *(later.pk for later in case.reopenings.all())]
        if full_file:
            kwargs.update(
                latest_notes=casenotes.latest(casenotes.notes_of(user, case)),
                latest_contacts=casenotes.latest(casenotes.contacts_of(user, case)),
                can_add_entries=casenotes.may_add_entries(user, case, self.access),
                reminder_card=reminders.reminder_card(user, case, self.access),
                history=selectors.service_history(case, self.request.GET.get("page")),
                plan=plans.plan_card(user, case, self.access),
                # Only a client without an open case can have been erased.
                entries_erased=not is_open and casenotes.texts_erased(case),
            )
        return super().get_context_data(
            case=case,
            full_file=full_file,
            tasks=[(task, _task_action(task, user)) for task in flow_services.open_tasks(case)]
            if full_file
            else [],
            letters=with_public_checks(letters_readable_by(user, case)),
            attachments=attachment_selectors.attachment_rows(user, case, self.access),
            can_add_attachment=bool(
                attachment_selectors.kinds_user_may_add(user, case, self.access)
            ),
            can_correct_letters=may_withdraw_cases(user),
            can_withdraw=is_open and may_withdraw_cases(user),
            can_reassign=is_open and case.counselor_id is not None and may_reassign_cases(user),
            can_reopen=case.status == CaseStatus.CLOSED and may_reopen_cases(user),
            can_erase_client=not is_open and personal_data.may_erase(user),
            can_edit_client=may_edit_client(user, case, self.access),
            can_merge_clients=may_merge_clients(user) and not case.client.merged_into_id,
            openable_related=openable_case_ids(user, related),
            **kwargs,
        )


def _task_action(task: Any, user: Any) -> tuple[str, str] | None:
    """The link this user may follow to act on the task, if any."""
    flow_task = task.flow_task
    if flow_task.can_execute(user, task):
        return _("Execute"), flow_task.reverse("execute", args=[task.process_id, task.pk])
    if isinstance(flow_task, HeadTask) and flow_task.can_decide(user, task):
        return _("Decide"), flow_task.reverse("execute", args=[task.process_id, task.pk])
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
            target = self.perform(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(case_url(target))


class WithdrawCaseView(CaseActionView):
    title = gettext_lazy("Withdraw case")

    def may_act(self, user: Any) -> bool:
        return may_withdraw_cases(user)

    def perform(self, form: ReasonForm) -> Case:
        flow_services.withdraw_case(
            self.case, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request, _("Case %(number)s has been withdrawn.") % {"number": self.case}
        )
        return self.case


class ReassignCaseView(CaseActionView):
    form_class = ReassignForm
    title = gettext_lazy("Reassign counselor")

    def may_act(self, user: Any) -> bool:
        return may_reassign_cases(user)

    def perform(self, form: ReassignForm) -> Case:
        counselor = form.cleaned_data["counselor"]
        flow_services.reassign_case(
            self.case,
            actor=self.request.user,
            counselor=counselor,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            self.request,
            _("Case %(number)s now belongs to %(counselor)s.")
            % {"number": self.case, "counselor": counselor.get_full_name() or counselor},
        )
        return self.case


class ReopenCaseView(CaseActionView):
    title = gettext_lazy("Reopen case")

    def may_act(self, user: Any) -> bool:
        return may_reopen_cases(user)

    def perform(self, form: ReasonForm) -> Case:
        new_case = flow_services.reopen_case(
            self.case, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request,
            _("New case %(number)s has been opened as a continuation.") % {"number": new_case},
        )
        return new_case


class HeadsOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_reassign_cases(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class WorkloadView(HeadsOnlyMixin, generic.TemplateView):
    """The head's view of who carries what: open tasks per counselor, overdue ones first, and
    the deactivated people whose open work nobody would otherwise do."""

    template_name = "lk3_flow/workload.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            summary=flow_selectors.workload_by_counselor(),
            tasks=flow_selectors.counselor_tasks_overdue_first(),
            deactivated=flow_selectors.deactivated_with_open_work(),
            **kwargs,
        )


class HandOverTasksView(HeadsOnlyMixin, generic.FormView):
    """Everything a deactivated person carries, to one colleague, after a confirmation."""

    form_class = HandOverForm
    template_name = "lk3_flow/hand_over.html"

    @cached_property
    def person(self) -> Any:
        """Read only once the role is checked, so that nobody else learns which accounts exist."""
        return get_object_or_404(get_user_model(), pk=self.kwargs["pk"], is_active=False)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "candidates": flow_selectors.hand_over_candidates(self.person),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            person=self.person,
            tasks=flow_selectors.open_tasks_owned_by(self.person),
            **kwargs,
        )

    def form_valid(self, form: HandOverForm) -> HttpResponse:
        to_user = form.cleaned_data["person"]
        try:
            handed = flow_services.hand_over_open_tasks(
                self.request.user, self.person, to_user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Handed over to %(person)s: cases %(cases)d, open tasks %(tasks)d.")
            % {
                "cases": handed.cases,
                "tasks": handed.tasks,
                "person": to_user.get_full_name() or to_user.get_username(),
            },
        )
        return HttpResponseRedirect(reverse("cases:workload"))


class EditClientView(VisibleCaseMixin, generic.TemplateView):
    """A head or the case's counselor corrects the client's data and household; one audited
    action, its before and after kept encrypted with the client's key."""

    template_name = "lk3_flow/client_edit.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.case = self.get_case()
        if not may_edit_client(request.user, self.case, self.access):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data: Any = None) -> tuple[ClientForm, Any]:
        client = self.case.client
        return (
            ClientForm(data, instance=client, prefix="client"),
            HouseholdEditFormSet(data, queryset=client.members.order_by("pk"), prefix="members"),
        )

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        client_form, members = self.forms()
        return self.page(client_form, members, services.client_version(self.case.client))

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        client_form, members = self.forms(request.POST)
        version = request.POST.get("version", "")
        if not (client_form.is_valid() and members.is_valid()):
            return self.page(client_form, members, version)
        edits = [
            services.MemberEdit(
                member=form.instance if form.instance.pk else None,
                data=form.cleaned_data,
                delete=form.cleaned_data.get("DELETE", False),
            )
            for form in members.forms
            if form.has_changed()
        ]
        try:
            changed = services.update_client(
                actor=request.user,
                case=self.case,
                client_data=client_form.cleaned_data,
                member_edits=edits,
                version=version,
            )
        except ValidationError as error:
            client_form.add_error(None, error)
            return self.page(client_form, members, version)
        if changed:
            messages.success(request, _("The client's data have been corrected."))
        else:
            messages.info(request, _("Nothing was changed."))
        return HttpResponseRedirect(case_url(self.case))

    def page(self, client_form: ClientForm, members: Any, version: str) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                case=self.case, client_form=client_form, members=members, version=version
            )
        )


class MergeClientsView(VisibleCaseMixin, generic.TemplateView):
    """A head joins another record of the same person into this case's client, after seeing
    every record that will move."""

    template_name = "lk3_flow/client_merge.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_merge_clients(request.user):
            raise PermissionDenied
        self.case = self.get_case()
        return super().dispatch(request, *args, **kwargs)

    def mergeable(self, client: Client) -> bool:
        return client.pk != self.case.client_id and not client_masked_anywhere(
            self.request.user, client.pk
        )

    def find_by_case_number(self, number: str) -> Client | None:
        case = cases_visible_to(self.request.user).filter(number=number).first()
        return case.client if case is not None and self.mergeable(case.client) else None

    def forms(self, data: Any = None) -> tuple[MergeChoiceForm, ReasonForm]:
        candidates = [
            client
            for client in selectors.merge_candidates(self.case.client)
            if self.mergeable(client)
        ]
        choice = MergeChoiceForm(
            data, candidates=candidates, find_by_case_number=self.find_by_case_number
        )
        return choice, ReasonForm(data)

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(*self.forms())

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        choice, reason = self.forms(request.POST)
        if not choice.is_valid():
            return self.page(choice, ReasonForm())
        if not choice.reviewed_choice:
            # The records are listed now; the head confirms on the next submission.
            return self.page(choice, ReasonForm(initial={"reason": request.POST.get("reason")}))
        if not reason.is_valid():
            return self.page(choice, reason)
        try:
            plan = services.merge_clients(
                actor=request.user,
                kept=self.case.client,
                merged=choice.other_client,
                reason=reason.cleaned_data["reason"],
            )
        except ValidationError as error:
            reason.add_error(None, error)
            return self.page(choice, reason)
        messages.success(
            request,
            _("Record %(merged)s was merged into %(kept)s: %(cases)d cases moved.")
            % {"merged": plan.merged, "kept": plan.kept, "cases": len(plan.cases)},
        )
        return HttpResponseRedirect(case_url(self.case))

    def page(self, choice: MergeChoiceForm, reason: ReasonForm) -> HttpResponse:
        other = choice.other_client if choice.is_bound and not choice.errors else None
        return self.render_to_response(
            self.get_context_data(
                case=self.case,
                client=self.case.client,
                choice=choice,
                reason_form=reason,
                plan=selectors.merge_plan(kept=self.case.client, merged=other) if other else None,
            )
        )
