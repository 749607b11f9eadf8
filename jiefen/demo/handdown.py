"""Items the county's 信访局 handed down to 青山镇 this week: one just sent (the township's 异议 window open), one
answered and reported back (waiting for the county's review), one whose report the county accepted."""

import datetime as dt

from django.utils import timezone

from jiefen.cases.actions.handover import do_hand_down, next_doc_number
from jiefen.cases.actions.intake import Intake
from jiefen.cases.models import Case, Category, Channel, LegalClass
from jiefen.cases.steps import (
    do_accept_case,
    do_accept_report,
    do_assign_case,
    do_draft_reply,
    do_reply_case,
    do_report_back,
    do_sign_for_case,
    do_sign_off,
)
from jiefen.org.models import Unit, User

from .township import CENTRE_CODE

ITEMS = [
    # (petitioner, request, category, how far the township got)
    ("韩秀英", "反映本村土地流转租金三年未兑现，要求村委会按合同支付", "农村土地承包", "sent"),
    ("马国庆", "反映在镇工业园区务工被拖欠工资两个月，要求协调支付", "劳动工资", "reported"),
    ("许丽华", "反映家门口排水沟堵塞，雨天积水进屋，要求疏通", "民生服务", "accepted"),
]


def seed():
    """Hand the items down and take the township's steps on them; returns how many cases were written."""
    county = User.objects.get(username="county")
    town = Unit.objects.get(code=CENTRE_CODE)
    leader, dept = User.objects.get(username="leader"), User.objects.get(username="dept")
    today = timezone.localdate()
    for name, request, category_name, reached in ITEMS:
        category = Category.objects.get(name=category_name)
        intake = Intake.build(
            county, centre=town, kind=Case.Kind.PETITION, channel=Channel.ASSIGNED, legal_class=LegalClass.CLAIM,
            category=category, request=request, parties=[{"name": name}],
        )
        case = do_hand_down(
            county, intake, mode="assign", doc_number=next_doc_number(county), due_on=today + dt.timedelta(days=30),
            requirements="请依法受理，30日内办结并报结，办理结果及时告知信访人",
        )
        if reached == "sent":
            continue
        do_accept_case(leader, case, expected_version=case.version)
        do_assign_case(leader, case, expected_version=case.version, unit=dept.unit)
        do_sign_for_case(dept, case, expected_version=case.version)
        do_draft_reply(dept, case, expected_version=case.version, outcome="support",
                       content="经核实，所反映情况属实。已协调有关单位于本周内解决，请予配合。")
        do_sign_off(leader, case, expected_version=case.version, approved=True)
        do_reply_case(dept, case, expected_version=case.version, served_on=today, service_method="direct")
        do_report_back(leader, case, expected_version=case.version, reported_on=today,
                       result="已受理并调查核实，出具处理意见书（支持）并当面送达，信访人表示满意。")
        if reached == "accepted":
            do_accept_report(county, case, expected_version=case.version, note="办理规范，同意报结。")
    return len(ITEMS)
