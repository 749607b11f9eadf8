from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "kind", "code", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "organ_above"]
    ordering = ["path"]
    fields = ["name", "kind", "code", "parent", "sort", "organ_name", "doc_code", "organ_above"]

    @admin.display(description="名称", ordering="path")
    def indented_name(self, unit):
        return "　" * (unit.path.count("/") - 2) + unit.name


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "unit", "is_unit_head", "is_active"]
    list_filter = ["role", "is_active", "is_unit_head"]
    search_fields = ["username", "full_name", "unit__name"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("人员信息", {"fields": ["full_name", "phone", "role", "unit", "is_unit_head"]}),
        ("系统权限", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("登录记录", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "role", "unit", "password1", "password2"]}),
    ]
