"""Administration pages for the Pengelola: the partner directory and staff profiles.

Case records are deliberately absent: they are read and changed only through the process pages,
which check who may see each case.
"""

from django.contrib import admin

from .models import Partner, StaffProfile


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "contact_person", "phone", "active"]
    list_filter = ["category", "active"]
    search_fields = ["name", "contact_person"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "nip"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "nip"]
    # A plain select for the office's few staff: Django's autocomplete widget fails with a 500
    # when a submitted user id is not a number (it looks the value up while re-rendering).
