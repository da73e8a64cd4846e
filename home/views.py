"""The page each person lands on: what their roles need to decide or do next."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from auditor.forms import AuditCaseFilter
from lk3_flow.templatetags.lk3 import person
from permissions.roles import ADMINISTRATOR, AUDITOR, COUNSELOR, HEAD, INTAKE_OFFICER
from permissions.selectors import role_codes_of

from . import selectors
from .charts import bar_chart


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
        picture = selectors.office_picture(now)
        caseload = [(person(load.counselor), load.open_cases) for load in picture.by_counselor]
        return {
            "decisions": selectors.decisions_waiting_for(self.request.user),
            "picture": picture,
            "new_this_week": selectors.cases_registered_since(selectors.week_start(now)),
            "stage_chart": bar_chart(picture.by_stage, label=_("Open cases by stage")),
            "problem_chart": bar_chart(
                selectors.open_cases_by_problem(), label=_("Open cases by problem category")
            ),
            "caseload_chart": bar_chart(caseload, label=_("Open cases per counselor")),
        }
