from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("routing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="routingrule",
            name="legal_class",
            field=models.CharField(
                blank=True,
                choices=[("suggestion", "建议意见"), ("accusation", "检举控告"), ("claim", "申诉求决"), ("dispute", "民间纠纷")],
                help_text="留空表示不限性质", max_length=12, verbose_name="事项性质",
            ),
        ),
        migrations.AlterField(
            model_name="routingrule",
            name="basis",
            field=models.CharField(
                choices=[("territorial", "属地管理"), ("departmental", "谁主管、谁负责"), ("higher", "分级负责（超出乡镇职权）"),
                         ("discipline", "纪检监察（检举控告）")],
                default="departmental", max_length=20, verbose_name="依据",
            ),
        ),
    ]
