"""Account pages of LK3 Flow beyond viewflow's login and logout."""

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.views import generic
from viewflow.contrib.auth import AuthViewset

from .forms import LoginForm
from .services import end_all_sessions


class AccountViewset(AuthViewset):
    """viewflow's log-in, log-out and password pages, with the bounded log-in form."""

    def get_login_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_login_view_kwargs(**{"form_class": LoginForm, **kwargs})


class EndAllSessionsView(LoginRequiredMixin, generic.TemplateView):
    """Log out on every device, e.g. after a phone with an open session was lost."""

    template_name = "permissions/end_all_sessions.html"

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        end_all_sessions(request.user)
        logout(request)
        return HttpResponseRedirect(resolve_url("login"))
