"""The head's picture of the office: counts over every open case, and their charts.

Counting tens of thousands of open cases by counselor, stage and problem, and drawing three
charts of them, costs far more than the rest of the head's home page; the picture changes by a
case or two a minute. It is therefore made at most once every `LK3_OFFICE_COUNTS_SECONDS`
(60 by default, 0 to count on every view) per interface language, kept in the shared cache, and
the page says at what time it was counted. What waits for the person's own decision is never
cached.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lk3_flow.templatetags.lk3 import person

from . import selectors
from .charts import bar_chart


def office_counts(now: datetime.datetime) -> dict[str, Any]:
    """The counts and charts as of `now`, or as of the last time they were made, if recent."""
    seconds = settings.LK3_OFFICE_COUNTS_SECONDS
    if seconds <= 0:
        return _count(now)
    key = f"lk3:office-counts:{translation.get_language()}"
    cache = caches["shared"]
    counts = cache.get(key)
    if counts is None:
        counts = _count(now)
        cache.set(key, counts, seconds)
    return counts


def _count(now: datetime.datetime) -> dict[str, Any]:
    picture = selectors.office_picture(now)
    caseload = [(person(load.counselor), load.open_cases) for load in picture.by_counselor]
    return {
        "counted_at": timezone.localtime(now),
        "picture": picture,
        "new_this_week": selectors.cases_registered_since(selectors.week_start(now)),
        "stage_chart": bar_chart(picture.by_stage, label=_("Open cases by stage")),
        "problem_chart": bar_chart(
            selectors.open_cases_by_problem(), label=_("Open cases by problem category")
        ),
        "caseload_chart": bar_chart(caseload, label=_("Open cases per counselor")),
    }
