"""Finding disputes early (隐患摸排到位): households, the people who visit them, visits, the dispute ledger,
campaigns and key groups.

Grids themselves are units (org.Unit, kind GRID) under a village. Rows here are written only by the actions in
jiefen.grid.actions (and the importers that call them), each with its audit record. Visit rows carry their
grid, village and centre so that coverage over tens of millions of visits is read by index, without joins.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.cases.fields import EncryptedCharField
from jiefen.org.models import Unit


class Household(models.Model):
    """A household of a grid (户), as the village's register lists it."""

    grid = models.ForeignKey(Unit, models.PROTECT, related_name="households", verbose_name=_("网格"))
    head_name = models.CharField(_("户主姓名"), max_length=50)
    address = models.CharField(_("住址"), max_length=200)
    members = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    phone = EncryptedCharField(_("联系电话"), plain_max_length=20, blank=True)  # encrypted at rest
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Denormalised from the grid: coverage counts households per village and centre by index.
    village = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("村（社区）"))
    centre = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）"))
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["grid", "address", "id"]
        constraints = [
            # The import key: a household is its head and address within a grid.
            models.UniqueConstraint(fields=["grid", "head_name", "address"], name="unique_household"),
        ]
        indexes = [models.Index(fields=["village", "grid"], name="household_village_grid")]

    def __str__(self):
        return f"{self.head_name}（{self.address}）"


class Visitor(models.Model):
    """Someone who visits households or mediates (排查调解力量): staff with an account or not."""

    class Kind(models.TextChoices):
        POLICE = "police", _("民警")
        GRID_WORKER = "grid_worker", _("网格员")
        STEWARD = "steward", _("红管家")
        ELDER = "elder", _("五老")
        MEDIATOR = "mediator", _("人民调解员")
        LAWYER = "lawyer", _("律师")
        CADRE = "cadre", _("村（社区）干部")
        OTHER = "other", _("其他")

    centre = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）"))
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="visitor",
        verbose_name=_("系统账号"),
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    grids = models.ManyToManyField(Unit, blank=True, related_name="visitors", verbose_name=_("负责网格"))
    specialities = models.CharField(_("擅长领域"), max_length=200, blank=True, help_text=_("如：土地纠纷、婚姻家庭"))
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("排查调解人员")
        verbose_name_plural = _("排查调解人员")
        ordering = ["centre", "kind", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["centre", "name", "phone"], name="unique_visitor")]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class Finding(models.TextChoices):
    NOTHING = "nothing", _("未发现问题")
    CONCERN = "concern", _("发现隐患")
    DISPUTE = "dispute", _("发现矛盾纠纷")


class HouseholdVisit(models.Model):
    """One household visit (入户走访): who went, when, and what they found."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="visits", verbose_name=_("住户"))
    visited_on = models.DateField(_("走访日期"))
    visitor = models.ForeignKey(Visitor, models.PROTECT, related_name="visits", verbose_name=_("走访人"))
    finding = models.CharField(_("走访情况"), max_length=10, choices=Finding.choices, default=Finding.NOTHING)
    note = models.TextField(_("情况记录"), blank=True)
    # The dispute case this visit opened (finding = dispute), once opened.
    case = models.ForeignKey(
        "cases.Case", models.PROTECT, null=True, blank=True, related_name="household_visits", verbose_name=_("案件")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    # Denormalised from the household (see module docstring).
    grid = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    village = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    centre = models.ForeignKey(Unit, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        ordering = ["-visited_on", "-id"]
        indexes = [
            # Coverage per grid / village / centre over a period, and the visit log newest first.
            models.Index(fields=["grid", "visited_on"], name="hhvisit_grid_day"),
            models.Index(fields=["village", "visited_on"], name="hhvisit_village_day"),
            models.Index(fields=["centre", "visited_on"], name="hhvisit_centre_day"),
            models.Index(fields=["household", "visited_on"], name="hhvisit_household_day"),
        ]

    def __str__(self):
        return f"{self.household} {self.visited_on}"


class DisputeKind(models.TextChoices):
    LAND = "land", _("土地山林")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    FAMILY = "family", _("婚姻家庭")
    WAGES = "wages", _("劳资纠纷")
    CONTRACT = "contract", _("合同纠纷")
    DAMAGE = "damage", _("损害赔偿")
    PROPERTY = "property", _("物业纠纷")
    CONSTRUCTION = "construction", _("征地拆迁")
    OTHER = "other", _("其他纠纷")


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class DisputeRecord(models.Model):
    """A row of the dispute ledger (矛盾纠纷排查台账): the dispute case plus what the ledger adds to it."""

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="dispute_record", verbose_name=_("案件"))
    dispute_kind = models.CharField(_("纠纷类型"), max_length=20, choices=DisputeKind.choices)
    risk_level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    mediator = models.ForeignKey(
        Visitor, models.PROTECT, null=True, blank=True, related_name="disputes", verbose_name=_("责任调解员")
    )
    found_on = models.DateField(_("排查日期"))
    source_visit = models.OneToOneField(
        HouseholdVisit, models.PROTECT, null=True, blank=True, related_name="dispute", verbose_name=_("来源走访")
    )

    class Meta:
        verbose_name = _("矛盾纠纷台账")
        verbose_name_plural = _("矛盾纠纷台账")
        ordering = ["-found_on", "-id"]

    def __str__(self):
        return f"{self.case} {self.get_dispute_kind_display()}"


class Campaign(models.Model):
    """A time-boxed campaign (大排查、大起底、大化解) over chosen villages, with targets."""

    centre = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）"))
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    villages = models.ManyToManyField(Unit, related_name="campaigns", verbose_name=_("参加村（社区）"))
    target_coverage = models.PositiveSmallIntegerField(_("走访覆盖率目标（%）"), default=100)
    target_resolution = models.PositiveSmallIntegerField(_("化解率目标（%）"), default=90)
    description = models.TextField(_("工作要求"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("排查化解专项行动")
        verbose_name_plural = _("排查化解专项行动")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates"),
        ]

    def __str__(self):
        return self.name


class KeyPerson(models.Model):
    """Someone of a key group (重点人群) who needs regular follow-up, with a visit plan."""

    class Group(models.TextChoices):
        PETITIONER = "petitioner", _("信访老户")
        MENTAL = "mental", _("严重精神障碍患者")
        RELEASED = "released", _("刑满释放人员")
        CORRECTION = "correction", _("社区矫正对象")
        VETERAN = "veteran", _("涉军群体")
        HARDSHIP = "hardship", _("生活困难群体")
        OTHER = "other", _("其他")

    centre = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）"))
    village = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("村（社区）"))
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="key_people", verbose_name=_("住户")
    )
    name = models.CharField(_("姓名"), max_length=50)
    group = models.CharField(_("人群类别"), max_length=20, choices=Group.choices)
    reason = models.TextField(_("列管原因"))
    phone = EncryptedCharField(_("联系电话"), plain_max_length=20, blank=True)  # encrypted at rest
    interval_days = models.PositiveSmallIntegerField(_("走访周期（天）"), default=30)
    responsible = models.ForeignKey(
        Visitor, models.PROTECT, null=True, blank=True, related_name="key_people", verbose_name=_("责任人")
    )
    last_visited_on = models.DateField(_("最近走访"), null=True, blank=True)
    # last_visited_on (or listing date) + interval_days: the overdue list filters on this by index.
    next_visit_due = models.DateField(_("下次走访期限"), db_index=True)
    active = models.BooleanField(_("在管"), default=True)
    listed_on = models.DateField(_("列管日期"))

    class Meta:
        verbose_name = _("重点人员")
        verbose_name_plural = _("重点人员")
        ordering = ["next_visit_due", "id"]

    def __str__(self):
        return self.name


class KeyPersonVisit(models.Model):
    person = models.ForeignKey(KeyPerson, models.CASCADE, related_name="visits", verbose_name=_("重点人员"))
    visited_on = models.DateField(_("走访日期"))
    visitor = models.ForeignKey(Visitor, models.PROTECT, related_name="+", verbose_name=_("走访人"))
    note = models.TextField(_("情况记录"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("重点人员走访")
        verbose_name_plural = _("重点人员走访")
        ordering = ["-visited_on", "-id"]
