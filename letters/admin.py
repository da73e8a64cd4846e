"""The Pengelola edits the letterhead, the signing place, the paper and the number pattern."""

from django import forms
from django.contrib import admin

from .models import InstitutionProfile
from .numbering import validate_number_pattern


class InstitutionProfileForm(forms.ModelForm):
    class Meta:
        model = InstitutionProfile
        fields = [
            "government",
            "agency",
            "name",
            "short_name",
            "address",
            "phone",
            "email",
            "website",
            "city",
            "head_title",
            "logo",
            "paper_size",
            "number_pattern",
            "copies_to",
            "assignment_basis",
        ]

    def clean_number_pattern(self) -> str:
        pattern = self.cleaned_data["number_pattern"]
        validate_number_pattern(pattern)
        return pattern


@admin.register(InstitutionProfile)
class InstitutionProfileAdmin(admin.ModelAdmin):
    form = InstitutionProfileForm

    def has_add_permission(self, request) -> bool:
        return not InstitutionProfile.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
