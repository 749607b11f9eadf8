from django.contrib import admin

from .models import Category, ReceivingOrgan


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "sort"]
    list_editable = ["sort"]
    search_fields = ["name"]


@admin.register(ReceivingOrgan)
class ReceivingOrganAdmin(admin.ModelAdmin):
    list_display = ["name", "route", "area", "sort", "is_active"]
    list_editable = ["sort", "is_active"]
    list_filter = ["route", "is_active"]
    search_fields = ["name"]
