import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0011_handover_transfer"),
        ("org", "0002_organs"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReceivingOrgan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="受理机关")),
                ("route", models.CharField(choices=[("litigation", "诉讼"), ("arbitration", "仲裁"), ("admin_review", "行政复议"), ("admin_ruling", "行政裁决"), ("other", "其他法定途径")], max_length=20, verbose_name="法定途径")),
                ("sort", models.PositiveIntegerField(default=0, verbose_name="排序")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                ("area", models.ForeignKey(blank=True, help_text="留空则各乡镇（街道）均可选择", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="管辖范围")),
            ],
            options={
                "verbose_name": "导入受理机关",
                "verbose_name_plural": "导入受理机关",
                "ordering": ["sort", "id"],
            },
        ),
    ]
