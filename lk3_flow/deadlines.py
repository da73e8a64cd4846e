"""When the step a case has just entered is due, in the office's working days.

The days themselves and each step's allowance are the `workdays` app's; here they meet the case:
its priority shortens the allowance, and a counseling session is due on the day the next one is
scheduled.
"""

import datetime

from workdays.selectors import add_working_days, end_of_day, step_allowance

from .choices import Priority, Stage


def due_at(
    stage: str,
    priority: str,
    start: datetime.datetime,
    next_session_at: datetime.datetime | None = None,
) -> datetime.datetime | None:
    """The due time of `stage` entered at `start`; None for stages nobody waits on.

    `next_session_at` is when the case's latest session scheduled the next one: a counseling step
    is due at the end of that day when it is still ahead, whatever the priority, since the
    session cannot be held before it.
    """
    days = step_allowance(stage)
    if days is None:
        return None
    if stage == Stage.COUNSELING and next_session_at is not None and next_session_at > start:
        return end_of_day(next_session_at)
    if priority == Priority.URGENT:
        days = 1
    elif priority == Priority.HIGH:
        days = (days + 1) // 2
    return add_working_days(start, days)
