from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditorConfig(AppConfig):
    """The auditor's workspace: pages that read the audit log beside the whole case domain.

    It sits above the domain so that the audit core, which every app writes to, imports none of it.
    """

    name = "auditor"
    verbose_name = _("Auditor's workspace")
