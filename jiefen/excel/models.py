"""Excel imports (导入任务): one row per uploaded workbook, processed by the worker (or inline by tests and commands).

A job is validated whole before anything is written: either every row goes in, in one transaction, or none does
and the job keeps the per-row error report (row number, column, message in Chinese) for the uploader.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.org.models import Unit


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("住户")
        VISITORS = "visitors", _("排查调解人员")
        LEDGER = "ledger", _("矛盾纠纷排查台账")
        VISITS = "visits", _("入户走访记录")
        HANDOVERS = "handovers", _("上级交办事项")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已导入")
        REJECTED = "rejected", _("未导入")

    kind = models.CharField(_("导入内容"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to="excel/imports/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    centre = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    created_at = models.DateTimeField(_("上传时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Rows of the sheet below its header; 0 until the worker has opened the file.
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已检查行数"), default=0)
    written_rows = models.PositiveIntegerField(_("已导入行数"), default=0)
    # [{"row": 12, "column": "身份证号", "message": "…"}], the first MAX_REPORTED_ERRORS of error_count.
    errors = models.JSONField(_("错误报告"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.CharField(_("结果"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("开始处理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("处理完毕"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker claims the oldest queued job; the import page lists a centre's jobs newest first.
            models.Index(fields=["status", "created_at"], name="importjob_status_created"),
            models.Index(fields=["centre", "-created_at"], name="importjob_centre_created"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}导入 #{self.pk}（{self.file_name}）"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.REJECTED)


class ExportJob(models.Model):
    """A large export (导出任务): the 信访事项办理台账 of a case list past what one request writes at once
    (forms_ledgers.SYNC_ROWS). Written in the background with its progress, then downloaded by whoever asked."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("导出内容"), max_length=20, default="cases")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("导出人")
    )
    # The case list's query string (its filters) as the user had it: the rows are read with their scope when run.
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    reveal = models.BooleanField(_("显示完整身份证号和电话"), default=False)
    created_at = models.DateTimeField(_("提交时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to="excel/exports/%Y/%m/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    message = models.CharField(_("结果"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("开始处理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("处理完毕"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker claims the oldest queued job; a user's page reads their own jobs.
            models.Index(fields=["status", "created_at"], name="exportjob_status_created"),
            models.Index(fields=["requested_by", "-created_at"], name="exportjob_user_created"),
        ]

    def __str__(self):
        return f"导出 #{self.pk}（{self.file_name}）"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
