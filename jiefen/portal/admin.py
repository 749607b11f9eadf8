from django.contrib import admin

from .models import Submission, TrackingFailure


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["case", "source", "created_at"]
    list_filter = ["source"]
    readonly_fields = ["key", "source", "case", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(TrackingFailure)
class TrackingFailureAdmin(admin.ModelAdmin):
    list_display = ["number", "address", "at"]
    search_fields = ["number", "address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
