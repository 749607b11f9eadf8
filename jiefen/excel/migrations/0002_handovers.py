from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("excel", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="kind",
            field=models.CharField(
                choices=[("households", "住户"), ("visitors", "排查调解人员"), ("ledger", "矛盾纠纷排查台账"),
                         ("visits", "入户走访记录"), ("handovers", "上级交办事项")],
                max_length=20, verbose_name="导入内容",
            ),
        ),
    ]
