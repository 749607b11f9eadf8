"""The reception duty roster (接访值班表): one leadership member on reception duty per working day (领导公开接访)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.org.models import Unit

WEEKDAYS = "一二三四五六日"


class DutyShift(models.Model):
    """One day of reception duty at a centre. Written only by the functions in duty.services."""

    centre = models.ForeignKey(
        Unit, models.PROTECT, related_name="duty_shifts", verbose_name=_("矛调中心"),
        limit_choices_to={"kind": Unit.Kind.TOWNSHIP},
    )
    date = models.DateField(_("值班日期"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="duty_shifts", verbose_name=_("值班领导")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["centre", "date"]
        # The unique index also serves every read here: a centre's days in a date range.
        constraints = [models.UniqueConstraint(fields=["centre", "date"], name="unique_duty_shift_per_day")]

    def __str__(self):
        return f"{self.centre.name} {self.date:%Y-%m-%d}"

    @property
    def weekday(self):
        return WEEKDAYS[self.date.weekday()]


class DutyChange(models.Model):
    """What was changed on a centre's roster, by whom and why, as the roster page lists it.

    The audit trail (jiefen.audit) records the same change; this log is the one the centre reads.
    """

    class Kind(models.TextChoices):
        GENERATE = "generate", _("生成")
        EDIT = "edit", _("调整")
        SWAP = "swap", _("调班")

    centre = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("矛调中心"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    day = models.DateField(_("日期"), help_text=_("生成：该月第一天；调整：该日；调班：较早的一天"))
    summary = models.CharField(_("内容"), max_length=300)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("值班调整记录")
        verbose_name_plural = _("值班调整记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["centre", "-at"], name="duty_change_centre_at")]

    def __str__(self):
        return self.summary
