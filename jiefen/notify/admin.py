"""Administration of the supervision rules, and a read-only view of what supervision and the outbox did."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.clocks.loading import may_load_schedule

from .models import Delivery, Notification, Supervision, SupervisionRule


class CentreConfigMixin:
    """Supervision rules bind every centre, like the clock rules: superusers and staff centre directors."""

    def has_module_permission(self, request):
        return may_load_schedule(request.user)

    def has_view_permission(self, request, obj=None):
        return may_load_schedule(request.user)

    def has_add_permission(self, request):
        return may_load_schedule(request.user)

    def has_change_permission(self, request, obj=None):
        return may_load_schedule(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_load_schedule(request.user)


class RecordAdminMixin(CentreConfigMixin):
    """What the worker wrote is a record: looked at, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionRule)
class SupervisionRuleAdmin(CentreConfigMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "working_days", "to_handlers", "to_owners", "to_director", "active"]
    list_editable = ["active"]
    list_filter = ["kind", "active"]
    filter_horizontal = ["clocks"]

    def has_delete_permission(self, request, obj=None):
        # A rule that has fired is named by its records: switch it off instead.
        if obj is not None and Supervision.objects.filter(rule=obj).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Supervision)
class SupervisionAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["case", "kind", "deadline_name", "due_on", "working_days", "fired_at", "notice_link"]
    list_filter = ["kind", "rule"]
    search_fields = ["case__number"]
    date_hierarchy = "fired_at"
    list_select_related = ["case", "deadline__rule"]

    @admin.display(description=gettext_lazy("期限"))
    def deadline_name(self, obj):
        return obj.deadline.rule.name

    @admin.display(description=gettext_lazy("督办单"))
    def notice_link(self, obj):
        if not obj.notice:
            return ""
        url = reverse("supervision_notice_of", args=[obj.case.number, obj.pk])
        return format_html('<a href="{}" target="_blank">PDF</a>', url)


@admin.register(Notification)
class NotificationAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "case__number", "recipient__full_name", "recipient__username"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]


@admin.register(Delivery)
class DeliveryAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["notification", "channel", "state", "attempts", "sent_at", "next_attempt_at", "last_error"]
    list_filter = ["channel", ("sent_at", admin.EmptyFieldListFilter), ("given_up_at", admin.EmptyFieldListFilter)]
    search_fields = ["notification__title"]
    list_select_related = ["notification"]
    actions = ["retry"]

    @admin.display(description=gettext_lazy("状态"))
    def state(self, obj):
        return obj.state

    @admin.action(description=gettext_lazy("重新发送所选的失败通知"))
    def retry(self, request, queryset):
        # Only rows given up: a pending row may be in a worker's hands right now.
        count = queryset.filter(sent_at__isnull=True, given_up_at__isnull=False).update(
            given_up_at=None, next_attempt_at=timezone.now(), attempts=0
        )
        messages.success(request, _("已安排重新发送%(n)s条，后台工作进程下一轮发送") % {"n": count})
