"""Early warning (预警): the rules as configuration rows, each case's stored risk grade, and its acknowledgements.

A rule is a row an administrator edits (like the clock rules), never a constant in code. `rules.evaluate` reads a
case's facts against the active rows; `actions.refresh` stores the result here for the lists, the case page and
the leader's home, and tells the centre's leadership when a case rises to orange or red.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.IntegerChoices):
    """Five colours, 1 the most severe; green is no warning."""

    RED = 1, _("红色")
    ORANGE = 2, _("橙色")
    YELLOW = 3, _("黄色")
    BLUE = 4, _("蓝色")
    GREEN = 5, _("绿色")


# The grades that reach the leadership at once (a notification) and the leader's home card.
ALARMING = (Grade.RED, Grade.ORANGE)
# CSS class of each grade's badge.
COLOURS = {Grade.RED: "red", Grade.ORANGE: "orange", Grade.YELLOW: "yellow", Grade.BLUE: "blue", Grade.GREEN: "green"}


class WarningRule(models.Model):
    """One warning rule: what to look at (kind), how much of it (threshold, window), and the grade it raises."""

    class Kind(models.TextChoices):
        GROUP_SIZE = "group_size", _("集体访人数")
        REPEAT_CONTACTS = "repeat_contacts", _("重复来访（来电）")
        HIGHER_LEVEL = "higher_level", _("越级反映（上级交办、转送）")
        KEY_PERSON = "key_person", _("重点人员")
        DEADLINE = "deadline", _("期限临近或超期")
        SENSITIVE_DATE = "sensitive_date", _("敏感时期")
        MEDIATION_FAILED = "mediation_failed", _("调解不成（矛盾激化）")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60)
    # group_size: head count of one contact; repeat_contacts: contacts in the window; mediation_failed: failures.
    threshold = models.PositiveIntegerField(
        _("阈值"), default=0, help_text=_("集体访：单次人数；重复来访：窗口内次数；调解不成：次数"),
    )
    # repeat_contacts: the last N days; deadline: matches when the due date is at most N days away (-1: overdue).
    window_days = models.IntegerField(
        _("天数"), default=0, help_text=_("重复来访：统计最近N天；期限：距截止日不超过N天即预警（-1 表示已超期）"),
    )
    grade = models.PositiveSmallIntegerField(_("预警等级"), choices=Grade.choices)
    reason = models.CharField(
        _("预警理由"), max_length=200,
        help_text=_("可用占位符：{n} 数量、{days} 天数、{name} 姓名、{group} 人群类别、{organ} 交办机关、{mode} 方式、"
                    "{due} 截止日、{late} 超期天数、{period} 敏感时期"),
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["kind", "grade", "id"]

    def __str__(self):
        return self.name


class SensitivePeriod(models.Model):
    """A period of heightened attention (敏感时期: major meetings, anniversaries, holidays): open cases warn."""

    name = models.CharField(_("名称"), max_length=60)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("敏感时期")
        verbose_name_plural = _("敏感时期")
        ordering = ["-starts_on", "id"]

    def __str__(self):
        return f"{self.name}（{self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}）"


class RiskAssessment(models.Model):
    """A case's risk grade as the last refresh found it, with its reasons; one row per case."""

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="risk", verbose_name=_("案件"))
    grade = models.PositiveSmallIntegerField(_("预警等级"), choices=Grade.choices, default=Grade.GREEN)
    reasons = models.JSONField(_("预警理由"), default=list, blank=True)
    computed_on = models.DateField(_("研判日期"))
    # The acknowledgement that stands: cleared by the refresh that finds the grade risen above it.
    acknowledged = models.ForeignKey(
        "RiskAcknowledgement", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("研判"),
    )

    class Meta:
        verbose_name = _("风险等级")
        verbose_name_plural = _("风险等级")
        # The warning list: by grade, most severe first (warning.queries.warning_list).
        indexes = [models.Index(fields=["grade", "case"], name="risk_grade_case")]

    def __str__(self):
        return f"{self.case} {self.get_grade_display()}"

    @property
    def colour(self):
        return COLOURS[Grade(self.grade)]

    @property
    def is_warning(self):
        return self.grade < Grade.GREEN


class RiskAcknowledgement(models.Model):
    """已研判: a leader has studied a case's warning and says what is being done (measures)."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="risk_acknowledgements",
                             verbose_name=_("案件"))
    grade = models.PositiveSmallIntegerField(_("研判时等级"), choices=Grade.choices)
    measures = models.TextField(_("研判意见和措施"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("研判人"))
    at = models.DateTimeField(_("研判时间"))

    class Meta:
        verbose_name = _("预警研判")
        verbose_name_plural = _("预警研判")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.case} {self.get_grade_display()} {self.at:%Y-%m-%d}"

    def stands_for(self, grade):
        """Whether this acknowledgement still covers `grade`: until the grade rises above the one acknowledged."""
        return grade >= self.grade
