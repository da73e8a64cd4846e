"""The workflow engine's process row, seen as the life of one case."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class CaseProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("case process")
        verbose_name_plural = _("case process")
