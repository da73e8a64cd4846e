"""The auditor's workspace: find a case, read its whole history, export it. Read-only."""

from itertools import chain
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from audit import services
from audit.models import Action, AuditEvent, AuditSeal
from audit.sealing import SealStatus, status
from letters.rendering import html_to_pdf
from lk3_flow.models import Case
from lk3_flow.searches import SearchFormMixin, StoredSearchMixin
from lk3_flow.spreadsheets import csv_response
from permissions.roles import AUDIT_CASE

from . import selectors
from .forms import AuditCaseFilter, TimelineFilterForm


def _seal_of(event: AuditEvent) -> AuditSeal | None:
    """The event's seal, or None while it waits for the sealer."""
    return getattr(event, "seal", None)


def _chain_position(event: AuditEvent) -> int | str:
    seal = _seal_of(event)
    return seal.position if seal else ""


class AuditorOnly(LoginRequiredMixin, PermissionRequiredMixin):
    """The auditor's pages; each tells how far the chain is sealed, and whether the sealer keeps
    its promised bound."""

    permission_required = AUDIT_CASE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        seal = status()
        return super().get_context_data(
            seal=seal,
            seal_late=seal.late(),
            seal_bound_seconds=int(seal.bound.total_seconds()),
            **kwargs,
        )


class CaseSearchView(AuditorOnly, SearchFormMixin, generic.ListView):
    template_name = "auditor/case_search.html"
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

    def timeline_of(self, pk: int) -> tuple[Case, TimelineFilterForm, QuerySet]:
        case = get_object_or_404(Case.objects.select_related("client"), pk=pk)
        form = TimelineFilterForm(self.search_terms)
        return case, form, selectors.case_events(case, **form.filters())

    def export(self, pk: int, file_format: str) -> tuple[Case, QuerySet, SealStatus]:
        """The case's filtered events and the checkpoint the export is made at, the export
        itself recorded (and so part of what it shows)."""
        case, _form, events = self.timeline_of(pk)
        head = status()
        services.record(
            Action.EXPORTED,
            case=case,
            obj=case,
            details={"format": file_format, "filters": self.searched_fields, "head": head.head},
        )
        return case, events, head


def _export_name(case: Case, extension: str) -> str:
    return f"audit-{case.number.replace('/', '-')}.{extension}"


class CaseTimelineView(CaseTimelineMixin, SearchFormMixin, generic.TemplateView):
    template_name = "auditor/timeline.html"
    search_fields = tuple(TimelineFilterForm.base_fields)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        case, form, events = self.timeline_of(kwargs["pk"])
        services.record(
            Action.CASE_VIEWED,
            case=case,
            obj=case,
            details={"page": "audit timeline", "filters": self.searched_fields},
        )
        timeline = selectors.timeline_page(
            events, self.request.GET.get("page"), reader=self.request.user
        )
        return super().get_context_data(
            case=case, form=form, page_obj=timeline.page, lines=timeline.lines, **kwargs
        )


class TimelineCsvView(CaseTimelineMixin, generic.View):
    """The timeline as CSV, one row per line, streamed so that a long history does not sit in
    memory. Its first rows state the checkpoint it was made at."""

    def get(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        case, events, head = self.export(pk, "csv")
        made_at = timezone.localtime().isoformat(timespec="seconds")
        preamble = [
            [_("Audit report"), case.number],
            [
                _("Audit chain at the time of export"),
                head.sealed,
                head.head,
                made_at,
                _("events waiting to be sealed"),
                head.pending,
            ],
            [],
        ]
        header = [
            _("Position"), _("Time"), _("Actor"), _("Role"), _("Action"), _("Comment"),
            _("Details"), _("Automatic steps"), _("Events"), _("Request"), _("IP address"),
            _("Hash"),
        ]  # fmt: skip
        rows = (
            [
                _chain_position(line.event),
                timezone.localtime(line.event.occurred_at).isoformat(timespec="seconds"),
                line.event.actor_name,
                line.event.actor_role,
                line.title,
                line.principal.comment,
                line.details_text(),
                line.steps_text(),
                " ".join(str(event.pk) for event in line.events),
                line.event.request_id,
                line.event.ip_address or "",
                seal.hash if (seal := _seal_of(line.event)) else "",
            ]
            for line in selectors.export_lines(events, reader=request.user)
        )
        rows_after_header = chain(preamble[1:], [header], rows)
        return csv_response(_export_name(case, "csv"), preamble[0], rows_after_header)


class TimelinePdfView(CaseTimelineMixin, generic.View):
    """The timeline as a PDF audit report; its header states the checkpoint it was made at."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case, events, head = self.export(pk, "pdf")
        html = render_to_string(
            "auditor/report.html",
            {
                "case": case,
                "lines": selectors.export_lines(events, reader=request.user),
                "head": head,
                "exported_at": timezone.localtime(),
                "exported_by": request.user,
            },
        )
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{_export_name(case, "pdf")}"'
        return response
