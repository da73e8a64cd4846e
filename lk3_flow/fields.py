"""Fields that bound what a person can type to what a case record can plausibly hold.

Every free text of a case has a maximum, every date a plausible year: a value outside them is a
form error in every form built from the model (the process's pages and the admin alike), a
validation error of the model, and for texts also a CHECK of the database column, so that no
code path can store a 100,000-character "assessment" that then takes minutes to render as a
letter, nor a year 0001 that overflows the conversion to UTC.
"""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.forms.widgets import DateTimeBaseInput
from django.utils.translation import gettext_lazy as _

# Maxima far above any real text, close enough that a letter stays a few pages long.
REPORT_LENGTH = 10_000  # a section of an assessment, session notes, a closure summary
NARRATIVE_LENGTH = 4_000  # a complaint, progress, a referral's reason, a partner's answer
NOTE_LENGTH = 2_000  # a head's note, the reason for an action, a list of copies
# The page a letter was issued as, kept until its PDF is made: every section of the longest
# report at its limit, escaped, in the letter's template, fits many times over.
LETTER_PAGE_LENGTH = 1_000_000

# Birth dates, appointments and searches of an office that opened in 2009.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Day first, as Indonesians write dates, with a colon in the time (the `id` locale expects a
# dot). The calendar of `DatePickerInput` writes the same formats.
LOCAL_DATE_FORMAT = "%d/%m/%Y"
LOCAL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"


def validate_plausible_year(value: datetime.date | datetime.datetime) -> None:
    """Refuse dates outside MIN_YEAR..MAX_YEAR (a datetime is a date too)."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(min)s and %(max)s."),
            code="implausible_year",
            params={"min": MIN_YEAR, "max": MAX_YEAR},
        )


# What to type, in the words of the interface's language (Indonesian: HH/BB/TTTT JJ:MM).
DATE_PLACEHOLDER = _("DD/MM/YYYY")
DATETIME_PLACEHOLDER = _("DD/MM/YYYY HH:MM")


class DatePickerInput(DateTimeBaseInput):
    """A date typed day first, with a calendar to pick it from.

    `lk3.js` opens flatpickr on it in the page's language, weeks starting on Monday (with hours
    and minutes for a time). It is deliberately not a `DateInput`: viewflow's renderer would
    draw its own picker for that class, in English, weeks starting on Sunday, and a date picked
    there resets the time to midnight.
    """

    picker = "date"
    placeholder = DATE_PLACEHOLDER
    date_format = LOCAL_DATE_FORMAT

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "data-lk3-picker": self.picker,
                "placeholder": self.placeholder,
                "autocomplete": "off",
                **(attrs or {}),
            },
            format=self.date_format,
        )


class DateTimePickerInput(DatePickerInput):
    """A date and time typed day first, e.g. 27/11/2026 09:30, or picked."""

    picker = "datetime"
    placeholder = DATETIME_PLACEHOLDER
    date_format = LOCAL_DATETIME_FORMAT


class BoundedDateFormField(forms.DateField):
    """Day first whatever the interface language (the field's placeholder says DD/MM/YYYY), or
    ISO from a browser's date input; an English interface would otherwise read month first."""

    widget = DatePickerInput
    default_validators = [validate_plausible_year]
    input_formats = [LOCAL_DATE_FORMAT, "%Y-%m-%d"]


class BoundedDateTimeFormField(forms.DateTimeField):
    default_validators = [validate_plausible_year]


class LocalDateTimeFormField(BoundedDateTimeFormField):
    """Date and time typed day first, e.g. 27/11/2026 09:30."""

    widget = DateTimePickerInput
    input_formats = [LOCAL_DATETIME_FORMAT]


class BoundedDateField(models.DateField):
    default_validators = [validate_plausible_year]

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": BoundedDateFormField, **kwargs})


class BoundedDateTimeField(models.DateTimeField):
    default_validators = [validate_plausible_year]

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": BoundedDateTimeFormField, **kwargs})


class LimitedTextField(models.TextField):
    """A TextField whose max_length is required and enforced everywhere.

    Django's TextField passes max_length to its form field only; this one also validates it on
    the model and adds a CheckConstraint on the text's length to the model it belongs to, so
    that the migrations create it (`makemigrations` sees it as any other constraint) and a new
    limited field cannot be added without its check.
    """

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, **kwargs)
        # An abstract model's children each get their own copy of the field. The migrations'
        # historical models (module "__fake__") already carry the check in their state.
        if cls._meta.abstract or cls.__module__ == "__fake__":
            return
        check = models.CheckConstraint(
            condition=LessThanOrEqual(Length(self.name), self.max_length),
            name=f"{cls._meta.db_table}_{self.column}_max_length",
        )
        # A new list: Meta's list may be shared with the models of an abstract parent. The
        # migrations read a model's constraints only when its Meta declares some
        # (`ModelState.from_model`), hence original_attrs; `makemigrations --check` in CI fails
        # if Django ever reads them otherwise.
        cls._meta.constraints = [*cls._meta.constraints, check]
        cls._meta.original_attrs["constraints"] = cls._meta.constraints


class NativeSelect(forms.Select):
    """The browser's own list, with its option groups, for a long list a person types into.

    viewflow's select is a Material menu: without groups and without typing to find an entry,
    it cannot offer 345 villages. `lk3_flow.renderers.NativeSelectRenderer` draws this one.
    """
