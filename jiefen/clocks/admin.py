"""Administration of the clock rules and the holiday schedule (superusers and staff centre directors)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.audit.records import record

from .calendar import WEEKDAYS
from .hooks import known_events
from .loading import FIRST_YEAR, LAST_YEAR, format_schedule, load_year, may_load_schedule
from .models import ClockRule, HolidayDay, HolidayYear

EVENT_FIELDS = ("start_event", "stop_events", "pause_events", "resume_events")
# Read when the page is shown: this module is imported (admin autodiscovery) before the cases app registers its steps.
_known_events_text = lazy(lambda: ", ".join(sorted(known_events())), str)


class ClockAdminMixin:
    """Who may see and edit clock configuration, without handing out Django's per-model permissions."""

    def has_module_permission(self, request):
        return may_load_schedule(request.user)

    def has_view_permission(self, request, obj=None):
        return may_load_schedule(request.user)

    def has_add_permission(self, request):
        return may_load_schedule(request.user)

    def has_change_permission(self, request, obj=None):
        return may_load_schedule(request.user)

    def has_delete_permission(self, request, obj=None):
        # Deadlines keep a reference to their rule, and days vanish only by loading their year anew.
        return False


class ClockRuleForm(forms.ModelForm):
    class Meta:
        model = ClockRule
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        # A mistyped event code would silently keep a clock from ever starting or stopping.
        for name in EVENT_FIELDS:
            codes = {c.strip() for c in (cleaned.get(name) or "").split(",") if c.strip()}
            # The events clocks can start, stop, pause or resume on: the registration and every step of the case
            # lifecycle, as the cases app registers them (hooks.register_events).
            unknown = sorted(codes - known_events())
            if unknown:
                self.add_error(name, _("未知的事件代码：%(codes)s") % {"codes": "、".join(unknown)})
        return cleaned


@admin.register(ClockRule)
class ClockRuleAdmin(ClockAdminMixin, admin.ModelAdmin):
    form = ClockRuleForm
    list_display = [
        "name", "code", "length", "unit", "start_event", "applies_to", "is_obligation", "active", "legal_basis",
    ]
    list_filter = ["applies_to", "active"]
    fieldsets = [
        (None, {"fields": [
            "code", "name", "legal_basis", "source", "applies_to", "legal_classes", "channels", "active",
        ]}),
        (
            gettext_lazy("计算"),
            {
                "fields": ["length", "unit", "is_obligation", "advisory", "max_extension_days"],
                # Deadline rows keep no copy of the rule, so any later recompute of a running clock reads it anew.
                "description": gettext_lazy(
                    "修改不会立即重算已在计时的期限；但这些期限此后因延期、听证或载入节假日安排而重算时，按修改后的规则计算。"
                ),
            },
        ),
        (
            gettext_lazy("事件"),
            {
                "fields": list(EVENT_FIELDS),
                "description": format_lazy("{}{}", gettext_lazy("可用的事件代码："), _known_events_text()),
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The engine finds some rules by code (the acceptance exemption, the review windows).
        return ["code"] if obj else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(request.user, "clocks.change_rule" if change else "clocks.add_rule", obj, fields=form.changed_data)


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    source = forms.CharField(
        label=gettext_lazy("来源"), max_length=HolidayYear._meta.get_field("source").max_length,
        help_text=gettext_lazy("如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）"),
    )
    text = forms.CharField(
        label=gettext_lazy("节假日安排"),
        widget=forms.Textarea(attrs={"rows": 16, "cols": 60, "style": "font-family: monospace"}),
        help_text=gettext_lazy(
            "每行一段放假或一个调休上班日：“2027-01-01~2027-01-03 元旦 休”“2027-02-07 春节 班”。"
            "以#开头的行为注释。任何一行有误则整份不载入。"
        ),
    )


@admin.register(HolidayYear)
class HolidayYearAdmin(ClockAdminMixin, admin.ModelAdmin):
    list_display = ["year", "source", "holiday_count", "workday_count", "loaded_at", "reload_link"]
    readonly_fields = ["year", "source", "loaded_at", "schedule"]

    def get_urls(self):
        load = path("load/", self.admin_site.admin_view(self.load_view), name="clocks_holidayyear_load")
        return [load, *super().get_urls()]

    def has_change_permission(self, request, obj=None):
        # Days change only by loading the year anew, which recomputes the deadlines they move.
        return False

    @admin.display(description=gettext_lazy("放假天数"))
    def holiday_count(self, obj):
        return HolidayDay.objects.filter(date__year=obj.year, kind=HolidayDay.Kind.HOLIDAY).count()

    @admin.display(description=gettext_lazy("调休上班天数"))
    def workday_count(self, obj):
        return HolidayDay.objects.filter(date__year=obj.year, kind=HolidayDay.Kind.WORKDAY).count()

    @admin.display(description=gettext_lazy("安排"))
    def schedule(self, obj):
        return format_html("<pre>{}</pre>", format_schedule(obj.year))

    @admin.display(description="")
    def reload_link(self, obj):
        url = reverse("admin:clocks_holidayyear_load") + f"?year={obj.year}"
        return format_html('<a href="{}">{}</a>', url, _("重新载入"))

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:clocks_holidayyear_load")

    def load_view(self, request):
        if not may_load_schedule(request.user):
            raise PermissionDenied
        if request.method == "POST":
            form = ScheduleForm(request.POST)
            if form.is_valid():
                try:
                    result = load_year(acting_user=request.user, **form.cleaned_data)
                except ValidationError as e:
                    form.add_error("text", e)
                else:
                    messages.success(request, _(
                        "已载入%(year)s年节假日安排：放假%(h)s天，调休上班%(w)s天；重新计算了%(n)s件案件的期限"
                    ) % {"year": result.holiday_year.year, "h": result.holidays, "w": result.workdays,
                         "n": len(result.cases_recomputed)})
                    return redirect("admin:clocks_holidayyear_changelist")
        else:
            form = ScheduleForm(initial=self._initial(request.GET.get("year", "")))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("载入节假日安排"),
            "form": form,
        }
        return TemplateResponse(request, "admin/clocks/holidayyear/load.html", context)

    def _initial(self, year):
        # Reloading a year starts from what is loaded, so a correction is one edited line.
        loaded = HolidayYear.objects.filter(year=int(year)).first() if year.isdigit() else None
        if loaded is None:
            return {}
        return {"year": loaded.year, "source": loaded.source, "text": format_schedule(loaded.year)}


@admin.register(HolidayDay)
class HolidayDayAdmin(ClockAdminMixin, admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("星期"))
    def weekday(self, obj):
        return _("周%s") % WEEKDAYS[obj.date.weekday()]
