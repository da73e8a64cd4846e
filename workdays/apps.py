from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "workdays"
    verbose_name = _("Working days and step allowances")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import selectors
        from .models import CalendarException, StepAllowance

        # An administrator's change counts at once in the process that saved it; other
        # processes see it when their cached calendar expires (`selectors.CACHE_SECONDS`).
        for model in (CalendarException, StepAllowance):
            for signal in (post_save, post_delete):
                signal.connect(
                    selectors.forget_office_calendar,
                    sender=model,
                    dispatch_uid=f"workdays.forget.{signal is post_save}.{model.__name__}",
                )
