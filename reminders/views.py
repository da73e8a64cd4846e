"""Reminding a client: the case page's buttons post here, and a WhatsApp reminder then opens on
a page of its own, from which the person opens WhatsApp.

WhatsApp opens from a link on that page rather than by redirecting the button's POST there: the
site's policy lets forms post only to the site (form-action 'self'), and browsers hold a
redirect after a POST to that too. The client's phone number is in that page, never in a URL of
ours.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from audit import services as audit
from audit.models import Action
from lk3_flow.views import VisibleCaseMixin, case_url
from permissions.selectors import may_keep_case_notes

from . import selectors, services
from .forms import ReminderForm
from .models import Channel

# Where the case page shows the reminder card.
CARD_ANCHOR = "#pengingat"


class ReminderPageMixin(VisibleCaseMixin):
    """The case of the URL for who keeps its contact log: 404 without the whole case file, 403
    for the others (an auditor, a counselor whose case it no longer is)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.case = self.get_case()
        if not may_keep_case_notes(request.user, self.case, self.access):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RemindClientView(ReminderPageMixin, generic.View):
    """Records a reminder, then opens a WhatsApp one or returns to the case page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = case_url(self.case) + CARD_ANCHOR
        form = ReminderForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose WhatsApp or e-mail."))
            return HttpResponseRedirect(back)
        try:
            reminder = services.remind_client(
                case=self.case, actor=request.user, channel=form.cleaned_data["channel"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        if reminder.channel == Channel.EMAIL:
            messages.success(request, _("The reminder e-mail will be sent in a moment."))
            return HttpResponseRedirect(back)
        return HttpResponseRedirect(
            reverse("cases:reminder", args=[self.case.pk, reminder.pk]), status=303
        )


class WhatsAppReminderView(ReminderPageMixin, generic.TemplateView):
    """The WhatsApp reminder prepared: its message, and the link that opens it in WhatsApp."""

    template_name = "reminders/whatsapp.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        reminder = selectors.whatsapp_reminder(self.case, self.kwargs["reminder_pk"])
        if reminder is None:
            raise Http404
        audit.record(
            Action.CASE_VIEWED, case=self.case, obj=self.case, details={"page": "reminder"}
        )
        return super().get_context_data(
            case=self.case,
            reminder=reminder,
            prepared=selectors.prepared_whatsapp(reminder),
            still_open=selectors.may_remind(self.request.user, self.case, self.access),
            **kwargs,
        )
