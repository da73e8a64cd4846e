from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("Case service flow")

    def ready(self) -> None:
        # The flow registers its task permissions on import; it must be loaded before migrate runs.
        from . import flows  # noqa: F401

        # Task transitions in the audit log, as effects of the action that caused them.
        from .receivers import connect

        connect()
