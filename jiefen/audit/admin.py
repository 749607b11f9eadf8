"""The audit log in the admin: searchable by who, action, object and a date range; nobody adds, changes or deletes.

Superusers see every record; a staff centre director sees the records of the own township's staff, and the failed
logins tried with their usernames.
"""

import datetime as dt

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.org import authz
from jiefen.org.models import User

from .models import AuditRecord


def may_read_audit(user):
    if not user or not user.is_active:
        return False
    return bool(user.is_superuser or (user.is_staff and authz.in_roles(user, authz.DIRECTORS)))


class DateRangeFilter(admin.FieldListFilter):
    """From and to dates (inclusive, local days) as a small GET form in the filter sidebar."""

    template = "admin/audit/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.from_param, self.to_param = f"{field_path}_from", f"{field_path}_to"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.dates = {}
        for name in (self.from_param, self.to_param):
            value = self.used_parameters.get(name)  # taken out of `params` by FieldListFilter
            value = value[-1] if isinstance(value, list) else value
            try:
                self.dates[name] = dt.date.fromisoformat(value) if value else None
            except ValueError:
                self.dates[name] = None
            self.used_parameters[name] = self.dates[name].isoformat() if self.dates[name] else ""

    def expected_parameters(self):
        return [self.from_param, self.to_param]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        start, end = self.dates[self.from_param], self.dates[self.to_param]
        if start:
            queryset = queryset.filter(**{f"{self.field_path}__gte": _midnight(start)})
        if end:
            queryset = queryset.filter(**{f"{self.field_path}__lt": _midnight(end + dt.timedelta(days=1))})
        return queryset

    def choices(self, changelist):
        # One pseudo-choice: what the template needs to draw the form and keep the other filters.
        keep = {k: v for k, v in changelist.get_filters_params().items() if k not in self.expected_parameters()}
        yield {
            "from_param": self.from_param, "to_param": self.to_param,
            "from_value": self.used_parameters[self.from_param], "to_value": self.used_parameters[self.to_param],
            "keep": [(k, v[-1] if isinstance(v, list) else v) for k, v in keep.items()],
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "selected": any(self.dates.values()),
        }


class ResultFilter(admin.SimpleListFilter):
    """Fixed choices: Django's default filter would run SELECT DISTINCT over the whole log."""

    title = _("结果")
    parameter_name = "result"

    def lookups(self, request, model_admin):
        return [("ok", _("成功")), ("failed", _("失败")), ("locked", _("锁定"))]

    def queryset(self, request, queryset):
        return queryset.filter(result=self.value()) if self.value() else queryset


class KindFilter(admin.SimpleListFilter):
    """The kind of action, by the prefix of its name (case.accept, auth.login, personal.reveal, …)."""

    title = _("操作类别")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("case.", _("案件办理")), ("auth.", _("登录与账号")), ("personal.", _("查看个人信息")),
                ("data.", _("数据导出")), ("audit.", _("审计日志维护"))]

    def queryset(self, request, queryset):
        return queryset.filter(action__startswith=self.value()) if self.value() else queryset


def _midnight(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor", "address", "action", "object_type", "object_ref", "result")
    list_filter = (("at", DateRangeFilter), KindFilter, ResultFilter)
    search_fields = ("actor__username", "actor__full_name", "action", "object_ref", "details__username")
    search_help_text = _("按操作人、操作、对象编号或尝试登录的用户名搜索")
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditRecord._meta.fields]
    show_full_result_count = False  # counting millions of rows on every page is the slow part
    actions = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        centre = authz.scope_of(request.user).centre
        if centre is None:
            return queryset.none()
        # Failed logins have no actor: they are shown by the username tried, if it is one of the township's staff.
        staff = User.objects.filter(unit__path__startswith=centre.path).values_list("username", flat=True)
        return queryset.filter(
            Q(actor__unit__path__startswith=centre.path) | Q(actor__isnull=True, details__username__in=list(staff))
        )

    def has_module_permission(self, request):
        return may_read_audit(request.user)

    def has_view_permission(self, request, obj=None):
        return may_read_audit(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
