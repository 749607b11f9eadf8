from django.db import migrations

# An answer the organ above sent back to be handled again (审核报结 not passed, jiefen.cases.steps.upper) is no longer
# the answer a 复查 would be asked of: the window its service opened closes. A new answer opens a new one.
CLOSED_BY = {"review_window": "return_report"}


def update(apps, schema_editor):
    ClockRule = apps.get_model("clocks", "ClockRule")
    for code, event in CLOSED_BY.items():
        rule = ClockRule.objects.filter(code=code).first()
        if rule is None:
            continue
        events = [e for e in rule.stop_events.split(",") if e]
        if event not in events:
            rule.stop_events = ",".join([*events, event])
            rule.save(update_fields=["stop_events"])


class Migration(migrations.Migration):

    dependencies = [
        ("clocks", "0005_rule_channels"),
    ]

    operations = [
        migrations.RunPython(update, migrations.RunPython.noop),
    ]
