"""The demo's issued report: one, so that the list of issued reports and the public verification
page of a report have something to show."""

import calendar

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from letters.models import IssuedReport
from permissions.selectors import may_issue_reports

from .selectors import Period
from .services import issue_periodic_report


def seed(users: dict[str, AbstractBaseUser]) -> None:
    """This month's report, issued by the head, unless the demo has issued one already."""
    if IssuedReport.objects.exists():
        return
    head = next(user for user in users.values() if may_issue_reports(user))
    today = timezone.localdate()
    last_day = calendar.monthrange(today.year, today.month)[1]
    issue_periodic_report(
        period=Period(today.replace(day=1), today.replace(day=last_day)), signer=head
    )
