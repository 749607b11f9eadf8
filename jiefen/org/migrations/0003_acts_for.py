import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0002_organs"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="acts_for",
            field=models.ForeignKey(
                blank=True, help_text="如县信访局代表县人民政府交办信访事项、审核报结、办理复查；留空则不代表", null=True,
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="代表机关",
            ),
        ),
    ]
