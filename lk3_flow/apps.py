from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LK3FlowConfig(AppConfig):
    name = "lk3_flow"
    verbose_name = _("LK3 cases")
    default_auto_field = "django.db.models.BigAutoField"
