"""The page where the head or the administrator erases a client's personal data.

Not in Django's admin: the admin deliberately holds no case records, and the administrator, who
sees no case file, must not meet clients' names there. The page names the client by number and
lists their cases by number only.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from audit import personal
from flows.forms import ReasonForm

from . import personal_data, services
from .models import Client


class EraseClientView(LoginRequiredMixin, generic.FormView):
    form_class = ReasonForm
    template_name = "lk3_flow/erase_client.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not personal_data.may_erase(request.user):
            raise PermissionDenied
        self.client_record = get_object_or_404(Client, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            client_record=self.client_record,
            cases=self.client_record.cases.order_by("created_at").only("number", "status"),
            erased=personal.is_erased(personal_data.subject(self.client_record.pk)),
            **kwargs,
        )

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            services.erase_client_personal_data(
                self.client_record, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The personal data of client %(number)s have been erased.")
            % {"number": self.client_record},
        )
        return HttpResponseRedirect(reverse("cases:erase_client", args=[self.client_record.pk]))
