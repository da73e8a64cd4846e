import datetime

import django_filters
from django.db.models import F, Min, Model, QuerySet
from django.forms import BoundField
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from permissions.selectors import cases_named_for
from regions.models import District, Village

from .choices import (
    AgeGroup,
    CaseStatus,
    ClosureReason,
    IntakeChannel,
    PeriodMeasure,
    Priority,
    ProblemCategory,
    Service,
    Sex,
    Stage,
    priority_rank,
)
from .fields import BoundedDateFormField
from .models import Case
from .selectors import clients_matching, closed_for, in_age_group, in_period, names_code, overdue


class BoundedDateFilter(django_filters.DateFilter):
    """A date filter that refuses implausible years, as every date form field does."""

    field_class = BoundedDateFormField


ORDER_CHOICES = [
    ("due", _("Due date, soonest first")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
]


class PressingFirstFilterSet(django_filters.FilterSet):
    """Priority, stage, overdue and order, over cases or over the tasks of cases.

    Unsorted, a list shows the most pressing first: urgent before high, then the soonest due.
    A value that is not one of the choices is shown as the form's error and filters nothing.
    """

    # The lookup path from a row to its case, e.g. "process__case__" for tasks.
    case_path = ""
    # The field that tells when a row was made.
    created_field = "created_at"

    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Priority.choices, empty_label=_("All"), method="by_case_field"
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Stage.choices, empty_label=_("All"), method="by_case_field"
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Due date"),
        choices=[("yes", _("Overdue only"))],
        empty_label=_("Any"),
        method="only_overdue",
    )
    order = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=ORDER_CHOICES,
        empty_label=_("Most pressing first"),
        method="ordered_last",
    )

    def by_case_field(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.case_path}{name}": value})

    def only_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(overdue(self.case_path))

    def leading_order(self) -> list:
        """What comes before the chosen order (nothing here; tasks put returned ones first)."""
        return []

    def ordered_last(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The order is applied after every filter, in `filter_queryset`: a search ORs two
        querysets, which would drop an order set before it."""
        return queryset

    def in_order(self, queryset: QuerySet, value: str) -> QuerySet:
        due = F(f"{self.case_path}due_at")
        created = self.created_field
        orders = {
            "due": [due.asc(nulls_last=True), created],
            "newest": [f"-{created}"],
            "oldest": [created],
        }
        ranked = queryset.annotate(priority_rank=priority_rank(self.case_path))
        pressing = ["priority_rank", due.asc(nulls_last=True), created]
        return ranked.order_by(*self.leading_order(), *orders.get(value, pressing), "pk")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return self.in_order(queryset, self.form.cleaned_data.get("order") or "")


# What the periodic report counts (`reports`), so that each of its figures opens the list of the
# cases behind it. These terms are set by following a figure, not typed: the list carries them as
# hidden fields and says what they are (`CaseFilter.report_terms`), rather than drawing eleven
# more inputs, a select of every village among them, on every view of the list.
REPORT_TERMS = (
    "period_measure",
    "period_from",
    "period_to",
    "problem",
    "service",
    "channel",
    "sex",
    "age_group",
    "kecamatan",
    "desa",
    "closure_reason",
)


class CaseFilter(PressingFirstFilterSet):
    q = django_filters.CharFilter(
        label=_("Search: case number, name, NIK, phone, village or household member"),
        method="search",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, empty_label=_("All")
    )

    # The report's terms (REPORT_TERMS).
    period_measure = django_filters.ChoiceFilter(
        label=_("In the period"),
        choices=PeriodMeasure.choices,
        empty_label=_("Any"),
        method="in_the_period",
    )
    period_from = BoundedDateFilter(label=_("Period from"), method="period_day")
    period_to = BoundedDateFilter(label=_("Period to"), method="period_day")
    problem = django_filters.ChoiceFilter(
        label=_("Problem category"),
        choices=ProblemCategory.choices,
        empty_label=_("All"),
        method="names_problem",
    )
    service = django_filters.ChoiceFilter(
        label=_("Service needed"),
        choices=Service.choices,
        empty_label=_("All"),
        method="names_service",
    )
    channel = django_filters.ChoiceFilter(
        label=_("Intake channel"), choices=IntakeChannel.choices, empty_label=_("All")
    )
    sex = django_filters.ChoiceFilter(
        label=_("Sex"), choices=Sex.choices, empty_label=_("All"), field_name="client__sex"
    )
    age_group = django_filters.ChoiceFilter(
        label=_("Age group on the period's last day"),
        choices=AgeGroup.choices,
        empty_label=_("All"),
        method="aged",
    )
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("District"),
        queryset=District.objects.order_by("name"),
        empty_label=_("All"),
        field_name="client__kecamatan",
    )
    desa = django_filters.ModelChoiceFilter(
        label=_("Village"),
        queryset=Village.objects.order_by("name"),
        empty_label=_("All"),
        field_name="client__desa",
    )
    closure_reason = django_filters.ChoiceFilter(
        label=_("Reason for closure"),
        choices=ClosureReason.choices,
        empty_label=_("All"),
        method="closed_for_reason",
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "stage",
            "priority",
            "overdue",
            "order",
            *REPORT_TERMS,
        ]

    def visible_fields(self) -> list[BoundField]:
        return [field for field in self.form if field.name not in REPORT_TERMS]

    def report_fields(self) -> list[BoundField]:
        """The report's terms that hold a value, as hidden inputs keep them."""
        return [self.form[name] for name in REPORT_TERMS if self.form[name].value()]

    def report_terms(self) -> list[tuple[str, str]]:
        """Each report term in force, as the reader knows it: its label and its value's."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        terms = []
        for field in self.report_fields():
            value = data.get(field.name)
            if value in (None, ""):
                continue
            if isinstance(value, Model):
                shown = str(value)
            elif isinstance(value, datetime.date):
                shown = date_format(value, "j F Y")
            else:
                shown = str(dict(field.field.choices).get(value, value))
            terms.append((str(field.label), shown))
        return terms

    def _period(self) -> tuple[datetime.date, datetime.date]:
        """The period's days; an open end reaches back to the first case or up to today."""
        data = self.form.cleaned_data
        today = timezone.localdate()
        first = data.get("period_from")
        if first is None:
            earliest = Case.objects.aggregate(earliest=Min("created_at"))["earliest"]
            first = timezone.localdate(earliest) if earliest else today
        return first, data.get("period_to") or today

    def period_day(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        """The days bound the measure chosen (`in_the_period`), not a field of their own."""
        return queryset

    def in_the_period(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        first, last = self._period()
        return queryset.filter(in_period(value, first, last))

    def names_problem(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(names_code("problem_categories", value))

    def names_service(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(names_code("services", value))

    def aged(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(in_age_group(value, self._period()[1]))

    def closed_for_reason(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(closed_for(value))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Cases whose number contains the text, or whose client it finds (`clients_matching`)
        where the user may know the client by name: a NIK, a phone number or a village must not
        tell which masked row is whose any more than a name may.

        The clients are matched in a subquery rather than across the client join, so that
        PostgreSQL looks them up in their own (trigram) indexes once instead of testing every
        case's client.
        """
        clients = clients_matching(value).values("pk")
        by_client = cases_named_for(self.request.user, queryset.filter(client__in=clients))
        by_number = queryset.filter(number__icontains=value)
        # A UNION, not an OR: each side is served by its own index, and the few cases found
        # are then looked up by key instead of every case being tested against both.
        found = by_number.order_by().values("pk").union(by_client.order_by().values("pk"))
        return queryset.filter(pk__in=found)
