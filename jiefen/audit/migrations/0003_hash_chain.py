"""Number the existing audit records and chain them by hash; add the chain head."""

import django.utils.timezone
from django.db import migrations, models

GENESIS_HASH = "0" * 64


def chain_existing(apps, schema_editor):
    from jiefen.audit.chain import digest

    AuditRecord = apps.get_model("audit", "AuditRecord")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    seq, prev, last_id = 0, GENESIS_HASH, 0
    while batch := list(AuditRecord.objects.filter(id__gt=last_id).order_by("id")[:2000]):
        for record in batch:
            seq += 1
            record.seq, record.prev_hash = seq, prev
            record.hash = prev = digest(record)
        AuditRecord.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
        last_id = batch[-1].id
    AuditChainHead.objects.create(pk=1, last_seq=seq, last_hash=prev)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditrecord",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="auditrecord", name="seq", field=models.BigIntegerField(null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditrecord", name="prev_hash",
            field=models.CharField(default="", max_length=64, verbose_name="前一条哈希"), preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditrecord", name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="哈希"), preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("last_seq", models.BigIntegerField(default=0, verbose_name="最后序号")),
                ("last_hash", models.CharField(default=GENESIS_HASH, max_length=64, verbose_name="最后哈希")),
                ("first_seq", models.BigIntegerField(default=1, verbose_name="首条序号")),
                ("anchor_hash", models.CharField(default=GENESIS_HASH, max_length=64, verbose_name="首条之前的哈希")),
                ("purged_before", models.DateTimeField(blank=True, null=True, verbose_name="已清理至")),
                ("rebuilt_at", models.DateTimeField(blank=True, null=True, verbose_name="链头重建时间")),
            ],
            options={"verbose_name": "审计链头", "verbose_name_plural": "审计链头"},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditrecord", name="seq", field=models.BigIntegerField(unique=True, verbose_name="序号"),
        ),
        migrations.AlterModelOptions(
            name="auditrecord",
            options={"ordering": ["-seq"], "verbose_name": "审计记录", "verbose_name_plural": "审计记录"},
        ),
    ]
