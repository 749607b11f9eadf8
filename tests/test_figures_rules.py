"""The figures follow the rules (issue 12, point 6): 及时受理率 and 按期办结率 over the matters due in the period,
open overdue ones counting against; 办结 without 不予受理 and 转送, which are counted apart; one 化解率 on the page,
per village and in the meeting pack; 受理 apart from 登记.

The period is June 2026 and the figures are read on 2026-07-15 unless said otherwise. A petition's acceptance clock
runs 15 days from registration, its handling clock 60 days from acceptance (both calendar days, the last day moved
past a rest day).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from jiefen.cases.models import Status, StatusGroup
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_close_case,
    do_extend_deadline,
    do_forward_case,
    do_not_accept_case,
    do_sign_for_case,
)
from jiefen.figures import counting, measures, pack, queries, rebuild

from .factories import register, reply_signed_off
from .test_figures import listed

SHANGHAI = ZoneInfo("Asia/Shanghai")
JUNE_START, JUNE_END = dt.date(2026, 6, 1), dt.date(2026, 6, 30)
TODAY = dt.date(2026, 7, 15)
D = dt.date.fromisoformat


def on(day, hour=10):
    return time_machine.travel(dt.datetime.combine(D(day), dt.time(hour), SHANGHAI), tick=False)


def registered(people, org, day, request, **extra):
    with on(day):
        return register(people["clerk"], village=org["village_a"], request=request, **extra)


def accept(people, case, day):
    with on(day, 11):
        do_accept_case(people["leader"], case, expected_version=case.version)


def take_in_hand(people, org, case, day):
    with on(day, 12):
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["land_office"])
        do_sign_for_case(people["land_handler"], case, expected_version=case.version)


def answer_and_close(people, case, day, *, resolved=True):
    """Serve the written answer (it stops the handling clock) and close (办结) on `day`."""
    with on(day, 15):
        reply_signed_off(people["leader"], case, expected_version=case.version, outcome="support", served_on=D(day),
                         content="答复意见")
        do_close_case(people["leader"], case, expected_version=case.version, resolved=resolved)


def figures(user, start=JUNE_START, end=JUNE_END, today=TODAY, **filters):
    with time_machine.travel(dt.datetime.combine(today, dt.time(10), SHANGHAI), tick=False):
        return queries.figures_for(user, start, end, **filters)


def by_code(data):
    return {f["code"]: f for f in data["figures"]}


def assert_counts_equal_a_rebuild():
    assert counting.differences() == []
    assert counting.differences(by_database=True) == []
    rebuild.rebuild()
    assert counting.differences() == []


# ---- 按期办结率: over the matters whose handling deadline fell in the period. ----

@pytest.fixture
def handling(people, org):
    """Three accepted petitions whose 60-day handling clocks run out in June:
    on_time  accepted 04-15, due 06-15 (06-14 is a Sunday), answered 05-20: in time;
    late     accepted 04-12, due 06-11, answered 06-20: after its due date;
    open     accepted 04-10, due 06-09, never answered: still open, past its due date."""
    cases = {}
    for name, day in (("open", "2026-04-10"), ("late", "2026-04-12"), ("on_time", "2026-04-15")):
        cases[name] = registered(people, org, day, name)
        accept(people, cases[name], day)
        take_in_hand(people, org, cases[name], day)
    answer_and_close(people, cases["on_time"], "2026-05-20")
    answer_and_close(people, cases["late"], "2026-06-20")
    return cases


def test_a_case_past_its_handling_deadline_and_still_open_lowers_the_on_time_rate(people, handling):
    on_time = by_code(figures(people["leader"]))["on_time"]
    assert (on_time["value"], on_time["due"], on_time["overdue"], on_time["rate"]) == (1, 3, 1, 33.3)
    assert on_time["note"] == "期限届满 3 件，其中届满仍未办结 1 件"
    # Counted over the finished ones only, the rate would have been 1 of 2.
    assert on_time["rate"] != measures.rate(1, 2)


def test_a_running_clock_counts_only_once_its_due_date_has_passed(people, handling):
    # On 06-09 itself the open case is still in time: only the two answered count. The next day it counts against.
    on_the_day = by_code(figures(people["leader"], today=D("2026-06-09")))["on_time"]
    assert (on_the_day["due"], on_the_day["overdue"], on_the_day["rate"]) == (2, 0, 50.0)
    day_after = by_code(figures(people["leader"], today=D("2026-06-10")))["on_time"]
    assert (day_after["due"], day_after["overdue"], day_after["rate"]) == (3, 1, 33.3)


def test_the_on_time_rate_counts_each_matter_in_the_period_its_deadline_fell_in(people, handling):
    may = by_code(figures(people["leader"], start=D("2026-05-01"), end=D("2026-05-31")))["on_time"]
    assert (may["due"], may["rate"]) == (0, None)  # answered in May, but due in June
    village = figures(people["leader"])["by_place"]["rows"]
    east = next(r for r in village if r["name"] == "东村")
    assert east["on_time_rate"] == 33.3


def test_an_extension_moves_the_handling_deadline_out_of_the_period(people, org, handling):
    case = handling["open"]
    case.refresh_from_db()
    with on("2026-06-05"):
        do_extend_deadline(people["land_handler"], case, expected_version=case.version, days=30,
                           reason="需现场勘查", approver=people["leader"])
    on_time = by_code(figures(people["leader"]))["on_time"]
    assert (on_time["due"], on_time["overdue"], on_time["rate"]) == (2, 0, 50.0)  # now due 07-09
    july = by_code(figures(people["leader"], start=D("2026-07-01"), end=D("2026-07-31")))["on_time"]
    assert (july["due"], july["overdue"], july["rate"]) == (1, 1, 0.0)
    assert_counts_equal_a_rebuild()


# ---- 办结 without 不予受理 and 转送. ----

@pytest.fixture
def outcomes(people, org):
    """In June: one petition closed (not resolved), one not accepted, one forwarded."""
    closed = registered(people, org, "2026-06-01", "closed")
    accept(people, closed, "2026-06-01")
    take_in_hand(people, org, closed, "2026-06-01")
    answer_and_close(people, closed, "2026-06-10", resolved=False)
    refused = registered(people, org, "2026-06-02", "refused")
    with on("2026-06-03"):
        do_not_accept_case(people["leader"], refused, expected_version=refused.version, reason="属于诉讼程序",
                           lawful_channel="向人民法院提起诉讼")
    forwarded = registered(people, org, "2026-06-02", "forwarded")
    with on("2026-06-04"):
        do_forward_case(people["leader"], forwarded, expected_version=forwarded.version, organ="县人力社保局")
    return closed, refused, forwarded


def test_not_accepted_and_forwarded_cases_are_not_closed_but_counted_apart(people, outcomes):
    leader = people["leader"]
    data = figures(leader)
    f = by_code(data)
    assert (f["closed"]["value"], f["not_accepted"]["value"], f["forwarded"]["value"]) == (1, 1, 1)
    assert (f["resolved"]["value"], f["resolved"]["rate"]) == (0, 0.0)  # 0 of the 1 closed, not 0 of 3
    assert f["handling_days"]["value"] == 9.0  # the closed one alone
    assert listed(leader, f["not_accepted"]["url"]) == ["refused"]
    assert listed(leader, f["forwarded"]["url"]) == ["forwarded"]
    assert [listed(leader, part["url"]) for part in f["closed"]["links"]] == [["closed"], []]
    # All three left the stock.
    stock = data["stock"]
    assert (stock["left"], stock["closed"], stock["not_accepted"], stock["forwarded"]) == (3, 1, 1, 1)
    assert (stock["open_start"], stock["received"], stock["open_end"]) == (0, 3, 0)
    assert listed(leader, stock["left_url"]) == ["closed", "forwarded", "refused"]
    assert data["sentence"] == (
        "2026年6月1日至2026年6月30日，登记信访事项和矛盾纠纷 3 件 3 人次，受理 1 件，办结 1 件，化解 0 件；"
        "另不予受理 1 件，转送 1 件。"
    )
    east = next(r for r in data["by_place"]["rows"] if r["name"] == "东村")
    assert (east["closed"], east["not_accepted"], east["forwarded"]) == (1, 1, 1)
    assert listed(leader, east["closed_url"]) == ["closed"]
    june = next(m for m in data["by_month"] if m["month"] == "2026-06")
    assert (june["closed"], june["not_accepted"], june["forwarded"], june["open_end"]) == (1, 1, 1, 0)


def test_the_figures_own_done_group_differs_from_the_lists_on_purpose():
    assert set(measures.DONE) == {Status.CLOSED, Status.FINAL}
    assert set(measures.LEFT_STOCK) == set(StatusGroup.COUNTED_AS_DONE)
    assert set(measures.LEFT_STOCK) == {*measures.DONE, Status.NOT_ACCEPTED, Status.FORWARDED}


# ---- 受理 apart from 登记. ----

def test_a_case_registered_in_one_month_and_accepted_in_the_next_is_registered_then_accepted(people, org):
    case = registered(people, org, "2026-05-28", "later")
    accept(people, case, "2026-06-03")
    may = by_code(figures(people["leader"], start=D("2026-05-01"), end=D("2026-05-31")))
    june = by_code(figures(people["leader"]))
    assert (may["received"]["value"], may["accepted"]["value"]) == (1, 0)
    assert (june["received"]["value"], june["accepted"]["value"]) == (0, 1)
    assert may["received"]["label"] == "登记" and june["accepted"]["label"] == "受理"


# ---- 及时受理率. ----

def test_a_late_acceptance_and_an_undecided_matter_count_against_timely_acceptance(people, org):
    late = registered(people, org, "2026-06-01", "late")  # due 06-16, accepted 06-20
    accept(people, late, "2026-06-20")
    timely = registered(people, org, "2026-06-02", "timely")  # due 06-17, accepted 06-03
    accept(people, timely, "2026-06-03")
    refused = registered(people, org, "2026-06-03", "refused")  # due 06-18, not accepted 06-05: a decision too
    with on("2026-06-05"):
        do_not_accept_case(people["leader"], refused, expected_version=refused.version, reason="不属于受理范围",
                           lawful_channel="申请劳动仲裁")
    registered(people, org, "2026-06-05", "undecided")  # due 06-20, never decided
    registered(people, org, "2026-06-05", "exempt", identity_unknown=True)  # no acceptance clock
    registered(people, org, "2026-06-25", "july")  # due 07-10: July's
    f = by_code(figures(people["leader"]))["timely_acceptance"]
    assert (f["value"], f["due"], f["overdue"], f["rate"]) == (2, 4, 1, 50.0)
    assert f["note"] == "期限届满 4 件，其中届满仍未决定 1 件"
    assert f["rate_label"] == "及时受理率" and "第二十三条" in f["definition"]
    assert_counts_equal_a_rebuild()


# ---- One 化解率. ----

def test_the_resolution_rate_is_the_same_on_the_page_per_village_and_in_the_meeting_pack(client, people, org,
                                                                                         outcomes):
    resolved = registered(people, org, "2026-06-05", "resolved")
    accept(people, resolved, "2026-06-05")
    take_in_hand(people, org, resolved, "2026-06-05")
    answer_and_close(people, resolved, "2026-06-15", resolved=True)
    data = figures(people["leader"])
    rate = by_code(data)["resolved"]["rate"]
    assert rate == 50.0  # 1 of the 2 closed; the refused and the forwarded are no part of it
    assert [r["resolution_rate"] for r in data["by_place"]["rows"] if r["closed"]] == [rate]
    client.force_login(people["leader"])
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), SHANGHAI), tick=False):
        made = pack.assemble(org["town"], JUNE_START, JUNE_END)
        text = client.get(reverse("figures:dashboard"), {"start": "2026-06-01", "end": "2026-06-30"}).content.decode()
    compared = {c["code"]: c for c in made["comparison"]}
    assert compared["resolved_rate"]["now"] == rate and compared["resolved_rate"]["label"] == "化解率"
    assert by_code(made)["resolved"]["rate"] == rate
    assert "化解率 = 实际化解的办结件 ÷ 办结件（办结件含终结，不含不予受理、转送）" in text
    assert "化解率 50.0%" in text


def test_the_incremental_counts_equal_a_rebuild_after_refusals_forwards_and_late_clocks(people, org, handling,
                                                                                       outcomes):
    assert_counts_equal_a_rebuild()
