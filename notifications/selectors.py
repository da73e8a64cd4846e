from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from .models import Kind, Notification, Preference


def unread_count(user: AbstractBaseUser) -> int:
    """The bell's number: one query on the partial index of unread notifications."""
    return Notification.objects.filter(recipient=user, in_app=True, read_at=None).count()


def notifications_of(user: AbstractBaseUser) -> QuerySet:
    return (
        Notification.objects.filter(recipient=user, in_app=True)
        .select_related("case")
        .order_by("-created_at", "-id")
    )


def preferences_of(user: AbstractBaseUser) -> dict[str, tuple[bool, bool]]:
    """Per kind, (in the app, by e-mail); a kind never chosen has both on."""
    chosen = {
        preference.kind: (preference.in_app, preference.by_email)
        for preference in Preference.objects.filter(user=user)
    }
    return {kind: chosen.get(kind, (True, True)) for kind in Kind.values}
