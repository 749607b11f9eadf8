"""The default checklist of a hard case's complete dossier (一套完整资料); the administrator edits it in the admin."""

from django.db import migrations

DEFAULT_REQUIREMENTS = [
    ("信访登记表", "来访（来信、来电）登记及信访人提交的材料"),
    ("调查核实材料", "调查笔录、现场照片、相关证据和核查报告"),
    ("包案领导接访记录", "包案领导接谈、下访和约访记录"),
    ("工作专班研判记录", "专班会议纪要、分析研判意见"),
    ("稳控方案", "稳控措施、责任人及回访安排"),
    ("处理意见书及送达回证", "书面处理意见（复查、复核意见）及送达回证"),
    ("化解协议或终结材料", "调解协议书、息诉罢访承诺书或终结认定材料"),
]


def seed(apps, schema_editor):
    DossierRequirement = apps.get_model("leadership", "DossierRequirement")
    for sort, (name, description) in enumerate(DEFAULT_REQUIREMENTS, 1):
        DossierRequirement.objects.get_or_create(name=name, defaults={"description": description, "sort": sort * 10})


class Migration(migrations.Migration):

    dependencies = [("leadership", "0002_hard_cases_and_visits")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
