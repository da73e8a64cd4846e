"""The lists' filters: by month, and by the codes a report counts."""

import datetime
import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lk3_flow.fields import MAX_YEAR, MIN_YEAR

from .choices import AudienceKind, Channel, DeskServiceKind, OutreachKind, RequesterKind
from .models import DeskService, OutreachEvent

# "2026-03" from a browser's month input, "03/2026" as Indonesians write it.
_MONTH = re.compile(
    r"^(?:(?P<year>\d{4})-(?P<month>\d{1,2})|(?P<month2>\d{1,2})/(?P<year2>\d{4}))$"
)


class MonthField(forms.CharField):
    """A month, typed or picked; the first day of it."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": _("MM/YYYY")})

    def to_python(self, value: Any) -> datetime.date | None:
        text = super().to_python(value).strip()
        if not text:
            return None
        match = _MONTH.match(text) if text.isascii() else None
        if match is None:
            raise ValidationError(_("Enter a month as MM/YYYY."), code="invalid")
        year = int(match.group("year") or match.group("year2"))
        month = int(match.group("month") or match.group("month2"))
        if not (1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR):
            raise ValidationError(_("Enter a month as MM/YYYY."), code="invalid")
        return datetime.date(year, month, 1)


def following_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class DeskServiceFilter(django_filters.FilterSet):
    month = MonthFilter(label=_("Month"), method="in_month")
    service = django_filters.ChoiceFilter(
        label=_("Service"), choices=DeskServiceKind.choices, empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=_("All")
    )
    requester_kind = django_filters.ChoiceFilter(
        label=_("Requester"), choices=RequesterKind.choices, empty_label=_("All")
    )

    class Meta:
        model = DeskService
        fields = ["month", "service", "channel", "requester_kind"]

    def in_month(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        """In the office's time zone: a call at 23:30 on the last day belongs to that month."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(value, datetime.time(), tzinfo=zone)
        end = datetime.datetime.combine(following_month(value), datetime.time(), tzinfo=zone)
        return queryset.filter(occurred_at__gte=start, occurred_at__lt=end)


class OutreachFilter(django_filters.FilterSet):
    month = MonthFilter(label=_("Month"), method="in_month")
    kind = django_filters.ChoiceFilter(
        label=_("Kind of event"), choices=OutreachKind.choices, empty_label=_("All")
    )
    audience_kind = django_filters.ChoiceFilter(
        label=_("Audience"), choices=AudienceKind.choices, empty_label=_("All")
    )

    class Meta:
        model = OutreachEvent
        fields = ["month", "kind", "audience_kind"]

    def in_month(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(held_on__gte=value, held_on__lt=following_month(value))
