"""When the step a case has just entered is due, in the office's working days.

The days themselves and each step's allowance are the `workdays` app's; here they meet the case:
its priority shortens the allowance, and a step that cannot be done before a day set ahead (the
next session, a planned visit or accompaniment, the end of a placement) is due at the end of it.
"""

import datetime

from workdays.selectors import add_working_days, end_of_day, step_allowance

from .choices import Priority


def due_at(
    stage: str,
    priority: str,
    start: datetime.datetime,
    expected_at: datetime.datetime | None = None,
) -> datetime.datetime | None:
    """The due time of `stage` entered at `start`; None for stages nobody waits on.

    `expected_at` is when the step's own record says it will happen: the next session the
    latest one scheduled, the planned visit or accompaniment, the placement's planned end. The
    step is due at the end of that day when it is still ahead, whatever the priority, since it
    cannot be done before.
    """
    days = step_allowance(stage)
    if days is None:
        return None
    if expected_at is not None and expected_at > start:
        return end_of_day(expected_at)
    if priority == Priority.URGENT:
        days = 1
    elif priority == Priority.HIGH:
        days = (days + 1) // 2
    return add_working_days(start, days)
