from django.db import migrations, models


def copy_from_rules(apps, schema_editor):
    Deadline = apps.get_model("cases", "Deadline")
    ClockRule = apps.get_model("clocks", "ClockRule")
    for rule in ClockRule.objects.all():
        Deadline.objects.filter(rule=rule).update(length=rule.length, unit=rule.unit)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_search_and_categories"), ("clocks", "0002_seed_rules")]

    operations = [
        migrations.AddField(
            model_name="deadline", name="length",
            field=models.PositiveIntegerField(default=0, verbose_name="期限长度"), preserve_default=False,
        ),
        migrations.AddField(
            model_name="deadline", name="unit",
            field=models.CharField(default="calendar", max_length=10, verbose_name="单位"), preserve_default=False,
        ),
        migrations.RunPython(copy_from_rules, migrations.RunPython.noop),
    ]
