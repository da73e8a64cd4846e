from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(**kwargs) -> None:
    """Permissions exist only after migrate's own post_migrate step, so roles follow it."""
    from .services import sync_roles

    sync_roles()


def _remember_session(sender: object, request: object, user: object, **kwargs: object) -> None:
    """Note the new session so that "log out everywhere" can end it later."""
    from .services import remember_session

    if request is not None and getattr(request, "session", None) is not None:
        if request.session.session_key is None:
            request.session.save()
        remember_session(user, request.session.session_key)


class PermissionsConfig(AppConfig):
    name = "permissions"
    label = "lk3_permissions"
    verbose_name = _("Roles and access rights")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
        post_migrate.connect(_sync_roles_after_migrate, sender=self)
        user_logged_in.connect(_remember_session)
        from .logins import record_failed_login

        user_login_failed.connect(record_failed_login, dispatch_uid="audit-login-failed")
