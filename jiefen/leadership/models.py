"""Leader case-ownership (包案) and, built on it, the "1211" hard-case mechanism."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseOwner(models.Model):
    """An owning leader (包案领导) of a case: 一个问题、一名领导 … 一抓到底."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="owners", verbose_name=_("案件"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="owned_cases", verbose_name=_("包案领导"))
    assigned_at = models.DateTimeField(_("确定时间"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("确定人"))

    class Meta:
        verbose_name = _("包案领导")
        verbose_name_plural = _("包案领导")
        ordering = ["assigned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "leader"], name="unique_case_owner")]

    def __str__(self):
        return f"{self.case} {self.leader}"
