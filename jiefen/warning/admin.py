"""The warning rules and sensitive periods are configuration an administrator edits; grades and acknowledgements
are read only (the refresh and the leadership write them)."""

from django.contrib import admin

from .models import RiskAcknowledgement, RiskAssessment, SensitivePeriod, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "threshold", "window_days", "grade", "active")
    list_filter = ("kind", "grade", "active")
    list_editable = ("threshold", "window_days", "grade", "active")


@admin.register(SensitivePeriod)
class SensitivePeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on", "active")
    list_filter = ("active",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "grade", "computed_on", "acknowledged")
    list_filter = ("grade",)
    search_fields = ("case__number",)


@admin.register(RiskAcknowledgement)
class RiskAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("case", "grade", "by", "at")
    search_fields = ("case__number",)
