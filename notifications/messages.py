"""The words of a notification, made when it is shown or sent, in the reader's language.

Only the kind, the case number and counts go in: never a client's name or the case's content.
"""

from django.utils.translation import gettext as _

from lk3_flow.choices import Stage

from .models import Kind, Notification


def headline(notification: Notification) -> str:
    number = notification.case.number if notification.case_id else ""
    figures = notification.figures
    step = figures.get("step")
    if step in Stage.values:
        return _("%(headline)s Step: %(step)s.") % {
            "headline": _headline(notification.kind, number, figures),
            "step": Stage(step).label,
        }
    return _headline(notification.kind, number, figures)


def _headline(kind: str, number: str, figures: dict) -> str:
    match kind:
        case Kind.TASK_ASSIGNED:
            return _("Case %(number)s has been assigned to you.") % {"number": number}
        case Kind.WORK_RETURNED:
            return _("Your work on case %(number)s was returned by a head.") % {"number": number}
        case Kind.DECISION_WAITING:
            return _("Case %(number)s is waiting for a head's decision.") % {"number": number}
        case Kind.OVERDUE:
            return _("Work on case %(number)s is past its due date.") % {"number": number}
        case Kind.PARTNER_RESPONSE_DUE:
            return _("The partner's response for case %(number)s is due.") % {"number": number}
        case Kind.DAILY_DIGEST:
            return _(
                "Today: %(decisions)s decisions waiting, %(overdue)s open cases overdue, "
                "%(registered)s cases registered since yesterday."
            ) % {
                "decisions": figures.get("decisions", 0),
                "overdue": figures.get("overdue", 0),
                "registered": figures.get("registered", 0),
            }
    return ""
