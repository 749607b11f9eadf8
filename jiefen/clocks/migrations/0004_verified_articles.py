"""The clock rules' legal basis, each article read against the text (issue 12), with where it was read.

《信访工作条例》 (中共中央、国务院 2022年2月25日发布, 2022年5月1日施行): read in full at LawRefBook/Laws
行政法规/信访工作条例.md (commit c6114ee7), a copy of the published text whose numbering agrees with the
articles 福田区信访局 cites by number (第二十二条第一款, 第二十三条第一款、第三款: szft.gov.cn post_11270908,
post_12295983, post_12403598) and whose 第三十六条 reads as 广东省信访局 quotes it (gdwsxf.gd.gov.cn
post_3962125). Numbers we could not read in such a text are not printed: the one-month mediation period of
《人民调解工作若干规定》 (司法部令第75号) is printed without its article (found as 第三十三条 on a single
non-official copy only).

Also: the 60-day handling limit (第三十四条) is for matters of 第三十一条第六项, the 申诉求决 matters answered
with a 信访处理意见书; 复查 (第三十五条) and 复核 (第三十六条) follow from that opinion. 建议意见 (第二十九条) and
检举控告 (第三十条) matters have none of these clocks.
"""

from django.db import migrations

XFTL = "《信访工作条例》（中共中央、国务院2022年2月25日发布）"
READ_AT = (
    "全文：LawRefBook/Laws 行政法规/信访工作条例.md（c6114ee7），条序与福田区信访局（szft.gov.cn）所引"
    "第二十二条、第二十三条一致"
)

RULES = {
    "acceptance": {
        "legal_basis": "《信访工作条例》第二十三条第二款：对信访人直接提出的信访事项，不能当场告知的，"
                       "应当自收到信访事项之日起15日内书面告知信访人，但信访人的姓名（名称）、住址不清的除外",
        "source": READ_AT + "；第二十三条第一款、第三款见 szft.gov.cn post_12295983、post_12403598",
    },
    "handling": {
        "legal_basis": "《信访工作条例》第三十四条：对第三十一条第六项规定的信访事项应当自受理之日起60日内办结；"
                       "情况复杂的，经本机关、单位负责人批准，可以适当延长办理期限，但延长期限不得超过30日，"
                       "并告知信访人延期理由",
        "legal_classes": "claim",
        "source": READ_AT,
    },
    "review_window": {
        "legal_basis": "《信访工作条例》第三十五条：信访人对信访处理意见不服的，可以自收到书面答复之日起30日内"
                       "请求原办理机关、单位的上一级机关、单位复查",
        "legal_classes": "claim",
        "source": READ_AT,
    },
    "review_decision": {
        "legal_basis": "《信访工作条例》第三十五条：收到复查请求的机关、单位应当自收到复查请求之日起30日内"
                       "提出复查意见，并予以书面答复",
        "legal_classes": "claim",
        "stop_events": "decide_review,review_remand",
        "source": READ_AT,
    },
    "rereview_window": {
        "legal_basis": "《信访工作条例》第三十六条第一款：信访人对复查意见不服的，可以自收到书面答复之日起30日内"
                       "向复查机关、单位的上一级机关、单位请求复核",
        "legal_classes": "claim",
        "source": READ_AT + "；条文另见广东省信访局问答 gdwsxf.gd.gov.cn post_3962125",
    },
    "rereview_decision": {
        "legal_basis": "《信访工作条例》第三十六条第一款、第二款：收到复核请求的机关、单位应当自收到复核请求之日起"
                       "30日内提出复核意见；听证所需时间不计算在期限内",
        "legal_classes": "claim",
        "stop_events": "decide_rereview,review_remand",
        "source": READ_AT + "；条文另见广东省信访局问答 gdwsxf.gd.gov.cn post_3962125",
    },
    "mediation": {
        "name": "调解期限（指导性）",
        "legal_basis": "《人民调解工作若干规定》：人民调解委员会调解纠纷，一般在一个月内调结"
                       "（指导性期限，经当事人同意可以延长，不计超期）",
        "advisory": True,
        "is_obligation": False,
        "source": "司法部令第75号（2002年）；条序未能对照官方文本核实，故不印条号",
    },
}


def update(apps, schema_editor):
    ClockRule = apps.get_model("clocks", "ClockRule")
    for code, fields in RULES.items():
        ClockRule.objects.filter(code=code).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("clocks", "0003_organs")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
