"""Leader case-ownership (包案), leaders' visits to villages (下访), and the "1211" hard-case mechanism.

"1211" (DESIGN.md §1): a hard case has one task force (一个工作专班), two owning leaders (两名包案领导), one
stabilisation plan (一套稳控措施) and one complete dossier (一套完整资料). The owners are `CaseOwner` rows; the
other three hang off `HardCase`. Rows here are written only by the case actions (jiefen.leadership.steps)
and the visit actions (jiefen.leadership.visits).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseOwner(models.Model):
    """An owning leader (包案领导) of a case: 一个问题、一名领导 … 一抓到底."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="owners", verbose_name=_("案件"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="owned_cases", verbose_name=_("包案领导")
    )
    assigned_at = models.DateTimeField(_("确定时间"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("确定人")
    )

    class Meta:
        verbose_name = _("包案领导")
        verbose_name_plural = _("包案领导")
        ordering = ["assigned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "leader"], name="unique_case_owner")]

    def __str__(self):
        return f"{self.case} {self.leader}"


class HardCase(models.Model):
    """A case designated a hard case (积案 / 疑难): it cannot be closed until its "1211" is complete."""

    class Kind(models.TextChoices):
        BACKLOG = "backlog", _("信访积案")
        DIFFICULT = "difficult", _("疑难复杂")

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="hard_case", verbose_name=_("案件"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("列入理由"))
    designated_at = models.DateTimeField(_("列入时间"))
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("决定人")
    )

    class Meta:
        verbose_name = _("疑难积案（1211）")
        verbose_name_plural = _("疑难积案（1211）")
        ordering = ["-designated_at"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class TaskForceMember(models.Model):
    """A member of a hard case's task force (工作专班): staff with an account, or anyone by name (五老, a lawyer)."""

    class Role(models.IntegerChoices):
        # In rank order: the task force is listed 组长 first.
        HEAD = 1, _("组长")
        DEPUTY = 2, _("副组长")
        MEMBER = 3, _("成员")
        LIAISON = 4, _("联络员")

    hard_case = models.ForeignKey(HardCase, models.CASCADE, related_name="task_force", verbose_name=_("疑难积案"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("工作人员")
    )
    name = models.CharField(
        _("姓名"), max_length=50, blank=True, help_text=_("没有系统账号的成员（如“五老”、律师）填写姓名")
    )
    role = models.PositiveSmallIntegerField(_("专班职务"), choices=Role.choices, default=Role.MEMBER)
    duty = models.CharField(_("分工"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("加入时间"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("工作专班成员")
        verbose_name_plural = _("工作专班成员")
        ordering = ["role", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="task_force_member_named")
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.user.display_name if self.user_id else self.name


class StabilisationMeasure(models.Model):
    """One measure of a hard case's stabilisation plan (稳控措施), with the person answerable and a review date."""

    hard_case = models.ForeignKey(HardCase, models.CASCADE, related_name="measures", verbose_name=_("疑难积案"))
    text = models.TextField(_("措施内容"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("责任人")
    )
    person_name = models.CharField(_("责任人（无账号）"), max_length=50, blank=True)
    review_on = models.DateField(_("回访日期"))
    done = models.BooleanField(_("已落实"), default=False)
    done_on = models.DateField(_("落实日期"), null=True, blank=True)
    added_at = models.DateTimeField(_("制定时间"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("稳控措施")
        verbose_name_plural = _("稳控措施")
        ordering = ["done", "review_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(person_name=""), name="measure_has_person")
        ]
        # "措施待回访" on the owner's page: measures not done whose review date has come.
        indexes = [models.Index(fields=["done", "review_on"], name="measure_done_review")]

    def __str__(self):
        return self.text[:30]

    @property
    def person_display(self):
        return self.person.display_name if self.person_id else self.person_name


class DossierRequirement(models.Model):
    """A document type a hard case's complete dossier (完整资料) must hold; the list is set by the administrator."""

    name = models.CharField(_("材料名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True, help_text=_("停用后不再计入完整度，已提供的材料保留"))
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("案卷材料要求")
        verbose_name_plural = _("案卷材料要求（1211 完整资料清单）")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class DossierItem(models.Model):
    """A requirement of the dossier met for one hard case: by an uploaded document of the case, or a note
    (e.g. where the paper original is filed)."""

    hard_case = models.ForeignKey(HardCase, models.CASCADE, related_name="dossier", verbose_name=_("疑难积案"))
    requirement = models.ForeignKey(DossierRequirement, models.PROTECT, related_name="+", verbose_name=_("材料名称"))
    # A document gone takes the item with it: the requirement is then missing again.
    document = models.ForeignKey(
        "cases.Document", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("材料文件")
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    provided_at = models.DateTimeField(_("提供时间"))
    provided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("提供人")
    )

    class Meta:
        verbose_name = _("案卷材料")
        verbose_name_plural = _("案卷材料")
        constraints = [
            models.UniqueConstraint(fields=["hard_case", "requirement"], name="unique_dossier_item"),
            models.CheckConstraint(condition=Q(document__isnull=False) | ~Q(note=""), name="dossier_item_has_content"),
        ]

    def __str__(self):
        return f"{self.hard_case.case} {self.requirement}"


class LeaderVisit(models.Model):
    """A leader's visit to a village (下访, 四下基层): where, when, whom they met, what they heard."""

    centre = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("矛调中心"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="visits", verbose_name=_("下访领导")
    )
    visited_on = models.DateField(_("下访日期"))
    village = models.ForeignKey("org.Unit", models.PROTECT, related_name="leader_visits", verbose_name=_("村（社区）"))
    people_met = models.TextField(_("接谈对象"))
    head_count = models.PositiveIntegerField(_("接谈人数"), default=1)
    matters = models.TextField(_("听取的问题"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("领导下访")
        verbose_name_plural = _("领导下访")
        ordering = ["-visited_on", "-id"]
        indexes = [
            # The centre's visit list, newest first (queries.visits_for).
            models.Index(fields=["centre", "-visited_on"], name="visit_centre_day"),
            models.Index(fields=["leader", "-visited_on"], name="visit_leader_day"),
        ]

    def __str__(self):
        # Short: it is the audit record's object reference (40 characters).
        return f"下访#{self.pk} {self.visited_on:%Y-%m-%d}"


class VisitCase(models.Model):
    """A matter heard on a visit that went on a case: a new case opened, or a contact on an existing one."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("登记为新案件")
        CONTACT = "contact", _("记入已有案件")

    visit = models.ForeignKey(LeaderVisit, models.CASCADE, related_name="cases", verbose_name=_("下访"))
    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="leader_visits", verbose_name=_("案件"))
    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("下访形成的案件")
        verbose_name_plural = _("下访形成的案件")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.visit} → {self.case}"
