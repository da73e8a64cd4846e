from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Administrative regions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .services import ensure_bundled_regions

        post_migrate.connect(ensure_bundled_regions, sender=self, dispatch_uid="regions.bundled")
