"""The warning rules of issue 13, as configuration rows an administrator can adjust (grades: 1 红 … 4 蓝)."""

from django.db import migrations

# 越级: an item recorded above and handed back to the responsible unit is handled there lawfully (属地管理、
# 分级负责); the wording states that, never that anyone was stopped.
RULES = [
    {"kind": "group_size", "name": "集体访", "threshold": 5, "window_days": 0, "grade": 2,
     "reason": "集体访：单次来访{n}人"},
    {"kind": "repeat_contacts", "name": "重复来访", "threshold": 3, "window_days": 30, "grade": 3,
     "reason": "近{days}日内来访（来电）{n}次"},
    {"kind": "higher_level", "name": "越级反映", "threshold": 0, "window_days": 0, "grade": 3,
     "reason": "越级反映，已由{organ}{mode}，转回责任单位依法办理"},
    {"kind": "key_person", "name": "重点人员", "threshold": 0, "window_days": 0, "grade": 2,
     "reason": "当事人{name}为重点人员（{group}）"},
    {"kind": "deadline", "name": "期限临近", "threshold": 0, "window_days": 3, "grade": 4,
     "reason": "办理期限临近（{due}截止）"},
    {"kind": "deadline", "name": "已超期", "threshold": 0, "window_days": -1, "grade": 2,
     "reason": "已超过办理期限{late}天（{due}截止）"},
    {"kind": "sensitive_date", "name": "敏感时期", "threshold": 0, "window_days": 0, "grade": 3,
     "reason": "正值敏感时期（{period}），案件尚未办结"},
    {"kind": "mediation_failed", "name": "调解不成", "threshold": 2, "window_days": 0, "grade": 1,
     "reason": "调解不成{n}次，矛盾有激化风险"},
]


def seed(apps, schema_editor):
    WarningRule = apps.get_model("warning", "WarningRule")
    for row in RULES:
        WarningRule.objects.get_or_create(kind=row["kind"], name=row["name"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("warning", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
