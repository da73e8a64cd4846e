import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from permissions.selectors import cases_named_for

from .choices import CaseStatus, Stage
from .fields import BoundedDateFormField
from .models import Case, Client


class BoundedDateFilter(django_filters.DateFilter):
    """A date filter that refuses implausible years, as every date form field does."""

    field_class = BoundedDateFormField


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search by case number or client name"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)

    class Meta:
        model = Case
        fields = ["q", "status", "stage"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Cases whose number, or client's name where the user may know it, contains the text.

        The names are matched in a subquery rather than across the client join, so that PostgreSQL
        looks them up in their own (trigram) index once instead of testing every case's client.
        """
        clients = Client.objects.filter(full_name__icontains=value).values("pk")
        by_name = cases_named_for(self.request.user, queryset.filter(client__in=clients))
        return queryset.filter(number__icontains=value) | by_name
