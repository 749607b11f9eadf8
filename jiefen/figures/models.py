"""Daily aggregates of the case figures, and the analysis meeting (分析研判会) with its decisions.

The aggregate tables hold additive counters only, so that a change to a case is applied as "what the case now
contributes minus what it contributed before" (counting.track), and a full recount (counting.recount) can
rebuild or verify them. Dimension columns are plain integers with 0 for "none" (not foreign keys with NULL):
a unique key with NULLs would never conflict, and the upsert in counting.apply relies on the conflict.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.org.models import Unit

# Additive counters, each defined once in measures.DEFINITIONS and shown with its definition on the page.
COUNTERS = (
    "received",  # cases registered that day (登记, 件)
    "accepted",  # cases accepted that day (受理, Case.accepted_on)
    "repeat",  # of those registered, cases with more than one contact so far (重复访)
    "contacts",  # visits, letters and calls that day, on any case (件次)
    "persons",  # their head counts (人次)
    "closed",  # cases finished that day as 办结 or 终结 (measures.DONE; not 不予受理, not 转送)
    "final",  # of those, 终结
    "not_accepted",  # cases not accepted that day (不予受理): out of the stock, not 办结
    "forwarded",  # cases forwarded that day (转送): out of the stock, not 办结
    "closed_single",  # of the closed, settled with a single contact (最多访一次)
    "resolved",  # of the closed, recorded as really resolved (实际化解)
    "handling_days",  # of the closed, the sum of days from registration to finishing (for the average)
    "sat_answers",  # cases registered that day with a follow-up answer on satisfaction
    "sat_satisfied",  # of those, 满意
    "sat_basic",  # of those, 基本满意
    # On the due day of each finished acceptance clock (受理告知期限): one, and one more if it finished by then.
    # Clocks still running are read live (queries.overdue_clocks): their count changes with the date alone.
    "acceptance_decided",
    "acceptance_timely",
    # The same for each finished handling clock (办理期限).
    "handling_done",
    "handling_on_time",
)


class FigureCounters(models.Model):
    received = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    repeat = models.IntegerField(default=0)
    contacts = models.IntegerField(default=0)
    persons = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    final = models.IntegerField(default=0)
    not_accepted = models.IntegerField(default=0)
    forwarded = models.IntegerField(default=0)
    closed_single = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    handling_days = models.IntegerField(default=0)
    sat_answers = models.IntegerField(default=0)
    sat_satisfied = models.IntegerField(default=0)
    sat_basic = models.IntegerField(default=0)
    acceptance_decided = models.IntegerField(default=0)
    acceptance_timely = models.IntegerField(default=0)
    handling_done = models.IntegerField(default=0)
    handling_on_time = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyFigure(FigureCounters):
    """Counters per day and per every dimension a figure can be filtered by: township and village pages and
    every filtered figure read here (index figure_daily_centre_day, figure_daily_village_day)."""

    day = models.DateField()
    centre_id = models.IntegerField()
    village_id = models.IntegerField(default=0)
    unit_id = models.IntegerField(default=0)
    category_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=10)
    kind = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("每日统计")
        verbose_name_plural = _("每日统计")
        constraints = [
            models.UniqueConstraint(
                fields=["centre_id", "day", "village_id", "unit_id", "category_id", "channel", "kind"],
                name="figure_daily_key",
            )
        ]
        indexes = [
            models.Index(fields=["village_id", "day"], name="figure_daily_village_day"),
            models.Index(fields=["unit_id", "day"], name="figure_daily_unit_day"),
        ]


class MonthFigure(FigureCounters):
    """The same counters per month, township, category and channel: a city-wide year reads ~20,000 rows here
    instead of ~2,000,000 daily ones (queries use whole months here and the daily table for partial months)."""

    month = models.DateField()  # the first day of the month
    centre_id = models.IntegerField()
    category_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("每月统计")
        verbose_name_plural = _("每月统计")
        constraints = [
            models.UniqueConstraint(fields=["centre_id", "month", "category_id", "channel"], name="figure_month_key")
        ]
        indexes = [
            # Covering: a county's year is read from the index alone (SQLite; PostgreSQL after VACUUM), without
            # a table lookup per row (1,000,000 cases, SQLite, a county's year grouped: ~25 ms).
            models.Index(fields=["centre_id", "month", "category_id", "channel", *COUNTERS], name="figure_month_cover"),
        ]


class HandlingDays(models.Model):
    """How many cases closed (办结, measures.DONE) on a day took exactly `days` days: the histogram of the 90th
    percentile, read
    for the partial months at the ends of a period (whole months read HandlingMonth)."""

    day = models.DateField()
    centre_id = models.IntegerField()
    days = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("办理天数分布（日）")
        verbose_name_plural = _("办理天数分布（日）")
        constraints = [models.UniqueConstraint(fields=["centre_id", "day", "days"], name="figure_days_key")]


class HandlingMonth(models.Model):
    """The same histogram per month."""

    month = models.DateField()
    centre_id = models.IntegerField()
    days = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("办理天数分布（月）")
        verbose_name_plural = _("办理天数分布（月）")
        constraints = [models.UniqueConstraint(fields=["centre_id", "month", "days"], name="figure_days_month_key")]


class AnalysisMeeting(models.Model):
    """分析研判会: a meeting of a centre's leaders about one period, with its pack of figures (a snapshot taken
    when the meeting was created, editable until it is held) and the decisions taken."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("准备中")
        HELD = "held", _("已召开")

    centre = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）"))
    title = models.CharField(_("会议名称"), max_length=100)
    period_start = models.DateField(_("研判期间自"))
    period_end = models.DateField(_("至"))
    held_on = models.DateField(_("会议日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The pack as assembled from live figures when the meeting was created (pack.assemble), JSON-able.
    pack = models.JSONField(_("会议材料"), default=dict)
    # The leaders' own words on each section, editable before the meeting: {section code: text}.
    notes = models.JSONField(_("研判意见"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("分析研判会")
        verbose_name_plural = _("分析研判会")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["centre", "held_on"], name="meeting_centre_held")]

    def __str__(self):
        return self.title


class MeetingDecision(models.Model):
    """A decision of the meeting: who does what by when, and whether it was done (督办事项)."""

    meeting = models.ForeignKey(AnalysisMeeting, models.CASCADE, related_name="decisions", verbose_name=_("会议"))
    text = models.TextField(_("议定事项"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="meeting_decisions", verbose_name=_("责任人")
    )
    due_on = models.DateField(_("完成期限"))
    done = models.BooleanField(_("已完成"), default=False)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.TextField(_("落实情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done", "due_on"], name="decision_owner_open")]

    def __str__(self):
        return self.text[:30]
