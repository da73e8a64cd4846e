"""The periodic report on screen for the head and the auditor, its CSV, and its links to the
cases behind each figure."""

import logging
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import generic

from letters.selectors import issued_reports
from letters.signing import SigningUnavailable
from lk3_flow.choices import PeriodMeasure
from lk3_flow.filters import CaseFilter
from lk3_flow.searches import PARAMETER, remember
from lk3_flow.spreadsheets import csv_response, xlsx_response
from permissions.selectors import may_issue_reports, sees_every_case

from .charts import charted_tables
from .forms import PeriodForm
from .selectors import Report, Table, periodic_report
from .services import issue_periodic_report

logger = logging.getLogger(__name__)

# The case list's search scope (`lk3_flow.views.CaseListView`).
CASE_LIST_SCOPE = "cases"
ISSUED_PER_PAGE = 25


class ReportReaders(LoginRequiredMixin, UserPassesTestMixin):
    """The head answers for the office's figures and the auditor checks them; both see every
    case, so both may follow a figure to its cases. Others are refused (403)."""

    def test_func(self) -> bool:
        return sees_every_case(self.request.user)


def _period_form(request: HttpRequest) -> PeriodForm:
    data = request.GET if "kind" in request.GET else PeriodForm.initial_values()
    return PeriodForm(data)


class ReportView(ReportReaders, generic.TemplateView):
    template_name = "reports/report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = _period_form(self.request)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            report = periodic_report(form.period())
            context.update(
                report=report,
                sections=charted_tables(report),
                may_issue=may_issue_reports(self.request.user),
                export_query=self.request.GET.urlencode(),
            )
        return super().get_context_data(**context, **kwargs)


class IssueReportView(ReportReaders, generic.TemplateView):
    """The head confirms, then issues the period's report as a numbered, signed PDF: a number
    of the letter register is spent on it, and it cannot be taken back."""

    template_name = "reports/issue.html"

    def test_func(self) -> bool:
        return super().test_func() and may_issue_reports(self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = _period_form(request)
        if not form.is_valid():
            return HttpResponseRedirect(f"{reverse('reports:index')}?{request.GET.urlencode()}")
        cancel_url = f"{reverse('reports:index')}?{_form_query(form)}"
        return self.render_to_response(
            self.get_context_data(form=form, period=form.period(), cancel_url=cancel_url)
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PeriodForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The period was not valid; no report was issued."))
            return HttpResponseRedirect(reverse("reports:index"))
        again = HttpResponseRedirect(f"{reverse('reports:issue')}?{_form_query(form)}")
        try:
            issued = issue_periodic_report(period=form.period(), signer=request.user)
        except SigningUnavailable:
            messages.error(
                request,
                _(
                    "No signing key is configured, so no report can be signed; nothing was "
                    "issued. Ask the technician to configure one."
                ),
            )
            return again
        except Exception:
            # Everything was rolled back, file included (`letters.services.issue_report`); the
            # report names no client, so its error may be logged whole.
            logger.exception("Could not issue the periodic report")
            messages.error(
                request, _("The report could not be made; nothing was issued. Please try again.")
            )
            return again
        messages.success(request, _("Report %(number)s was issued.") % {"number": issued.number})
        return HttpResponseRedirect(reverse("reports:issued"))


def _form_query(form: PeriodForm) -> str:
    """The period's fields as a query string, to return to the same period."""
    return urlencode({name: value for name, value in form.data.items() if name in form.fields})


class IssuedReportListView(ReportReaders, generic.ListView):
    """Every report issued, newest first, to download again or to check."""

    template_name = "reports/issued.html"
    context_object_name = "issued_reports"
    paginate_by = ISSUED_PER_PAGE

    def get_queryset(self) -> Any:
        return issued_reports()


class DownloadIssuedReportView(ReportReaders, generic.View):
    """The stored, signed file, as issued: the hash the verification page compares with."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        issued = get_object_or_404(issued_reports(), pk=pk)
        period = f"{issued.period_first.isoformat()}-{issued.period_last.isoformat()}"
        return FileResponse(
            issued.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"laporan-lk3-{period}.pdf",
        )


class FigureCasesView(ReportReaders, generic.View):
    """Opens the case list filtered to the cases a figure counts.

    The case list reads its terms only from the session (`lk3_flow.searches`), so the figure's
    terms — a period, a measure, categories; never a person's data — are kept there and the list
    opened by the key. The list applies its own access rules as always.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        terms = QueryDict(mutable=True)
        for name in CaseFilter.base_filters:
            if name in request.GET:
                terms.setlist(name, request.GET.getlist(name))
        key = remember(request, CASE_LIST_SCOPE, terms, CaseFilter.base_filters)
        url = reverse("cases:index")
        return HttpResponseRedirect(f"{url}?{urlencode({PARAMETER: key})}" if key else url)


class ReportExportView(ReportReaders, generic.View):
    """The report as one table of rows (section, row, column, value), small cells as on
    screen, as a CSV or an XLSX workbook (`spreadsheet`, set where the URL is); a period the
    form refuses sends the reader back to the page that explains why."""

    spreadsheet = "csv"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = _period_form(request)
        if not form.is_valid():
            return HttpResponseRedirect(f"{reverse('reports:index')}?{request.GET.urlencode()}")
        report = periodic_report(form.period())
        period = report.period
        stem = f"laporan-lk3-{period.first.isoformat()}-{period.last.isoformat()}"
        header = [_("Section"), _("Row"), _("Column"), _("Value")]
        if self.spreadsheet == "xlsx":
            return xlsx_response(f"{stem}.xlsx", _("Periodic report"), header, _rows(report))
        return csv_response(f"{stem}.csv", header, _rows(report))


def _rows(report: Report) -> Iterator[list[Any]]:
    period = report.period
    yield [_("Period"), _("From"), "", period.first.isoformat()]
    yield [_("Period"), _("To"), "", period.last.isoformat()]
    for measure, figure in report.totals.items():
        yield [_("Cases"), PeriodMeasure(measure).label, "", figure.shown]
    for table in report.tables:
        yield from _table_rows(table)
    for stage in report.stage_times:
        yield [_("Time spent in each stage"), stage.label, _("Stays ended"), stage.periods]
        yield [_("Time spent in each stage"), stage.label, _("Median days"), stage.median_days]
        yield [
            _("Time spent in each stage"),
            stage.label,
            _("90th percentile days"),
            stage.p90_days,
        ]
    deadlines = report.deadlines
    yield [_("Deadlines"), _("Met"), "", deadlines.met]
    yield [_("Deadlines"), _("Missed"), "", deadlines.missed]
    yield [
        _("Deadlines"),
        _("Still waiting past the due date"),
        "",
        deadlines.still_waiting_overdue,
    ]
    attendance = report.outreach_attendance
    yield [_("Outreach events"), _("Events held"), "", attendance["events"]]
    yield [_("Outreach events"), _("Men attending"), "", attendance["men"]]
    yield [_("Outreach events"), _("Women attending"), "", attendance["women"]]


def _table_rows(table: Table) -> Iterator[list[Any]]:
    for row in table.rows:
        for column, figure in zip(table.columns, row.figures, strict=True):
            yield [table.title, row.label, column, figure.shown]
