from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = _("Attachments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lk3_flow.personal_data import declare_erasure

        from . import files, services

        # A request is where an upload's transaction begins and ends: once it is over, the
        # files of its rolled-back attachments can be told from the committed ones.
        request_finished.connect(
            files.PRIVATE.discard_rolled_back_files,
            dispatch_uid="attachments.discard_rolled_back_files",
        )
        declare_erasure("attachments", services.erase_attachments)
