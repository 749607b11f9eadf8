from django.contrib import admin, messages

from .models import ApiToken
from .tokens import do_revoke_api_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by the centre's director on 接口令牌 (/tokens/) or with `manage.py create_api_token` (shown
    once there); here they are listed and revoked."""

    list_display = ["name", "prefix", "user", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["name", "user", "scopes", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        for token in queryset:
            do_revoke_api_token(token, revoked_by=request.user)
        messages.success(request, "已吊销所选令牌")
