from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _keep_log_append_only(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Re-create the triggers after anything that re-ran migrations or emptied the tables."""
    from django.db import connections

    from . import triggers

    triggers.install(connections[using])


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
        post_migrate.connect(_keep_log_append_only, sender=self)
