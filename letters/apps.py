from django.apps import AppConfig
from django.core.signals import request_finished, request_started, setting_changed
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # signing registers its deploy check on import.
        from . import files, numbering, signing

        # A request is where a step's transaction begins and ends: once it is over, the files
        # of its rolled-back letters can be told from the committed ones.
        request_finished.connect(
            files.discard_rolled_back_files, dispatch_uid="letters.discard_rolled_back_files"
        )
        # Numbers are drawn on a connection of their own, which Django does not manage: it is
        # kept or closed between requests as Django's own are.
        for name, signal in [("started", request_started), ("finished", request_finished)]:
            signal.connect(
                numbering.close_obsolete_apart_connection,
                dispatch_uid=f"letters.close_obsolete_apart_connection.{name}",
            )
        setting_changed.connect(
            signing.forget_loaded_keys, dispatch_uid="letters.signing.forget_loaded_keys"
        )
