from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import files

        # A request is where a step's transaction begins and ends: once it is over, the files
        # of its rolled-back letters can be told from the committed ones.
        request_finished.connect(
            files.discard_rolled_back_files, dispatch_uid="letters.discard_rolled_back_files"
        )
