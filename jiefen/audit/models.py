from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The hash the first record of an unpurged chain points back to.
GENESIS_HASH = "0" * 64


class AuditRecord(models.Model):
    """Who did what, when, from where, with what result.

    Rows are only ever appended (jiefen.audit.records.record) and form a hash chain: `seq` numbers them without gaps,
    `prev_hash` is the `hash` of the record before, `hash` covers this record's own fields and `prev_hash`
    (jiefen.audit.chain). On PostgreSQL a trigger refuses UPDATE and DELETE (migration 0004).
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    # Set by record() before the hash is computed, not by auto_now_add (which would overwrite it on save).
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=40)
    object_type = models.CharField(_("对象类型"), max_length=30, blank=True)
    object_ref = models.CharField(_("对象"), max_length=40, blank=True)
    result = models.CharField(_("结果"), max_length=20, default="ok")
    details = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_ref}"


class AuditChainHead(models.Model):
    """The one row (pk 1) that serialises appends and anchors both ends of the chain.

    Appends lock it (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions already admit one writer),
    so two writers can never both extend the same record. `last_seq`/`last_hash` anchor the tail: a deleted tail is
    detected only because this row still names the record that was last (see chain.verify). `first_seq` and
    `anchor_hash` anchor the start after a purge: the first kept record must carry `anchor_hash` as its prev_hash.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(_("最后序号"), default=0)
    last_hash = models.CharField(_("最后哈希"), max_length=64, default=GENESIS_HASH)
    first_seq = models.BigIntegerField(_("首条序号"), default=1)
    anchor_hash = models.CharField(_("首条之前的哈希"), max_length=64, default=GENESIS_HASH)
    purged_before = models.DateTimeField(_("已清理至"), null=True, blank=True)
    # Set when the row was found missing while records existed, and rebuilt from the last record: verify fails.
    rebuilt_at = models.DateTimeField(_("链头重建时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self):
        return f"#{self.first_seq}–#{self.last_seq} {self.last_hash[:12]}"
