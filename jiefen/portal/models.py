"""What the public portal keeps besides cases: submission keys (idempotency) and failed tracking attempts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One online submission, keyed by the idempotency key its form carried (or an API client sent).

    The unique key is the guard: a retried or double-clicked submit finds the row of the first and gets its case
    instead of a second one (actions.do_submit_petition).
    """

    class Source(models.TextChoices):
        PORTAL = "portal", _("网上信访页面")
        API = "api", _("开放接口")

    key = models.CharField(_("幂等键"), max_length=64, unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.PORTAL)
    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="submission", verbose_name=_("案件"))
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("网上提交")
        verbose_name_plural = _("网上提交")

    def __str__(self):
        return self.key


class TrackingFailure(models.Model):
    """A wrong query code for a case number, from one client address: counted to throttle guessing."""

    address = models.CharField(_("客户端地址"), max_length=64)
    number = models.CharField(_("案件编号"), max_length=32)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("查询失败记录")
        verbose_name_plural = _("查询失败记录")
        # The throttle counts (address, number) rows in the last minutes (tracking.throttled).
        indexes = [models.Index(fields=["address", "number", "at"], name="portal_failure_lookup")]
