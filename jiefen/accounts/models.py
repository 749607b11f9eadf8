from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginAttempt(models.Model):
    """One login attempt, by the username as typed (case-folded) and the client address.

    Lockout is per (username, address), never per address alone: a whole village may reach the centre through one
    address. Rows live in the database so any application server sees every other one's failures.
    """

    class Result(models.TextChoices):
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")
        LOCKED = "locked", _("锁定中被拒绝")

    username = models.CharField(_("用户名"), max_length=150)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)

    class Meta:
        verbose_name = _("登录尝试")
        verbose_name_plural = _("登录尝试")
        # The lockout check reads the newest attempts of one (username, address).
        indexes = [models.Index(fields=["username", "address", "-at"], name="accounts_attempt_pair_at")]

    def __str__(self):
        return f"{self.username}@{self.address} {self.at:%Y-%m-%d %H:%M} {self.result}"
