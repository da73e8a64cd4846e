"""The bell's pages: the person's notifications, and their choice of what to be told how."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from . import messages as words
from . import selectors, services
from .forms import PreferencesForm

PER_PAGE = 25


class NotificationListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.notifications_of(request.user), PER_PAGE).get_page(
            request.GET.get("page")
        )
        rows = [(item, words.headline(item)) for item in page.object_list]
        return render(request, "notifications/list.html", {"page_obj": page, "rows": rows})


class OpenNotificationView(View):
    """Marks the notification read and follows its link (POST: opening changes something)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = services.open_notification(user=request.user, notification_id=pk)
        if notification is None:
            raise Http404
        return HttpResponseRedirect(services.target_of(notification))


class MarkAllReadView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        services.mark_all_read(user=request.user)
        return HttpResponseRedirect(reverse("notifications:index"))


class PreferencesView(View):
    template_name = "notifications/preferences.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, self.form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request, data=request.POST)
        if not form.is_valid():
            return self.page(request, form)
        services.save_preferences(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification choices are saved."))
        return HttpResponseRedirect(reverse("notifications:preferences"))

    def form(self, request: HttpRequest, **kwargs: Any) -> PreferencesForm:
        return PreferencesForm(initial_choices=selectors.preferences_of(request.user), **kwargs)

    def page(self, request: HttpRequest, form: PreferencesForm) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"form": form, "has_email": bool(request.user.email)},
        )
