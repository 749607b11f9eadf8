from django.contrib import admin

from .models import DossierRequirement, HardCase, LeaderVisit


@admin.register(DossierRequirement)
class DossierRequirementAdmin(admin.ModelAdmin):
    """The 1211 dossier checklist: the administrator decides which document types a complete dossier holds."""

    list_display = ["name", "description", "active", "sort"]
    list_editable = ["active", "sort"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # Provided items point at their requirement: retire a type by unticking 启用, never by deleting it.
        return False


# Hard cases and visits are written only through the actions (one event, one audit record each): read-only here.
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HardCase)
class HardCaseAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "designated_at", "designated_by"]
    list_filter = ["kind"]
    search_fields = ["case__number"]


@admin.register(LeaderVisit)
class LeaderVisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_on", "leader", "village", "head_count", "recorded_by"]
    list_filter = ["visited_on"]
    search_fields = ["matters", "people_met"]
