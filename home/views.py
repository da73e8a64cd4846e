"""The page each person lands on: what their roles need to decide or do next."""

from typing import Any

from django.utils import timezone
from django.views import generic

from auditor.forms import AuditCaseFilter
from permissions.roles import ADMINISTRATOR, AUDITOR, COUNSELOR, HEAD, INTAKE_OFFICER
from permissions.selectors import role_codes_of

from . import selectors
from .office import office_counts


class HomeView(generic.TemplateView):
    """One section per role the person holds, in the order of the office's work."""

    template_name = "home/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        now = timezone.now()
        roles = role_codes_of(user)
        context: dict[str, Any] = {"now": now, "has_role": bool(roles) or user.is_superuser}
        if HEAD.code in roles:
            context["head"] = self.head_section(now)
        if COUNSELOR.code in roles:
            context["counselor"] = {
                "tasks": selectors.tasks_of(user),
                "sessions": selectors.sessions_this_week(user, now),
            }
        if INTAKE_OFFICER.code in roles:
            context["intake"] = {"registrations": selectors.registrations_of(user)}
        if AUDITOR.code in roles:
            search = AuditCaseFilter(request=self.request).form
            context["auditor"] = {
                "search_fields": [search["number"], search["client"]],
                "events": selectors.recent_case_events(),
            }
        if ADMINISTRATOR.code in roles or user.is_superuser:
            context["administrator"] = {"staff": selectors.staff_picture()}
        return super().get_context_data(**context, **kwargs)

    def head_section(self, now: Any) -> dict[str, Any]:
        return {
            "decisions": selectors.decisions_waiting_for(self.request.user),
            "plan_changes": selectors.plan_changes_waiting(),
            **office_counts(now),
        }
