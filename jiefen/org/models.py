"""The unit tree (county → township → departments, villages → grids) and staff accounts."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("市")
        COUNTY = "county", _("县（区）")
        TOWNSHIP = "township", _("乡镇（街道）")
        DEPARTMENT = "department", _("部门")
        VILLAGE = "village", _("村（社区）")
        GRID = "grid", _("网格")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("编码"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级单位")
    )
    # Materialised path "/1/4/17/" of ids from the root: subtree and ancestor tests without recursion.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    # The organ (机关) whose documents this unit's work is issued under (jiefen.org.organs): a township or county
    # is its 人民政府; a county department is an organ of its own; a village, a grid or a township's office issues
    # nothing in its own name and works under its township's government. Blank: that default.
    organ_name = models.CharField(
        _("机关名称"), max_length=100, blank=True,
        help_text=_("以本单位名义发文时的机关全称，如“青山镇人民政府”“青山县人力资源和社会保障局”；留空则按默认"),
    )
    doc_code = models.CharField(
        _("发文字号代字"), max_length=20, blank=True, help_text=_("如“青政信”，文号为“青政信受告〔2026〕12号”"),
    )
    # 复查 goes to the organ above the one that handled the matter (信访工作条例, clocks rule review_decision).
    organ_above = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("上一级机关"),
        help_text=_("复查、复核机关；留空则为上级单位的机关（乡镇的上一级为县人民政府）"),
    )

    # The office that acts for a people's government in 信访 (the county's 信访局 for the county's 人民政府): its desk
    # staff hand items down, review reports and decide the government's 复查 (jiefen.org.organs.sits_in).
    acts_for = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("代表机关"),
        help_text=_("如县信访局代表县人民政府交办信访事项、审核报结、办理复查；留空则不代表"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is a storage detail of the tree, kept in step with `parent` here and nowhere else.
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        if new_path == self.path:
            return
        old_path, self.path = self.path, new_path
        Unit.objects.filter(pk=self.pk).update(path=new_path)
        if old_path:
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                Unit.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])

    @property
    def ancestor_ids(self):
        """Ids from the root down to and including this unit."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def subtree(self):
        return Unit.objects.filter(path__startswith=self.path)

    def is_within(self, other):
        return self.path.startswith(other.path)

    @cached_property
    def township(self):
        """The township (centre) this unit belongs to, or None above township level."""
        if self.kind == Unit.Kind.TOWNSHIP:
            return self
        return Unit.objects.filter(pk__in=self.ancestor_ids, kind=Unit.Kind.TOWNSHIP).first()

    @cached_property
    def village(self):
        if self.kind == Unit.Kind.VILLAGE:
            return self
        return Unit.objects.filter(pk__in=self.ancestor_ids, kind=Unit.Kind.VILLAGE).first()


class Role(models.TextChoices):
    CLERK = "clerk", _("接待员")
    LEADER = "leader", _("领导（值班/包案）")
    HANDLER = "handler", _("承办人")
    MEDIATOR = "mediator", _("网格员/调解员")
    DIRECTOR = "director", _("中心主任/管理员")
    SUPERVISOR = "supervisor", _("县级督办")


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CLERK)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("所属单位")
    )
    is_unit_head = models.BooleanField(_("单位负责人"), default=False, help_text=_("可批准本单位办理期限的延长"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username
