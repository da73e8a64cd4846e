"""The auditor's workspace: find a case, read its whole history, export it. Read-only."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from letters.rendering import html_to_pdf
from lk3_flow.models import Case
from lk3_flow.searches import SearchFormMixin, StoredSearchMixin
from lk3_flow.spreadsheets import csv_response
from permissions.roles import AUDIT_CASE

from . import selectors, services, verification
from .forms import AuditCaseFilter, TimelineFilterForm
from .models import Action


def _seal_of(event: Any) -> Any:
    """The event's seal, or None while it waits for the sealer."""
    return getattr(event, "seal", None)


class AuditorOnly(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = AUDIT_CASE


class CaseSearchView(AuditorOnly, SearchFormMixin, generic.ListView):
    template_name = "audit/case_search.html"
    paginate_by = 25
    search_scope = "audit.cases"
    search_fields = tuple(AuditCaseFilter.base_filters)

    def get_queryset(self) -> Any:
        self.filter = AuditCaseFilter(
            self.search_terms,
            queryset=Case.objects.select_related("client", "counselor").order_by("-created_at"),
            request=self.request,
        )
        return self.filter.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(filter=self.filter, **kwargs)
        if self.searched_fields:
            services.record(
                Action.AUDIT_SEARCHED,
                details={
                    "fields": self.searched_fields,
                    "case_ids": [case.pk for case in context["page_obj"]],
                },
            )
        return context


class CaseTimelineMixin(AuditorOnly, StoredSearchMixin):
    search_scope = "audit.timeline"

    def timeline_of(self, pk: int) -> tuple[Case, TimelineFilterForm, Any]:
        case = get_object_or_404(Case.objects.select_related("client"), pk=pk)
        form = TimelineFilterForm(self.search_terms)
        return case, form, selectors.case_events(case, **form.filters())

    def export(self, pk: int, file_format: str) -> tuple[Case, Any, verification.Checkpoint]:
        """The case's filtered events, with the export itself recorded and the chain head."""
        case, _form, events = self.timeline_of(pk)
        head = verification.checkpoint()
        services.record(
            Action.EXPORTED,
            case=case,
            obj=case,
            details={"format": file_format, "filters": self.searched_fields, "head": head.head},
        )
        return case, events, head


class CaseTimelineView(CaseTimelineMixin, SearchFormMixin, generic.TemplateView):
    template_name = "audit/timeline.html"
    search_fields = tuple(TimelineFilterForm.base_fields)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        case, form, events = self.timeline_of(kwargs["pk"])
        services.record(
            Action.CASE_VIEWED,
            case=case,
            obj=case,
            details={"page": "audit timeline", "filters": self.searched_fields},
        )
        return super().get_context_data(
            case=case, form=form, entries=list(selectors.timeline(events)), **kwargs
        )


class TimelineCsvView(CaseTimelineMixin, generic.View):
    """The timeline as CSV, streamed so that a long history does not sit in memory."""

    def get(self, request: Any, pk: int) -> StreamingHttpResponse:
        case, events, _head = self.export(pk, "csv")
        header = [
            _("Position"), _("Time"), _("Actor"), _("Role"), _("Action"), _("Step"),
            _("Object"), _("Details"), _("Request"), _("IP address"), _("Hash"),
        ]  # fmt: skip
        rows = (
            [
                _seal_of(entry.event).position if _seal_of(entry.event) else "",
                timezone.localtime(entry.event.occurred_at).isoformat(timespec="seconds"),
                entry.event.actor_name,
                entry.event.actor_role,
                entry.action,
                entry.step,
                entry.event.object_label,
                "; ".join(f"{c.label}: {c.before} → {c.after}" for c in entry.changes)
                or entry.event.details.get("comment", ""),
                entry.event.request_id,
                entry.event.ip_address or "",
                _seal_of(entry.event).hash if _seal_of(entry.event) else "",
            ]
            for entry in selectors.timeline(events)
        )
        return csv_response(f"audit-{case.number.replace('/', '-')}.csv", header, rows)


class TimelinePdfView(CaseTimelineMixin, generic.View):
    """The timeline as a PDF audit report that states the chain head at the time of export."""

    def get(self, request: Any, pk: int) -> HttpResponse:
        case, events, head = self.export(pk, "pdf")
        html = render_to_string(
            "audit/report.html",
            {
                "case": case,
                "entries": selectors.timeline(events),
                "head": head,
                "exported_at": timezone.localtime(),
                "exported_by": request.user,
            },
        )
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        filename = f"audit-{case.number.replace('/', '-')}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
