from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseNotesConfig(AppConfig):
    name = "casenotes"
    verbose_name = _("Case notes and contact log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lk3_flow.personal_data import declare_erasure

        from . import services

        # Erasing a client blanks what their cases' notes and contacts say.
        declare_erasure("casenotes", lambda case_ids: services.erase_texts(case_ids=case_ids))
