"""Account pages of LK3 Flow beyond viewflow's login and logout."""

from typing import Any

from django.conf import settings
from django.contrib.auth import logout, views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.decorators import method_decorator
from django.views import generic
from django_ratelimit.core import is_ratelimited
from viewflow.contrib.auth import AuthViewset

from lk3_flow.throttling import limited_per_address, too_many_requests

from .forms import LoginForm, RequestedPasswordResetForm
from .services import end_all_sessions


def _reset_rate() -> str:
    return getattr(settings, "LK3_PASSWORD_RESET_RATE", "5/h")


def _mailbox(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().casefold()[:254]


@method_decorator(
    limited_per_address("password-reset", _reset_rate, methods=("POST",)), name="dispatch"
)
class PasswordResetRequestView(views.PasswordResetView):
    """The login page's reset link: the same answer for any address, and a bounded number of
    requests per client address and per mailbox (so that nobody floods a colleague's inbox)."""

    form_class = RequestedPasswordResetForm
    subject_template_name = "permissions/password_reset_request_subject.html"
    email_template_name = "permissions/password_reset_request_email.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_ratelimited(
            request,
            group="password-reset-mailbox",
            key=_mailbox,
            rate=lambda _group, _request: _reset_rate(),
            method=["POST"],
            increment=True,
        ):
            return too_many_requests(request)
        return super().post(request, *args, **kwargs)


class AccountViewset(AuthViewset):
    """viewflow's log-in, log-out and password pages, with the bounded log-in form and the
    rate-limited reset request."""

    pass_reset_view_class = PasswordResetRequestView

    def get_login_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_login_view_kwargs(**{"form_class": LoginForm, **kwargs})


class EndAllSessionsView(LoginRequiredMixin, generic.TemplateView):
    """Log out on every device, e.g. after a phone with an open session was lost."""

    template_name = "permissions/end_all_sessions.html"

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        end_all_sessions(request.user)
        logout(request)
        return HttpResponseRedirect(resolve_url("login"))
