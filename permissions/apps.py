from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(**kwargs) -> None:
    """Permissions exist only after migrate's own post_migrate step, so roles follow it."""
    from .services import sync_roles

    sync_roles()


class PermissionsConfig(AppConfig):
    name = "permissions"
    label = "lk3_permissions"
    verbose_name = _("Roles and access rights")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_migrate, sender=self)
