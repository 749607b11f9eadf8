"""The supervision rules a centre starts with; the director changes them in the admin."""

from django.db import migrations

RULES = [
    {"name": "到期前3个工作日提醒", "kind": "reminder", "working_days": 3, "to_handlers": True, "to_owners": True, "to_director": False},
    {"name": "超期督办", "kind": "escalation", "working_days": 1, "to_handlers": True, "to_owners": True, "to_director": True},
]


def seed(apps, schema_editor):
    SupervisionRule = apps.get_model("notify", "SupervisionRule")
    for row in RULES:
        SupervisionRule.objects.get_or_create(name=row["name"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
