"""Pages of services without a case file and of outreach events.

Each page asks `selectors` whether the person may use it: a list or a form of a kind the person
has no part in is refused (403), a record they may not see does not exist for them (404).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views import generic

from lk3_flow.searches import SearchFormMixin
from permissions.selectors import openable_case_ids

from . import selectors, services
from .filters import DeskServiceFilter, OutreachFilter
from .forms import DeskServiceForm, OutreachEventForm
from .models import OutreachEvent

PER_PAGE = 25


class IndexView(LoginRequiredMixin, generic.RedirectView):
    """The application's own address leads to its first list."""

    pattern_name = "layanan:desk_services"


class FilteredListView(LoginRequiredMixin, SearchFormMixin, generic.ListView):
    """A list, newest first, filtered as the case list is (the terms POSTed, kept by key)."""

    paginate_by = PER_PAGE
    filterset_class: type
    title = ""

    def may_list(self, user: Any) -> bool:
        return False

    def rows(self) -> QuerySet:
        raise TypeError(f"{type(self).__name__} must define rows()")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.may_list(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def search_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self.filterset_class.base_filters)

    def get_queryset(self) -> QuerySet:
        self.filter = self.filterset_class(self.search_terms or {}, queryset=self.rows())
        return self.filter.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(filter=self.filter, title=self.title, **kwargs)


class DeskServiceListView(FilteredListView):
    template_name = "desk/desk_service_list.html"
    search_scope = "desk_services"
    filterset_class = DeskServiceFilter
    title = gettext_lazy("Consultations and information")

    def may_list(self, user: Any) -> bool:
        return selectors.may_list_desk_services(user)

    def rows(self) -> QuerySet:
        return selectors.desk_service_list(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_record"] = selectors.may_record_desk_service(self.request.user)
        context["openable_cases"] = openable_case_ids(
            self.request.user, [row.case_id for row in context["page_obj"]]
        )
        return context


class RecordFormView(LoginRequiredMixin, generic.FormView):
    """A form that records through a service; a refusal of the service is the form's error."""

    template_name = "desk/form.html"
    title = ""
    submit_label = gettext_lazy("Save")
    saved_message = ""
    cancel_url_name = ""

    def may_use(self, user: Any) -> bool:
        return False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.may_use(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def save(self, form: forms.ModelForm) -> Model:
        raise TypeError(f"{type(self).__name__} must define save()")

    def form_valid(self, form: forms.ModelForm) -> HttpResponse:
        try:
            saved = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message)
        return HttpResponseRedirect(self.detail_url(saved))

    def detail_url(self, saved: Model) -> str:
        raise TypeError(f"{type(self).__name__} must define detail_url()")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            title=self.title,
            submit_label=self.submit_label,
            cancel_url=self.cancel_url(),
            **kwargs,
        )

    def cancel_url(self) -> str:
        return reverse(self.cancel_url_name)


class DeskServiceCreateView(RecordFormView):
    form_class = DeskServiceForm
    title = gettext_lazy("Record a consultation or information")
    saved_message = gettext_lazy("The service has been recorded.")
    cancel_url_name = "layanan:desk_services"

    def may_use(self, user: Any) -> bool:
        return selectors.may_record_desk_service(user)

    def save(self, form: forms.ModelForm) -> Model:
        return services.record_desk_service(actor=self.request.user, **form.cleaned_data)

    def detail_url(self, saved: Model) -> str:
        return reverse("layanan:desk_service", args=[saved.pk])


class DeskServiceDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "desk/desk_service_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        desk_service = selectors.desk_service_list(user).filter(pk=self.kwargs["pk"]).first()
        if desk_service is None:
            raise Http404
        convert_url = ""
        if selectors.may_convert_desk_service(user, desk_service):
            query = urlencode({selectors.CONVERT_PARAMETER: desk_service.pk})
            convert_url = f"{reverse('case:intake:execute')}?{query}"
        return super().get_context_data(
            record=desk_service,
            convert_url=convert_url,
            case_openable=bool(openable_case_ids(user, [desk_service.case_id])),
            **kwargs,
        )


class OutreachListView(FilteredListView):
    template_name = "desk/outreach_list.html"
    search_scope = "outreach"
    filterset_class = OutreachFilter
    title = gettext_lazy("Outreach events")

    def may_list(self, user: Any) -> bool:
        return selectors.may_see_outreach(user)

    def rows(self) -> QuerySet:
        return selectors.outreach_list(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_record"] = selectors.may_record_outreach(self.request.user)
        return context


class OutreachCreateView(RecordFormView):
    form_class = OutreachEventForm
    title = gettext_lazy("Record an outreach event")
    saved_message = gettext_lazy("The outreach event has been recorded.")
    cancel_url_name = "layanan:outreach"

    def may_use(self, user: Any) -> bool:
        return selectors.may_record_outreach(user)

    def save(self, form: forms.ModelForm) -> Model:
        return services.record_outreach(actor=self.request.user, **form.cleaned_data)

    def detail_url(self, saved: Model) -> str:
        return reverse("layanan:outreach_detail", args=[saved.pk])


class OutreachEventMixin:
    """The event of the URL, or 404 to whoever may not see outreach events."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_event(self) -> OutreachEvent:
        event = selectors.outreach_list(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if event is None:
            raise Http404
        return event


class OutreachDetailView(LoginRequiredMixin, OutreachEventMixin, generic.TemplateView):
    template_name = "desk/outreach_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        event = self.get_event()
        return super().get_context_data(
            event=event,
            may_edit=selectors.may_edit_outreach(self.request.user, event),
            **kwargs,
        )


class OutreachUpdateView(OutreachEventMixin, RecordFormView):
    form_class = OutreachEventForm
    title = gettext_lazy("Change the outreach event")
    saved_message = gettext_lazy("The outreach event has been changed.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.event = self.get_event()
        return super().dispatch(request, *args, **kwargs)

    def may_use(self, user: Any) -> bool:
        return selectors.may_edit_outreach(user, self.event)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.event}

    def save(self, form: forms.ModelForm) -> Model:
        return services.change_outreach(
            actor=self.request.user, event=self.event, **form.cleaned_data
        )

    def detail_url(self, saved: Model) -> str:
        return reverse("layanan:outreach_detail", args=[saved.pk])

    def cancel_url(self) -> str:
        return self.detail_url(self.event)
