from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import District, Regency, Village


class ReferenceAdmin(admin.ModelAdmin):
    """Read only: the lists change by `manage.py load_regions`, which checks a whole file."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Regency)
class RegencyAdmin(ReferenceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(District)
class DistrictAdmin(ReferenceAdmin):
    list_display = ["code", "name", "regency"]
    list_filter = ["regency"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(ReferenceAdmin):
    list_display = ["code", "name", "district", "urban"]
    list_filter = ["urban", "district__regency"]
    list_select_related = ["district"]
    search_fields = ["code", "name", "district__name"]
