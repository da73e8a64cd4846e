"""The regions an office chooses addresses from: those of its own regency."""

from django.conf import settings
from django.db.models import QuerySet

from .models import District, Village

# Kabupaten Lebak, the first office's, unless the site's settings name another.
DEFAULT_REGENCY_CODE = "36.02"


def office_regency_code() -> str:
    return getattr(settings, "LK3_REGENCY_CODE", DEFAULT_REGENCY_CODE)


def office_districts() -> QuerySet[District]:
    return District.objects.filter(regency__code=office_regency_code()).order_by("name")


def office_villages() -> QuerySet[Village]:
    """Grouped by district in the order lists show them."""
    return (
        Village.objects.filter(district__regency__code=office_regency_code())
        .select_related("district")
        .order_by("district__name", "district__code", "name", "code")
    )
