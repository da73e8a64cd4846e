"""A case's notes and its contact log: each a page that lists them all and takes a new one."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy
from django.views import generic

from audit import services as audit
from audit.models import Action
from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case
from lk3_flow.views import VisibleCaseMixin
from permissions.selectors import may_keep_case_notes

from . import selectors, services
from .forms import ContactForm, NoteForm

ENTRIES_PER_PAGE = 25


class CaseEntriesView(VisibleCaseMixin, generic.TemplateView):
    """Entries of one kind, newest first, and the form for a new one to those who may add it.

    Reading needs the whole case file (404 otherwise, as every case page); adding is for the
    heads and the case's counselor (403 for the others), on an open case.
    """

    template_name = "casenotes/entries.html"
    form_class: type[forms.ModelForm]
    title = ""
    submit_label = ""
    added_message = ""
    audited_page = ""  # how the audit log names the page a case file was read on
    list_template = ""  # draws `entries`
    # The selector that reads the entries the user may see, and the service that records one
    # from the form's fields, which are the service's own arguments.
    entries_of: Callable[[AbstractBaseUser, Case], QuerySet]
    record: Callable[..., object]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.case = self.get_case()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        may_add = selectors.may_add_entries(request.user, self.case, self.access)
        return self.page(self.form_class() if may_add else None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_keep_case_notes(request.user, self.case, self.access):
            raise PermissionDenied
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            self.record(actor=request.user, case=self.case, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(form)
        messages.success(request, self.added_message)
        return HttpResponseRedirect(request.path)

    def page(self, form: forms.ModelForm | None) -> HttpResponse:
        audit.record(
            Action.CASE_VIEWED,
            case=self.case,
            obj=self.case,
            details={"page": self.audited_page},
        )
        paginator = Paginator(self.entries_of(self.request.user, self.case), ENTRIES_PER_PAGE)
        return self.render_to_response(
            self.get_context_data(
                case=self.case,
                case_open=self.case.status == CaseStatus.OPEN,
                form=form,
                title=self.title,
                submit_label=self.submit_label,
                page_obj=paginator.get_page(self.request.GET.get("page")),
                entries_erased=selectors.texts_erased(self.case),
            )
        )


class CaseNotesView(CaseEntriesView):
    title = gettext_lazy("Case notes")
    submit_label = gettext_lazy("Add note")
    added_message = gettext_lazy("The note has been added.")
    audited_page = "case notes"
    list_template = "casenotes/_notes.html"
    form_class = NoteForm

    entries_of = staticmethod(selectors.notes_of)
    record = staticmethod(services.add_note)


class ContactLogView(CaseEntriesView):
    title = gettext_lazy("Contact log")
    submit_label = gettext_lazy("Record contact")
    added_message = gettext_lazy("The contact has been recorded.")
    audited_page = "contact log"
    list_template = "casenotes/_contacts.html"
    form_class = ContactForm

    entries_of = staticmethod(selectors.contacts_of)
    record = staticmethod(services.log_contact)
