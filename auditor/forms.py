import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from lk3_flow.choices import Stage
from lk3_flow.fields import BoundedDateFormField
from lk3_flow.filters import BoundedDateFilter
from lk3_flow.models import Case
from lk3_flow.selectors import clients_matching
from permissions.selectors import cases_named_for, counselors


class AuditCaseFilter(django_filters.FilterSet):
    """The auditor's search: by number, client, counselor, stage and registration date."""

    number = django_filters.CharFilter(label=_("Case number"), lookup_expr="icontains")
    client = django_filters.CharFilter(
        label=_("Client: name, NIK, phone, village or household member"), method="search_client"
    )
    counselor = django_filters.ModelChoiceFilter(label=_("Counselor"), queryset=counselors())
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    registered_from = BoundedDateFilter(
        label=_("Registered from"), field_name="created_at", lookup_expr="date__gte"
    )
    registered_to = BoundedDateFilter(
        label=_("Registered until"), field_name="created_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Case
        fields = ["number", "client", "counselor", "stage", "registered_from", "registered_to"]

    def search_client(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Cases whose client the text finds, among those the user may know by name."""
        clients = clients_matching(value).values("pk")
        return cases_named_for(self.request.user, queryset.filter(client__in=clients))


class TimelineFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Actor"), queryset=get_user_model().objects.order_by("username"), required=False
    )
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", "---------"), *Action.choices], required=False
    )
    date_from = BoundedDateFormField(label=_("From"), required=False)
    date_to = BoundedDateFormField(label=_("Until"), required=False)

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}
