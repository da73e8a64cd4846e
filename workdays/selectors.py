"""Which days the office works, and the due time N working days on.

A working day is Monday to Friday, neither an Indonesian national holiday nor a cuti bersama
(the `holidays` package's PUBLIC and GOVERNMENT categories for Indonesia), unless the
administrator's `CalendarException` says otherwise either way.

A due date is computed every time a case waits at a new step, inside the request that completes
the previous one, so it must cost no query: the national days off are computed once per year and
process, and the administrator's exceptions and allowances are read once per `CACHE_SECONDS` and
kept in the process. Saving or deleting one of them clears the copy of the process that saved it
(`WorkdaysConfig.ready`); other server processes keep theirs until it expires, so a change there
counts at most `CACHE_SECONDS` late.
"""

import datetime
import functools
import threading
import time
from dataclasses import dataclass
from typing import Any

import holidays
from django.utils import timezone

from .models import DEFAULT_ALLOWANCES, CalendarException, StepAllowance

CACHE_SECONDS = 60
# The last second of a working day, when what is due that day becomes overdue.
END_OF_DAY = datetime.time(23, 59, 59)


@functools.lru_cache(maxsize=32)
def national_days_off(year: int) -> frozenset[datetime.date]:
    """Indonesia's national holidays and cuti bersama of the year; building them is slow-ish."""
    calendar = holidays.country_holidays(
        "ID", years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT)
    )
    return frozenset(calendar)


@dataclass(frozen=True)
class OfficeCalendar:
    """The administrator's tables, as one process holds them between two reads."""

    days_off: frozenset[datetime.date]
    working_days: frozenset[datetime.date]
    allowances: dict[str, int]

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5 and day not in national_days_off(day.year)


class _Cached:
    """The process's copy of the calendar and when it was read (monotonic seconds)."""

    lock = threading.Lock()
    calendar: OfficeCalendar | None = None
    read_at = 0.0


def _read_office_calendar() -> OfficeCalendar:
    days_off, working_days = set(), set()
    for day, kind in CalendarException.objects.values_list("date", "kind"):
        (working_days if kind == CalendarException.Kind.WORKING_DAY else days_off).add(day)
    allowances = dict(StepAllowance.objects.values_list("stage", "working_days"))
    return OfficeCalendar(
        days_off=frozenset(days_off),
        working_days=frozenset(working_days),
        allowances={**DEFAULT_ALLOWANCES, **allowances},
    )


def office_calendar() -> OfficeCalendar:
    """The calendar, read from the database at most once per `CACHE_SECONDS` in this process."""
    with _Cached.lock:
        now = time.monotonic()
        if _Cached.calendar is None or now - _Cached.read_at >= CACHE_SECONDS:
            _Cached.calendar, _Cached.read_at = _read_office_calendar(), now
        return _Cached.calendar


def forget_office_calendar(**kwargs: Any) -> None:
    """Drop this process's copy, so that the next due date reads the tables again."""
    with _Cached.lock:
        _Cached.calendar = None


def end_of_day(moment: datetime.datetime | datetime.date) -> datetime.datetime:
    """The last second of the day (of a moment, in the office's time zone, `TIME_ZONE`:
    Asia/Jakarta for Lebak)."""
    office_zone = timezone.get_default_timezone()
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment, office_zone).date()
    return datetime.datetime.combine(moment, END_OF_DAY, tzinfo=office_zone)


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """The end of the `days`-th working day after the day of `start` (the office's time zone):
    a step begun on Friday with one day is due on Monday at 23:59:59 unless that is a day off."""
    calendar = office_calendar()
    day = timezone.localtime(start, timezone.get_default_timezone()).date()
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        counted += calendar.is_working_day(day)
    return end_of_day(day)


def step_allowance(stage: str) -> int | None:
    """Working days a case may wait at the step; None for stages nobody waits on."""
    return office_calendar().allowances.get(stage)
