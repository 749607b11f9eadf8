from django.contrib import admin

from .models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "basis", "priority", "centre", "active"]
    list_filter = ["centre", "basis", "legal_class", "active", "category"]
    list_editable = ["priority", "active"]
    autocomplete_fields = ["village", "unit"]
    search_fields = ["note", "unit__name", "village__name", "category__name"]
