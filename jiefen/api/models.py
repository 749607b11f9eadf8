"""Tokens of the open API: each acts as one staff account, with a set of permissions, shown once when made."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.cases.fields import EncryptedCharField


class Scope(models.TextChoices):
    READ = "read", _("读取案件")
    CREATE = "create", _("登记案件")
    CONTACT = "contact", _("登记来访（来电）")
    ACT = "act", _("办理操作")
    FIGURES = "figures", _("统计数据")


class ApiToken(models.Model):
    name = models.CharField(_("名称"), max_length=100, help_text=_("使用该令牌的系统，如：12345政务服务热线"))
    # The staff account the token acts as: its role and unit decide what the token may see and do.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_tokens", verbose_name=_("代表账号")
    )
    scopes = models.JSONField(_("权限"), default=list)
    # SHA-256 of the token: the token itself is shown once and never stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def active(self):
        return self.revoked_at is None


class ServiceRequest(models.Model):
    """What an Open311 client sent with a case beyond the intake's fields: the location as given (coordinates and
    address text), the reporter's email, a media link, the answers to the service's attributes, the client's ids."""

    case = models.OneToOneField(
        "cases.Case", models.CASCADE, related_name="service_request", verbose_name=_("案件")
    )
    token = models.ForeignKey(
        ApiToken, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("提交令牌")
    )
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(_("地址（原文）"), max_length=200, blank=True)
    email = EncryptedCharField(_("电子邮箱"), plain_max_length=100, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    account_id = models.CharField(_("客户端账号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("Open311 服务请求")
        verbose_name_plural = _("Open311 服务请求")

    def __str__(self):
        return str(self.case_id)
