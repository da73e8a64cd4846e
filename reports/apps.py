from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The periodic report to the Dinas Sosial: a top floor that reads the case domain, the
    direct services and the flow's history, and is read by none."""

    name = "reports"
    verbose_name = _("Reports")
