"""The administrator's (Pengelola) pages for the office calendar and the steps' allowances.

Like the partner directory, they are open to whoever holds the model permissions, which
`permissions.roles.ADMINISTRATOR` grants.
"""

from django.contrib import admin

from .models import CalendarException, StepAllowance


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["description"]
    date_hierarchy = "date"
    ordering = ["-date"]


@admin.register(StepAllowance)
class StepAllowanceAdmin(admin.ModelAdmin):
    list_display = ["stage", "working_days"]
    ordering = ["stage"]
