"""The grid module's rows in the Django admin: read-only, since every change goes through jiefen.grid.actions
(one audit record each)."""

from django.contrib import admin

from .models import Campaign, DisputeRecord, Household, HouseholdVisit, KeyPerson, KeyPersonVisit, Visitor


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["head_name", "address", "members", "grid", "village", "active"]
    list_filter = ["active"]
    search_fields = ["head_name", "address"]
    list_select_related = ["grid", "village"]


@admin.register(Visitor)
class VisitorAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "phone", "centre", "user", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "specialities"]
    list_select_related = ["centre", "user"]


@admin.register(HouseholdVisit)
class HouseholdVisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_on", "household", "visitor", "finding", "grid", "case"]
    list_filter = ["finding"]
    date_hierarchy = "visited_on"
    search_fields = ["household__head_name", "note"]
    list_select_related = ["household", "visitor", "grid", "case"]
    raw_id_fields = ["household", "visitor", "case"]


@admin.register(DisputeRecord)
class DisputeRecordAdmin(ReadOnlyAdmin):
    list_display = ["case", "dispute_kind", "risk_level", "mediator", "found_on"]
    list_filter = ["dispute_kind", "risk_level"]
    search_fields = ["case__number"]
    list_select_related = ["case", "mediator"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "centre", "starts_on", "ends_on", "target_coverage", "target_resolution"]


@admin.register(KeyPerson)
class KeyPersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "group", "village", "next_visit_due", "last_visited_on", "active"]
    list_filter = ["group", "active"]
    search_fields = ["name"]


@admin.register(KeyPersonVisit)
class KeyPersonVisitAdmin(ReadOnlyAdmin):
    list_display = ["person", "visited_on", "visitor"]
