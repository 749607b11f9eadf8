import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("excel", "0002_handovers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExportJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(default="cases", max_length=20, verbose_name="导出内容")),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="筛选条件")),
                ("reveal", models.BooleanField(default=False, verbose_name="显示完整身份证号和电话")),
                ("created_at", models.DateTimeField(verbose_name="提交时间")),
                ("status", models.CharField(
                    choices=[("queued", "排队中"), ("running", "生成中"), ("done", "已完成"), ("failed", "失败")],
                    default="queued", max_length=10, verbose_name="状态",
                )),
                ("total_rows", models.PositiveIntegerField(default=0, verbose_name="总行数")),
                ("processed_rows", models.PositiveIntegerField(default=0, verbose_name="已写行数")),
                ("file", models.FileField(blank=True, upload_to="excel/exports/%Y/%m/", verbose_name="文件")),
                ("file_name", models.CharField(blank=True, max_length=200, verbose_name="文件名")),
                ("message", models.CharField(blank=True, max_length=300, verbose_name="结果")),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="开始处理")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="处理完毕")),
                ("requested_by", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL,
                    verbose_name="导出人",
                )),
            ],
            options={
                "verbose_name": "导出任务",
                "verbose_name_plural": "导出任务",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["status", "created_at"], name="exportjob_status_created"),
                    models.Index(fields=["requested_by", "-created_at"], name="exportjob_user_created"),
                ],
            },
        ),
    ]
