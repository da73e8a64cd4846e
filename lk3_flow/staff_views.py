"""Staff pages: the administrator's directory of people, and the heads' watch over it (what
changed in who may do what, and the role requests that wait for a second person)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views import generic

from auditor.selectors import lines
from permissions.forms import RoleDecisionForm, StaffMemberForm, StaffSearchForm, StaffStatusForm
from permissions.models import RoleRequest
from permissions.roles import Role
from permissions.selectors import (
    held_roles,
    may_administer_staff,
    may_change_staff_member,
    may_decide_role_request,
    may_oversee_staff,
    open_work_count,
    pending_role_requests,
    role_codes_of,
    staff_directory,
    staff_events,
)
from permissions.services import (
    StaffChange,
    StaffMember,
    add_staff_member,
    change_staff_member,
    decide_role_request,
    send_password_reset,
    set_staff_active,
)

from .searches import SearchFormMixin


class HeadsOnly(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_oversee_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffChangesView(HeadsOnly, generic.ListView):
    """Every change to accounts, roles and permissions, newest first, with pending requests."""

    template_name = "permissions/staff_changes.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return staff_events()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["requests"] = [
            (role_request, may_decide_role_request(user, role_request))
            for role_request in pending_role_requests()
        ]
        context["entries"] = lines(context["page_obj"].object_list)
        return context


class DecideRoleRequestView(HeadsOnly, generic.View):
    """Confirm or decline a role request; only by POST, from the staff changes page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        role_request = get_object_or_404(RoleRequest.objects.select_related("user"), pk=pk)
        form = RoleDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["decision"]))
        else:
            confirm = form.cleaned_data["decision"] == "confirm"
            try:
                decide_role_request(actor=request.user, role_request=role_request, confirm=confirm)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                values = {
                    "role": role_request.get_role_display(),
                    "user": role_request.user.get_full_name() or role_request.user.get_username(),
                }
                messages.success(
                    request,
                    (
                        _("%(user)s now holds the role %(role)s.")
                        if confirm
                        else _("The role %(role)s for %(user)s was declined.")
                    )
                    % values,
                )
        return HttpResponseRedirect(reverse("staff:index"))


# Staff administration: the administrator's page of people, and the login page's reset link.


class StaffAdministratorsOnly(LoginRequiredMixin):
    """The administrator's pages; everyone else (heads included) gets 403."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_administer_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@dataclass(frozen=True)
class StaffRow:
    person: Any
    roles: list[Role]
    pending: list[RoleRequest]
    may_change: bool


class StaffListView(StaffAdministratorsOnly, SearchFormMixin, generic.ListView):
    """Everyone with an account: roles, position, NIP, address, status and last login.

    The search POSTs and the URL names it only by a key (`lk3_flow.searches`): names and
    addresses of staff stay out of the address bar and the server's log too.
    """

    template_name = "permissions/staff_list.html"
    paginate_by = 50
    search_scope = "staff"
    search_fields = tuple(StaffSearchForm.base_fields)

    def get_queryset(self) -> Any:
        self.search_form = StaffSearchForm(self.search_terms)
        return staff_directory(**self.search_form.filters())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        actor = self.request.user
        context["search_form"] = self.search_form
        context["rows"] = [
            StaffRow(
                person,
                held_roles(person),
                person.pending_requests,
                may_change_staff_member(actor, person),
            )
            for person in context["page_obj"].object_list
        ]
        return context


# Model fields whose errors belong to another field of the staff form.
_FORM_FIELD_OF = {"first_name": "full_name", "last_name": "full_name"}


def _show_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal as form errors, on the field it is about where the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages_of_field in error.message_dict.items():
        target = _FORM_FIELD_OF.get(name, name)
        form.add_error(target if target in form.fields else None, messages_of_field)


def _member(form: StaffMemberForm) -> StaffMember:
    data = form.cleaned_data
    return StaffMember(
        username=data["username"],
        full_name=data["full_name"],
        email=data["email"],
        position=data["position"],
        nip=data["nip"],
        role_codes=frozenset(data["roles"]),
        responsible_head=data["responsible_head"],
    )


def _link_site(request: HttpRequest) -> dict[str, Any]:
    """Where the e-mailed link points: the site the administrator is using."""
    return {"domain": request.get_host(), "use_https": request.is_secure()}


def _saved(
    form: StaffMemberForm, save: Callable[..., StaffChange], **kwargs: Any
) -> StaffChange | None:
    """The service's change, or None with its refusal (or the mail server's) on the form."""
    try:
        return save(member=_member(form), **kwargs)
    except ValidationError as error:
        _show_errors(form, error)
    except OSError:
        form.add_error(None, MAIL_REFUSED)
    return None


MAIL_REFUSED = _lazy(
    "The mail server did not accept the link, so nothing was saved. Try again later."
)


def _tell_role_requests(request: HttpRequest, change: StaffChange) -> None:
    for role_request in change.role_requests:
        messages.info(
            request,
            _("%(role)s for %(user)s takes effect when a head confirms it.")
            % {"role": role_request.get_role_display(), "user": person_name(change.user)},
        )


def person_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class StaffCreateView(StaffAdministratorsOnly, generic.FormView):
    """A new colleague: one form, one transaction, and an e-mailed link instead of a password."""

    template_name = "permissions/staff_form.html"
    form_class = StaffMemberForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def form_valid(self, form: StaffMemberForm) -> HttpResponse:
        request = self.request
        change = _saved(form, add_staff_member, actor=request.user, **_link_site(request))
        if change is None:
            return self.form_invalid(form)
        messages.success(
            request,
            _("%(user)s was added; a link to choose a password was sent to %(email)s.")
            % {"user": person_name(change.user), "email": change.user.email},
        )
        _tell_role_requests(request, change)
        return HttpResponseRedirect(reverse("people:change", args=[change.user.pk]))


class StaffMemberMixin(StaffAdministratorsOnly):
    """Loads the person of the URL; 403 for one's own account and, unless by a superuser, for a
    superuser's (the same answer as for a page one may not open)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and may_administer_staff(request.user):
            self.person = get_object_or_404(
                get_user_model().objects.select_related("lk3_profile"), pk=kwargs["pk"]
            )
            if not may_change_staff_member(request.user, self.person):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def person_url(self) -> str:
        return reverse("people:change", args=[self.person.pk])


class StaffChangeView(StaffMemberMixin, generic.FormView):
    """A person's account, roles and profile, changed with one POST; links to the reset link
    and to deactivating or reactivating them."""

    template_name = "permissions/staff_form.html"
    form_class = StaffMemberForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "actor": self.request.user,
            "user": self.person,
            "role_codes": role_codes_of(self.person),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            person=self.person,
            pending=pending_role_requests().filter(user=self.person),
            open_work=open_work_count(self.person) if not self.person.is_active else 0,
            **kwargs,
        )

    def form_valid(self, form: StaffMemberForm) -> HttpResponse:
        request = self.request
        change = _saved(
            form, change_staff_member, actor=request.user, user=self.person, **_link_site(request)
        )
        if change is None:
            return self.form_invalid(form)
        if not change.changed:
            messages.info(request, _("Nothing was changed."))
        else:
            messages.success(request, _("The changes were saved."))
        if change.reset_link_sent:
            messages.info(
                request,
                _("A new link to choose a password was sent to %(email)s.")
                % {"email": change.user.email},
            )
        _tell_role_requests(request, change)
        return HttpResponseRedirect(self.person_url())


class StaffStatusView(StaffMemberMixin, generic.FormView):
    """Deactivate (logged out everywhere) or reactivate a person, after a confirmation.

    The form names the state wanted, so that a second submit changes nothing more.
    """

    template_name = "permissions/staff_status.html"
    form_class = StaffStatusForm

    def get_initial(self) -> dict[str, Any]:
        wanted = StaffStatusForm.DEACTIVATE if self.person.is_active else StaffStatusForm.REACTIVATE
        return {"to": wanted}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            person=self.person,
            deactivating=self.person.is_active,
            open_work=open_work_count(self.person),
            **kwargs,
        )

    def form_valid(self, form: StaffStatusForm) -> HttpResponse:
        request, person = self.request, self.person
        active = form.cleaned_data["to"] == StaffStatusForm.REACTIVATE
        try:
            ended = set_staff_active(actor=request.user, user=person, active=active)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.person_url())
        name = person_name(person)
        if active:
            messages.success(request, _("%(user)s can log in again.") % {"user": name})
            return HttpResponseRedirect(self.person_url())
        messages.success(
            request,
            ngettext(
                "%(user)s is deactivated; %(count)d open session was ended.",
                "%(user)s is deactivated; %(count)d open sessions were ended.",
                ended,
            )
            % {"user": name, "count": ended},
        )
        work = open_work_count(person)
        if work:
            messages.warning(
                request,
                ngettext(
                    "%(user)s still carries %(count)d open case or task. A head hands it over "
                    "to a colleague from the counselor workload page, where it is flagged.",
                    "%(user)s still carries %(count)d open cases or tasks. A head hands them "
                    "over to a colleague from the counselor workload page, where they are "
                    "flagged.",
                    work,
                )
                % {"user": name, "count": work},
            )
        return HttpResponseRedirect(self.person_url())


class StaffResetLinkView(StaffMemberMixin, generic.View):
    """E-mail the person a new link to choose their password (e.g. an invitation expired)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = self.person
        try:
            send_password_reset(actor=request.user, user=person, **_link_site(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except OSError:
            messages.error(request, _("The mail server did not accept the link; try again later."))
        else:
            messages.success(
                request,
                _("A link to choose a password was sent to %(email)s.") % {"email": person.email},
            )
        return HttpResponseRedirect(self.person_url())
