"""The statutory clocks of DESIGN.md §3, as configuration rows an administrator can correct."""

from django.db import migrations

# Article numbers as best known from the 信访工作条例 (2022); verify against the official text (DESIGN.md §3).
RULES = [
    {"code": "acceptance", "name": "受理告知期限", "length": 15, "start_event": "register",
         "stop_events": "accept,not_accept,forward", "applies_to": "both",
         "legal_basis": "《信访工作条例》受理告知规定（条文序号待核对）：自收到信访事项之日起15日内书面告知是否受理；姓名（名称）、住址不清的除外"},
    {"code": "handling", "name": "办理期限", "length": 60, "start_event": "accept", "stop_events": "reply,forward", "max_extension_days": 30,
         "legal_basis": "《信访工作条例》第三十五条：自受理之日起60日内办结；经负责人批准可延长，延长不得超过30日"},
    {"code": "review_window", "name": "复查申请期限", "length": 30, "start_event": "reply", "stop_events": "request_review",
         "is_obligation": False, "legal_basis": "《信访工作条例》第三十六条：自收到书面答复之日起30日内请求复查"},
    {"code": "review_decision", "name": "复查办理期限", "length": 30, "start_event": "request_review",
         "stop_events": "decide_review", "legal_basis": "《信访工作条例》第三十六条：自收到复查请求之日起30日内提出复查意见"},
    {"code": "rereview_window", "name": "复核申请期限", "length": 30, "start_event": "decide_review",
         "stop_events": "request_rereview", "is_obligation": False,
         "legal_basis": "《信访工作条例》第三十七条：自收到书面复查意见之日起30日内请求复核"},
    {"code": "rereview_decision", "name": "复核办理期限", "length": 30, "start_event": "request_rereview",
         "stop_events": "decide_rereview", "pause_events": "start_hearing", "resume_events": "end_hearing",
         "legal_basis": "《信访工作条例》第三十七条：自收到复核请求之日起30日内提出复核意见，听证所需时间不计算在内"},
    {"code": "mediation", "name": "调解期限", "length": 30, "start_event": "accept",
         "stop_events": "agree,mediation_failed", "applies_to": "dispute",
         "legal_basis": "《人民调解工作若干规定》第三十四条：调解纠纷一般在一个月内调结"},
]


def seed(apps, schema_editor):
    ClockRule = apps.get_model("clocks", "ClockRule")
    for row in RULES:
        ClockRule.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("clocks", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
