from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Each role's home page: the top floor, which reads every layer below and is read by none."""

    name = "home"
    verbose_name = _("Home")
