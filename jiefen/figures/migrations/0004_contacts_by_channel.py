"""Each contact counted under its own channel (a call on a visit case is a call): the rows written before count it
under the case's first channel, so they are recounted from the cases here (a new database has none to recount)."""

from django.db import migrations


def recount(apps, schema_editor):
    if not apps.get_model("cases", "Case").objects.exists():
        return
    # The project's own rebuild, which writes the tables as this migration leaves them: a later migration that
    # changes these tables again must make this step a no-op and recount itself.
    from jiefen.figures import rebuild

    rebuild.rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ("figures", "0003_counted_apart"),
    ]

    operations = [
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
