"""The period a report covers: a month, a quarter, a year or any range of days."""

import calendar
import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext_lazy as _

from lk3_flow.fields import BoundedDateFormField

from .selectors import Period

# The longest range one report covers: enough for a five-year plan, not the whole history at
# once on a page that must stay fast.
LONGEST_RANGE_DAYS = 5 * 366
EARLIEST_YEAR = 2000


class PeriodKind:
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"

    CHOICES = [
        (MONTH, _("Month")),
        (QUARTER, _("Quarter")),
        (YEAR, _("Year")),
        (RANGE, _("Date range")),
    ]


MONTHS = list(MONTH_NAMES.items())
QUARTERS = [
    (1, _("Quarter I (January-March)")),
    (2, _("Quarter II (April-June)")),
    (3, _("Quarter III (July-September)")),
    (4, _("Quarter IV (October-December)")),
]


class PeriodForm(forms.Form):
    """Read from the page's query string; without one, the current month."""

    kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.CHOICES)
    year = forms.IntegerField(label=_("Year"), required=False)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=QUARTERS, coerce=int, required=False
    )
    first = BoundedDateFormField(label=_("From"), required=False)
    last = BoundedDateFormField(label=_("To"), required=False)

    @classmethod
    def initial_values(cls) -> dict[str, Any]:
        today = timezone.localdate()
        return {"kind": PeriodKind.MONTH, "year": today.year, "month": today.month}

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        latest = timezone.localdate().year + 1
        if year is not None and not EARLIEST_YEAR <= year <= latest:
            raise forms.ValidationError(
                _("Choose a year from %(earliest)s to %(latest)s.")
                % {"earliest": EARLIEST_YEAR, "latest": latest}
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        needs_year = kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
        if needs_year and not data.get("year") and "year" not in self.errors:
            self.add_error("year", _("Choose the year."))
        if kind == PeriodKind.MONTH and not data.get("month"):
            self.add_error("month", _("Choose the month."))
        if kind == PeriodKind.QUARTER and not data.get("quarter"):
            self.add_error("quarter", _("Choose the quarter."))
        if kind == PeriodKind.RANGE:
            self._check_range(data)
        return data

    def _check_range(self, data: dict[str, Any]) -> None:
        first, last = data.get("first"), data.get("last")
        if first is None and "first" not in self.errors:
            self.add_error("first", _("Enter the first day of the range."))
        if last is None and "last" not in self.errors:
            self.add_error("last", _("Enter the last day of the range."))
        if first is None or last is None:
            return
        if last < first:
            self.add_error("last", _("The last day cannot come before the first."))
        elif (last - first).days >= LONGEST_RANGE_DAYS:
            self.add_error("last", _("A report covers at most five years."))

    def period(self) -> Period:
        """The period chosen; call only on a valid form."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == PeriodKind.RANGE:
            return Period(data["first"], data["last"])
        year = data["year"]
        if kind == PeriodKind.YEAR:
            return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        if kind == PeriodKind.QUARTER:
            first_month = 3 * (data["quarter"] - 1) + 1
            return Period(datetime.date(year, first_month, 1), _month_end(year, first_month + 2))
        return Period(datetime.date(year, data["month"], 1), _month_end(year, data["month"]))


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])
