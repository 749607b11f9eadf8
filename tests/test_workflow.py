import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases import actions, steps
from jiefen.cases.models import Case, Event, Status
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_close_case,
    do_extend_deadline,
    do_request_review,
    do_sign_for_case,
)

from .factories import register, reply_signed_off

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_petition_goes_from_desk_to_closure(org, people):
    group = [{"name": "陈大山", "role": "representative"}, {"name": "陈小山", "role": "representative"}]
    case = register(people["clerk"], village=org["village_a"], head_count=6, parties=group)
    assert case.status == Status.REGISTERED and case.is_group and case.person_times == 6
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    steps.do_add_note(people["handler"], case, text="走访核实")
    reply_signed_off(people["handler"], case, outcome="support", served_on=timezone.localdate(), content="支持其诉求")
    do_close_case(people["handler"], case, expected_version=case.version, resolved=True)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.resolved is True
    kinds = list(Event.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["register", "accept", "assign", "sign_for", "note", "draft_reply", "sign_off", "reply", "close"]
    assert AuditRecord.objects.filter(object_ref=case.number).count() == 9


def test_a_stale_version_is_refused_and_changes_nothing(org, people):
    case = register(people["clerk"], village=org["village_a"])
    stale = Case.objects.get(pk=case.pk)
    do_accept_case(people["leader"], case, expected_version=case.version)
    with pytest.raises(actions.CaseChanged):
        do_accept_case(people["director"], stale, expected_version=stale.version)
    assert Event.objects.filter(case=case, kind="accept").count() == 1


def test_an_illegal_step_is_refused_with_a_message(org, people):
    case = register(people["clerk"], village=org["village_a"])
    with pytest.raises(actions.ActionError, match="不能执行"):
        do_close_case(people["leader"], case, expected_version=case.version, resolved=True)


def test_a_handler_cannot_accept(org, people):
    case = register(people["clerk"], village=org["village_a"])
    with pytest.raises(actions.ActionError, match="无权"):
        do_accept_case(people["handler"], case, expected_version=case.version)


def test_extension_is_capped_at_thirty_days(org, people):
    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    with pytest.raises(actions.ActionError, match="30"):
        do_extend_deadline(people["handler"], case, expected_version=case.version, days=31, reason="复杂",
                           approver=people["leader"])
    # 第三十四条: 经本机关、单位负责人批准. The village's head is not the head of the organ (the township's
    # government): he may not approve it, whatever his village's role in the handling.
    with pytest.raises(actions.ActionError, match="办理机关负责人"):
        do_extend_deadline(people["handler"], case, expected_version=case.version, days=30, reason="情况复杂",
                           approver=people["handler"])
    do_extend_deadline(people["handler"], case, expected_version=case.version, days=30, reason="情况复杂",
                       approver=people["leader"])
    handling = case.deadlines.get(rule__code="handling")
    assert "延期" in handling.explanation


def _replied_case(org, people, served_on):
    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    reply_signed_off(people["handler"], case, expected_version=case.version, outcome="reject", served_on=served_on,
                  content="不予支持")
    return case


@pytest.mark.parametrize("day, allowed", [(30, True), (31, False)])
def test_review_may_be_requested_on_day_30_but_not_day_31(org, people, day, allowed):
    # Served Tue 2026-06-02: day 30 is Thu 2026-07-02, a working day, so nothing rolls forward.
    with time_machine.travel(dt.datetime(2026, 6, 2, 10, tzinfo=SHANGHAI), tick=False):
        case = _replied_case(org, people, dt.date(2026, 6, 2))
    requested_on = dt.date(2026, 6, 2) + dt.timedelta(days=day)
    with time_machine.travel(dt.datetime.combine(requested_on, dt.time(10), SHANGHAI), tick=False):
        if allowed:
            do_request_review(people["clerk"], case, expected_version=case.version, requested_on=requested_on)
            assert Case.objects.get(pk=case.pk).status == Status.REVIEW_REQUESTED
        else:
            with pytest.raises(actions.ActionError, match="届满"):
                do_request_review(people["clerk"], case, expected_version=case.version, requested_on=requested_on)
            assert Case.objects.get(pk=case.pk).status == Status.REPLIED


def test_editing_a_rule_does_not_move_a_clock_already_running(org, people):
    from jiefen.clocks.models import ClockRule

    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    ClockRule.objects.filter(code="handling").update(length=90)
    do_extend_deadline(people["handler"], case, expected_version=case.version, days=10, reason="情况复杂",
                       approver=people["leader"])
    handling = case.deadlines.get(rule__code="handling")
    assert handling.length == 60 and "+70日" in handling.explanation


@pytest.mark.parametrize("value, message", [
    ("330782196005121239", None),  # 义乌 code, renamed since 1960: still a valid number
    ("11010519491231002x", None),
    ("110105194912310021", "校验位"),
    ("11010519491331002X", "出生日期"),
    ("1101051949123100", "18位"),
])
def test_id_numbers_are_checked_by_their_gb11643_check_digit(value, message):
    from django.core.exceptions import ValidationError

    from jiefen.cases.personal import clean_id_number

    if message is None:
        assert clean_id_number(value) == value.upper()
    else:
        with pytest.raises(ValidationError, match=message):
            clean_id_number(value)


def test_a_grid_mediator_mediates_a_dispute_assigned_to_the_village(org, people):
    from jiefen.cases.steps import do_record_agreement, do_record_mediation_session

    case = register(people["clerk"], village=org["village_a"], kind=Case.Kind.DISPUTE, legal_class="dispute")
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    do_record_mediation_session(people["mediator"], case, held_on=timezone.localdate(), minutes="双方同意协商")
    do_record_agreement(people["mediator"], case, expected_version=case.version, terms="赔偿三千元",
                        signed_on=timezone.localdate())
    assert Case.objects.get(pk=case.pk).status == Status.AGREED


def test_steps_cannot_be_dated_in_the_future_or_before_the_case(org, people):
    from django.utils import timezone

    case = register(people["clerk"], village=org["village_a"])
    with pytest.raises(actions.ActionError, match="晚于当前"):
        do_accept_case(people["leader"], case, expected_version=case.version, at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(actions.ActionError, match="早于案件登记"):
        do_accept_case(
            people["leader"], case, expected_version=case.version, at=case.received_at - dt.timedelta(days=1)
        )
    with pytest.raises(actions.ActionError, match="晚于当前"):
        register(people["clerk"], received_at=timezone.now() + dt.timedelta(days=3))
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_a_later_group_visit_makes_the_case_a_group_case(org, people):
    case = register(people["clerk"], village=org["village_a"], head_count=1)
    actions.do_record_contact(people["clerk"], case, channel="visit", head_count=7)
    case.refresh_from_db()
    assert case.is_group and case.person_times == 8


def test_a_handler_cannot_open_a_case(org, people):
    with pytest.raises(actions.ActionError, match="不能登记"):
        register(people["handler"], village=org["village_a"])
    assert Case.objects.count() == 0


def test_an_accusation_against_a_grid_goes_neither_to_it_nor_to_its_village(org, people):
    from jiefen.cases.access import assignable_units

    case = register(people["clerk"], village=org["village_a"], legal_class="accusation", accused_unit=org["grid_a"])
    units = set(assignable_units(case))
    assert org["village_a"] not in units and org["grid_a"] not in units and org["village_b"] in units
