from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LK3FlowConfig(AppConfig):
    name = "lk3_flow"
    verbose_name = _("LK3 cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .cache import create_cache_tables
        from .personal_data import declare_clear_fields

        declare_clear_fields()

        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="lk3_flow.cache")
