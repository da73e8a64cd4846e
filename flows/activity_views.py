"""Pages of the service activities within a case: each prepares, reports or proposes one.

They are `CaseTaskView`s like the counseling session's: one form, one domain service, the task
completed in the same savepoint, and what was recorded handed to the letters that follow. Each
report reviews the plan's open goals, as a session does, and offers the plan's next steps.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from lk3_flow import selectors, services

from . import activity_forms
from .views import CaseTaskView, GoalReviewMixin, NextStepMixin, PersonConcernedMixin


class ActivityTaskView(CaseTaskView):
    """A step whose form is recorded by one service of the case domain."""

    service: Any = None

    def record(self, form: Any) -> object:
        return self.service(case=self.case, counselor=self.request.user, data=form.cleaned_data)


class PrepareHomeVisitView(PersonConcernedMixin, ActivityTaskView):
    form_class = activity_forms.PrepareHomeVisitForm
    service = staticmethod(services.prepare_home_visit)
    submit_label = _("Save and issue the letter of assignment")

    def get_initial(self) -> dict[str, Any]:
        return {"place": selectors.address_of(self.case.client)}


class ReportViewMixin:
    """A report shows what was prepared (or approved) above its form."""

    prepared_kind = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            prepared=selectors.awaiting_report(self.case, self.prepared_kind),
            prepared_kind=self.prepared_kind,
            **kwargs,
        )


class HomeVisitReportView(ReportViewMixin, NextStepMixin, GoalReviewMixin, ActivityTaskView):
    form_class = activity_forms.HomeVisitReportForm
    service = staticmethod(services.report_home_visit)
    prepared_kind = "home_visit"


class PrepareAccompanimentView(PersonConcernedMixin, ActivityTaskView):
    form_class = activity_forms.PrepareAccompanimentForm
    service = staticmethod(services.prepare_accompaniment)
    submit_label = _("Save and issue the letter of assignment")


class AccompanimentReportView(ReportViewMixin, NextStepMixin, GoalReviewMixin, ActivityTaskView):
    form_class = activity_forms.AccompanimentReportForm
    service = staticmethod(services.report_accompaniment)
    prepared_kind = "accompaniment"


class ProposeProtectionView(PersonConcernedMixin, ActivityTaskView):
    form_class = activity_forms.ProposeProtectionForm
    service = staticmethod(services.propose_protection)
    submit_label = _("Propose to the head")


class EndProtectionView(ReportViewMixin, NextStepMixin, GoalReviewMixin, ActivityTaskView):
    form_class = activity_forms.EndProtectionForm
    service = staticmethod(services.end_protection)
    prepared_kind = "protection"


class ConsultationView(NextStepMixin, GoalReviewMixin, PersonConcernedMixin, ActivityTaskView):
    form_class = activity_forms.ConsultationForm
    service = staticmethod(services.record_consultation)
