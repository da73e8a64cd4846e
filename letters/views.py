"""Letter pages: download for those who may read the case, public verification for everyone."""

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import generic

from audit import services as audit
from audit.models import Action
from audit.verification import Checkpoint, holds_checkpoint
from flows.forms import ReasonForm
from lk3_flow.throttling import limited_per_address
from permissions.selectors import may_withdraw_cases, openable_case_ids

from . import selectors, services
from .forms import CompareUploadForm, RegisterFilterForm, ShortCodeForm
from .models import IssuedDocument, IssuedReport, Letter, NumberStatus

logger = logging.getLogger(__name__)


class DownloadLetterView(LoginRequiredMixin, generic.View):
    def get(self, request: Any, pk: int) -> HttpResponse:
        letter = get_object_or_404(Letter.objects.select_related("case"), pk=pk)
        if not selectors.may_read_letter(request.user, letter):
            raise Http404
        try:
            letter = services.rendered(letter)
        except Exception:
            logger.exception("Could not make the file of letter %s on request", letter.pk)
            messages.error(
                request,
                _("The file of letter %(number)s could not be made. Please try again later.")
                % {"number": letter.number},
            )
            return HttpResponseRedirect(reverse("cases:detail", args=[letter.case_id]))
        audit.record(
            Action.LETTER_DOWNLOADED,
            case=letter.case,
            obj=letter,
            details={"number": letter.number},
        )
        filename = f"{letter.get_kind_display()} {letter.number}.pdf".replace("/", "-")
        return FileResponse(
            letter.pdf.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )


class CorrectLetterView(LoginRequiredMixin, generic.FormView):
    """A head replaces a wrong letter by a new one; the old one stays, marked revoked."""

    form_class = ReasonForm
    template_name = "lk3_flow/case_action.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_withdraw_cases(request.user):
            raise PermissionDenied
        self.letter = get_object_or_404(Letter.objects.select_related("case"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        title = _("Issue a correction of letter %(number)s") % {"number": self.letter.number}
        return super().get_context_data(case=self.letter.case, title=title, **kwargs)

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            # One event: the letter revoked, with its replacement's issue as an effect.
            with (
                transaction.atomic(),
                audit.action(Action.LETTER_REVOKED, case=self.letter.case, obj=self.letter),
            ):
                replacement = services.correct_letter(
                    self.letter, signer=self.request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Letter %(old)s is revoked; %(new)s replaces it.")
            % {"old": self.letter.number, "new": replacement.number},
        )
        return HttpResponseRedirect(reverse("cases:detail", args=[self.letter.case_id]))


class LetterRegisterView(LoginRequiredMixin, generic.ListView):
    """The agenda book: every number of a year, kind by kind, used or void and why."""

    template_name = "letters/register.html"
    paginate_by = 50

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not selectors.may_read_letter_register(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        this_year = timezone.localdate().year
        years = selectors.register_years() or [this_year]
        year = this_year if this_year in years else years[0]
        data = {"year": self.request.GET.get("year", year), "kind": self.request.GET.get("kind")}
        self.form = RegisterFilterForm(data, years=years)
        # A year or kind that does not exist is said so, and the default part is shown.
        kind = ""
        if self.form.is_valid():
            year, kind = self.form.cleaned_data["year"], self.form.cleaned_data["kind"]
        return selectors.register_entries(year=year, kind=kind)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entries = context["page_obj"].object_list
        used = [entry for entry in entries if entry.status == NumberStatus.USED]
        letters = {entry.pk: entry.letter for entry in used if hasattr(entry, "letter")}
        reports = {entry.pk: entry.issuedreport for entry in used if hasattr(entry, "issuedreport")}
        openable = openable_case_ids(
            self.request.user, [letter.case_id for letter in letters.values()]
        )
        context["form"] = self.form
        context["rows"] = [
            {
                "entry": entry,
                "document": letter or reports.get(entry.pk),
                "case": letter.case if letter and letter.case_id in openable else None,
            }
            for entry in entries
            for letter in [letters.get(entry.pk)]
        ]
        return context


# Anyone may open these pages; each address gets a bounded share of them.
public_pages = limited_per_address(
    "public-pages", lambda: getattr(settings, "LK3_PUBLIC_RATE", "30/m")
)
public_uploads = limited_per_address(
    "public-uploads",
    lambda: getattr(settings, "LK3_PUBLIC_UPLOAD_RATE", "20/h"),
    methods=("POST",),
)


@method_decorator([login_not_required, public_pages, public_uploads], name="dispatch")
class VerifyLetterView(generic.View):
    """What anyone may know about a letter: never any personal data of the client.

    Checks are counted per letter and day, not chained one by one into the audit log, which
    anyone holding a QR code could otherwise grow without end.
    """

    template_name = "letters/verify.html"

    def get(self, request: Any, token: str) -> HttpResponse:
        letter = selectors.letter_by_token(token)
        if letter is not None:
            services.count_verification(letter, services.Verification.VIEW)
        return self.page(request, letter, CompareUploadForm())

    def post(self, request: Any, token: str) -> HttpResponse:
        letter = selectors.letter_by_token(token)
        form = CompareUploadForm(request.POST, request.FILES)
        if letter is None or not form.is_valid():
            return self.page(request, letter, form)
        if letter.rendered_at is None:
            # Issued moments ago: its file is being made; there is nothing to compare yet.
            form.add_error(
                None, _("This letter's file is still being made. Please try again in a minute.")
            )
            return self.page(request, letter, form)
        check = services.check_copy(letter, form.cleaned_data["pdf"])
        counted = services.Verification.MATCH if check.identical else services.Verification.MISMATCH
        services.count_verification(letter, counted)
        return self.page(request, letter, form, check)

    def page(
        self,
        request: Any,
        document: IssuedDocument | None,
        form: CompareUploadForm,
        check: services.CopyCheck | None = None,
    ) -> HttpResponse:
        context = {
            "letter": document,
            "form": form,
            "check": check,
            "institution": selectors.institution_profile(),
            **self.facts(document),
        }
        return render(request, self.template_name, context, status=200 if document else 404)

    def facts(self, document: IssuedDocument | None) -> dict[str, Any]:
        return {}


@method_decorator([login_not_required, public_pages, public_uploads], name="dispatch")
class VerifyReportView(VerifyLetterView):
    """What anyone may know about a periodic report (it names no client), with the audit
    checkpoint it carries and whether the chain still passes through it. Reports are few and
    made by the head: their checks are not counted."""

    template_name = "letters/verify_report.html"

    def get(self, request: Any, token: str) -> HttpResponse:
        return self.page(request, selectors.report_by_token(token), self.upload_form())

    def post(self, request: Any, token: str) -> HttpResponse:
        report = selectors.report_by_token(token)
        form = self.upload_form(request.POST, request.FILES)
        if report is None or not form.is_valid():
            return self.page(request, report, form)
        check = services.check_copy(report, form.cleaned_data["pdf"])
        return self.page(request, report, form, check)

    def upload_form(self, *args: Any) -> CompareUploadForm:
        return CompareUploadForm(*args, document_label=_("PDF file of the report"))

    def facts(self, document: IssuedDocument | None) -> dict[str, Any]:
        if not isinstance(document, IssuedReport):
            return {}
        point = Checkpoint(document.audit_events, document.audit_head)
        return {"report": document, "checkpoint_held": holds_checkpoint(point)}


@method_decorator([login_not_required, public_pages], name="dispatch")
class VerifyByCodeView(generic.FormView):
    """For a printed letter or report: type the short code printed under the QR code."""

    form_class = ShortCodeForm
    template_name = "letters/verify_code.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(institution=selectors.institution_profile(), **kwargs)

    def form_valid(self, form: ShortCodeForm) -> HttpResponse:
        document = selectors.document_by_short_code(form.cleaned_data["code"])
        if document is None:
            form.add_error("code", _("No letter or report has this verification code."))
            return self.form_invalid(form)
        return HttpResponseRedirect(services.verification_path(document))
