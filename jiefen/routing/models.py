"""Routing rules: 属地管理、分级负责，谁主管、谁负责 as a table the centre admin edits."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import LegalClass


class RoutingRule(models.Model):
    """Matters of `category` (any when blank) in `village` (anywhere when blank), of `legal_class` (any when
    blank), go to `unit`.

    The most specific matching rule wins (legal class; then category and place, then category, then place, then the
    fallback),
    then the lowest `priority` number. A unit outside the township (e.g. a county department) means the
    matter is beyond the township: the proposal is to forward (转送) it there.
    """

    class Basis(models.TextChoices):
        TERRITORIAL = "territorial", _("属地管理")
        DEPARTMENTAL = "departmental", _("谁主管、谁负责")
        HIGHER = "higher", _("分级负责（超出乡镇职权）")
        DISCIPLINE = "discipline", _("纪检监察（检举控告）")

    centre = models.ForeignKey(
        "org.Unit", models.CASCADE, related_name="routing_rules", verbose_name=_("矛调中心（乡镇）")
    )
    category = models.ForeignKey("cases.Category", models.CASCADE, null=True, blank=True, verbose_name=_("事项分类"))
    # 检举控告 (信访工作条例 第三十条第一款) goes to the 纪检监察 channel or the organ with power over it: a rule for
    # one legal class outranks every other, and is skipped when its unit is on the accused side.
    legal_class = models.CharField(
        _("事项性质"), max_length=12, blank=True, choices=LegalClass.choices, help_text=_("留空表示不限性质"),
    )
    village = models.ForeignKey(
        "org.Unit", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("村（社区）"),
        help_text=_("留空表示不限地点"),
    )
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="+", verbose_name=_("责任单位"),
        help_text=_("留空地点且选“属地管理”时，交事项所在村（社区）办理"), null=True, blank=True,
    )
    basis = models.CharField(_("依据"), max_length=20, choices=Basis.choices, default=Basis.DEPARTMENTAL)
    priority = models.PositiveIntegerField(_("优先级"), default=100, help_text=_("数字小者优先"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分办规则")
        verbose_name_plural = _("分办规则")
        ordering = ["centre", "priority", "id"]

    def __str__(self):
        what = self.category.name if self.category_id else _("任何事项")
        if self.legal_class:
            what = f"{self.get_legal_class_display()} · {what}"
        where = self.village.name if self.village_id else _("任何地点")
        target = self.unit.name if self.unit_id else _("事项所在村（社区）")
        return f"{what} · {where} → {target}"
