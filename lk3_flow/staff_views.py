"""The heads' watch over staff administration: what changed in who may do what, and the role
requests that wait for a second person."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from auditor.selectors import lines
from permissions.forms import RoleDecisionForm
from permissions.models import RoleRequest
from permissions.selectors import (
    may_decide_role_request,
    may_oversee_staff,
    pending_role_requests,
    staff_events,
)
from permissions.services import decide_role_request


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
