"""Configuration of statutory clocks and of the official working-day schedule."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClockRule(models.Model):
    """One statutory clock as a row of configuration (DESIGN.md §3), never a constant in code."""

    class Unit(models.TextChoices):
        CALENDAR_DAYS = "calendar", _("日（自然日，末日遇休息日顺延）")
        WORKING_DAYS = "working", _("工作日")

    class AppliesTo(models.TextChoices):
        PETITION = "petition", _("信访事项")
        DISPUTE = "dispute", _("矛盾纠纷")
        BOTH = "both", _("均适用")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    legal_basis = models.CharField(_("法律依据"), max_length=200)
    length = models.PositiveIntegerField(_("期限长度"))
    unit = models.CharField(_("单位"), max_length=10, choices=Unit.choices, default=Unit.CALENDAR_DAYS)
    start_event = models.CharField(_("起算事件"), max_length=40)
    stop_events = models.CharField(_("终止事件"), max_length=200, help_text=_("以逗号分隔的事件代码"))
    pause_events = models.CharField(_("中止事件"), max_length=200, blank=True)
    resume_events = models.CharField(_("恢复事件"), max_length=200, blank=True)
    # An obligation binds the centre (late = overdue); a window binds the petitioner (late = lapsed).
    is_obligation = models.BooleanField(_("机关办理期限"), default=True)
    max_extension_days = models.PositiveIntegerField(_("最多可延长天数"), default=0)
    applies_to = models.CharField(_("适用"), max_length=10, choices=AppliesTo.choices, default=AppliesTo.PETITION)
    # The legal classes (Case.legal_class codes, comma-separated) the rule applies to; blank: every class. 复查
    # and 复核 belong to 申诉求决 matters only.
    legal_classes = models.CharField(
        _("适用性质"), max_length=100, blank=True, help_text=_("以逗号分隔的性质代码，如 claim；留空则各类均适用"),
    )
    # The channels (Case.channel codes, comma-separated) the rule applies to; blank: every channel. The 异议 window
    # is for items handed down (上级交办/转送) only.
    channels = models.CharField(
        _("适用渠道"), max_length=100, blank=True,
        help_text=_("以逗号分隔的来源渠道代码，如 assigned；留空则各渠道均适用"),
    )
    # An advisory period (一般在一个月内调结) is shown with its date but is neither overdue nor supervised.
    advisory = models.BooleanField(_("指导性期限"), default=False, help_text=_("仅作提示，不计超期、不督办"))
    # Where the article was read: the official text's publisher and address, kept beside the rule.
    source = models.CharField(_("条文出处"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("法定期限规则")
        verbose_name_plural = _("法定期限规则")
        ordering = ["id"]

    def __str__(self):
        return self.name

    def applies(self, case_kind, legal_class="", channel=""):
        if self.applies_to not in (self.AppliesTo.BOTH, case_kind):
            return False
        classes = {c.strip() for c in self.legal_classes.split(",") if c.strip()}
        channels = {c.strip() for c in self.channels.split(",") if c.strip()}
        return (not classes or legal_class in classes) and (not channels or channel in channels)

    def events(self, field):
        return {e.strip() for e in getattr(self, field).split(",") if e.strip()}


class HolidayYear(models.Model):
    """A year whose official schedule an administrator has loaded (beyond what chinesecalendar knows)."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=200, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class HolidayDay(models.Model):
    """A day that differs from the plain week: a statutory holiday, or a make-up working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=30)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name} {self.get_kind_display()}"
