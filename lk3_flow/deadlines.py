"""How long a case may wait at each step before it is overdue.

Calendar days, shortened for urgent and high-priority cases. The office's own service standard
(and working days rather than calendar days) belongs here when it is set.
"""

import datetime

from .choices import Priority, Stage

STEP_DAYS: dict[str, int] = {
    Stage.ASSIGN_COUNSELOR: 1,
    Stage.ASSESSMENT: 7,
    Stage.APPROVE_ASSESSMENT: 2,
    Stage.COUNSELING: 14,
    Stage.PROPOSE_REFERRAL: 3,
    Stage.APPROVE_REFERRAL: 2,
    Stage.PARTNER_RESPONSE: 14,
    Stage.PROPOSE_CLOSURE: 3,
    Stage.APPROVE_CLOSURE: 2,
}


def due_at(stage: str, priority: str, start: datetime.datetime) -> datetime.datetime | None:
    """When the step a case has just entered is due; None for stages nobody waits on."""
    days = STEP_DAYS.get(stage)
    if days is None:
        return None
    if priority == Priority.URGENT:
        days = 1
    elif priority == Priority.HIGH:
        days = (days + 1) // 2
    return start + datetime.timedelta(days=days)
