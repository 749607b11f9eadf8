import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cases", "0006_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TrackingFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("address", models.CharField(max_length=64, verbose_name="客户端地址")),
                ("number", models.CharField(max_length=32, verbose_name="案件编号")),
                ("at", models.DateTimeField(verbose_name="时间")),
            ],
            options={
                "verbose_name": "查询失败记录",
                "verbose_name_plural": "查询失败记录",
                "indexes": [models.Index(fields=["address", "number", "at"], name="portal_failure_lookup")],
            },
        ),
        migrations.CreateModel(
            name="Submission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=64, unique=True, verbose_name="幂等键")),
                (
                    "source",
                    models.CharField(
                        choices=[("portal", "网上信访页面"), ("api", "开放接口")], default="portal", max_length=10,
                        verbose_name="来源",
                    ),
                ),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="submission", to="cases.case",
                        verbose_name="案件",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="提交时间")),
            ],
            options={"verbose_name": "网上提交", "verbose_name_plural": "网上提交"},
        ),
    ]
