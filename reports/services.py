"""The periodic report issued as the social office receives it: a numbered, signed PDF."""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from letters.models import IssuedReport
from letters.selectors import institution_profile
from letters.services import issue_report

from .charts import charted_tables
from .selectors import Period, periodic_report

# A second request for the same period by the same person within this time is the first click
# repeated (a double click, a reload): it gets the report just issued, not another number.
REPEATED_WITHIN = datetime.timedelta(minutes=2)
# The bundled font (letters/assets/letter.css), which the charts of a PDF must name.
PDF_FONT = '"LK3 Sans"'


def issue_periodic_report(*, period: Period, signer: AbstractBaseUser) -> IssuedReport:
    """Count the period's figures afresh and issue them as a numbered, signed report, in
    Indonesian whatever the language of the page that asked."""
    repeated = IssuedReport.objects.filter(
        period_first=period.first,
        period_last=period.last,
        signer=signer,
        issued_at__gte=timezone.now() - REPEATED_WITHIN,
    ).first()
    if repeated is not None:
        return repeated
    with translation.override("id"):
        report = periodic_report(period)
        sections = charted_tables(report, font_family=PDF_FONT)
        subject = _("Periodic report of %(institution)s, %(period)s") % {
            "institution": institution_profile().short_name,
            "period": period.title(),
        }

    def page(document: dict[str, Any]) -> str:
        context = {**document, "draft": {"copies": ()}, "report": report, "sections": sections}
        return render_to_string("reports/report_pdf.html", context)

    return issue_report(
        subject=subject,
        period_first=period.first,
        period_last=period.last,
        signer=signer,
        page=page,
    )
