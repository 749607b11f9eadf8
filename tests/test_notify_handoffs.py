"""Issue 13, point 5 (the hand-overs): whoever a step hands work to is told, once, in the app and the outbox."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_draft_reply,
    do_report_back,
    do_return_case,
    do_return_report,
    do_sign_for_case,
    do_sign_off,
)
from jiefen.leadership.steps import do_assign_owner
from jiefen.notify.models import Delivery, Notification
from jiefen.notify.supervision import supervise

from .factories import county_clerk, hand_down, register, reply_signed_off


def titles(user):
    return [n.title for n in Notification.objects.filter(recipient=user).order_by("id")]


@pytest.fixture
def assigned(org, people):
    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    return case


def test_a_hand_over_tells_the_unit_to_sign_for_it_and_a_return_tells_the_leadership(org, people, assigned):
    assert titles(people["handler"]) == [f"交办待签收：{assigned.number}（要求解决拖欠工资问题），请及时签收办理"]
    assert Delivery.objects.filter(notification__recipient=people["handler"]).exists()
    assert titles(people["other_handler"]) == []
    do_return_case(people["handler"], assigned, expected_version=assigned.version, reason="不属于本村")
    for who in ("director",):
        assert any(t.startswith(f"退回：{assigned.number}") and "不属于本村" in t for t in titles(people[who]))
    # The leader who handed it over is told too; nobody is told of their own step.
    assert any(t.startswith("退回") for t in titles(people["leader"]))
    assert not any(t.startswith("退回") for t in titles(people["handler"]))


def test_a_draft_asks_the_organs_head_to_sign_off_and_a_refusal_goes_back_to_the_drafter(org, people, assigned):
    handler, leader = people["handler"], people["leader"]
    do_sign_for_case(handler, assigned, expected_version=assigned.version)
    do_draft_reply(handler, assigned, expected_version=assigned.version, outcome="support", content="支持")
    assert f"待审签：{assigned.number}的书面答复已拟写，请审签" in titles(leader)
    do_sign_off(leader, assigned, expected_version=assigned.version, approved=False, comment="事实部分再核实")
    assert any(t.startswith("审签退回") and "事实部分再核实" in t for t in titles(handler))


def test_the_leader_named_to_own_a_case_is_told(org, people, assigned):
    do_assign_owner(people["director"], assigned, expected_version=assigned.version, leader=people["leader"])
    assert any(t.startswith(f"包案：您已被确定为{assigned.number}") for t in titles(people["leader"]))


def test_a_new_online_petition_is_told_to_the_desk_but_not_a_visit(org, people):
    register(people["clerk"], village=org["village_a"])
    assert titles(people["leader"]) == []
    case = register(people["clerk"], village=org["village_a"], channel="online")
    assert f"新的网上信访：{case.number}（要求解决拖欠工资问题），请及时处理" in titles(people["leader"])
    assert titles(people["clerk"]) == []  # who registered it is not told of it


def test_items_handed_down_and_their_reports_reach_the_right_desks(org, people):
    county = county_clerk(org)
    case = hand_down(county, org["town"], village=org["village_a"])
    for who in ("clerk", "leader", "director"):
        assert any(t.startswith("上级交办：青山县人民政府") for t in titles(people[who])), who
    assert titles(people["outsider"]) == []
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    reply_signed_off(people["handler"], case, outcome="support", served_on=timezone.localdate(), content="支持")
    do_report_back(people["leader"], case, expected_version=case.version, reported_on=timezone.localdate(),
                   result="已解决")
    assert any(t.startswith("待审核报结：青山镇报结") for t in titles(county))
    do_return_report(county, case, expected_version=case.version, reason="未附送达回证",
                     due_on=timezone.localdate() + dt.timedelta(days=10))
    assert any(t.startswith(f"退回重办：{case.number}") for t in titles(people["director"]))


def test_one_who_stays_out_of_the_case_is_told_nothing(org, people):
    from jiefen.cases.steps import do_recuse

    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_recuse(people["leader"], case, person=people["handler"], reason="近亲属")
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    assert titles(people["handler"]) == []


def test_a_step_entered_long_after_the_fact_tells_no_one(org, people):
    long_ago = timezone.now() - dt.timedelta(days=20)
    case = register(people["clerk"], village=org["village_a"], received_at=long_ago)
    do_accept_case(people["leader"], case, expected_version=case.version, at=long_ago)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"], at=long_ago)
    assert titles(people["handler"]) == []


def test_a_hand_over_not_signed_for_by_the_next_working_day_reminds_the_unit_once(org, people):
    """签收 due: handed over on Friday 2026-06-05, not signed for by the end of Monday (the next working day): on
    Tuesday the unit's handlers are reminded, once, however often the round runs; a case signed for reminds no
    one."""
    friday = timezone.make_aware(dt.datetime(2026, 6, 5, 10, 0))
    with time_machine.travel(friday, tick=False):
        case = register(people["clerk"], village=org["village_a"])
        signed = register(people["clerk"], village=org["village_a"], request="另一件")
        for c in (case, signed):
            do_accept_case(people["leader"], c, expected_version=c.version)
            do_assign_case(people["leader"], c, expected_version=c.version, unit=org["village_a"])
        do_sign_for_case(people["handler"], signed, expected_version=signed.version)
        supervise(now=friday + dt.timedelta(hours=6))
    assert not any(t.startswith("待签收超期") for t in titles(people["handler"]))
    monday = friday + dt.timedelta(days=3)
    with time_machine.travel(monday, tick=False):
        supervise(now=monday + dt.timedelta(hours=7))
    assert not any(t.startswith("待签收超期") for t in titles(people["handler"]))
    tuesday = monday + dt.timedelta(days=1)
    with time_machine.travel(tuesday, tick=False):
        supervise(now=tuesday)
        supervise(now=tuesday + dt.timedelta(hours=1))
    overdue = [t for t in titles(people["handler"]) if t.startswith("待签收超期")]
    assert overdue == [f"待签收超期：{case.number}于2026-06-05（周五）交办，至今未签收，请即签收办理"]
    assert titles(people["other_handler"]) == []  # another village's handler
