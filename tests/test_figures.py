"""The figures of a period, on hand-built cases where every figure is known in advance, and the case lists
behind them.

The period is May 2026; the clock stands at 2026-06-15 when the figures are read. The cases:

  A  registered 04-10, 东村, never accepted: open at the start and at the end (51 days old at 05-31).
  B  registered 05-03, 东村, 3 people; again 05-10 with 2; accepted 05-03, closed 05-20, resolved, 满意.
  C  registered 05-31 at 23:30, 西村, by phone: the last minutes of the period count.
  D  registered 06-01 at 00:10: after the period.
  E  registered 01-05, 西村, open; a contact on 05-15 with 4 people (146 days old at 05-31).
  F  registered 04-20, closed 05-05, reopened by a review request on 05-25: open again, not closed in May.
  G  registered 05-12 in 东村, moved to 西村 on 05-13 (更正属地).

So in May: registered B, C, G = 3; accepted B = 1 (F was accepted in April); person-times 3 + 2 + 1 + 4 + 1 = 11
in 5 contacts; closed B = 1 (resolved, two contacts); open at the start A, E, F = 3; open at the end A, C, E, F,
G = 5 (3 + 3 − 1); by age at 05-31: under 30 days C, G; 30–60 A, F; 60–90 none; over 90 E.
Acceptance clocks (15 days) due in May: F (decided on its first day), B (likewise) and G (never decided: it counts
against) = 2 timely of 3; A's ran out in April and C's runs into June. No handling clock (60 days) falls in May.
"""

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import QueryDict

from jiefen.audit.models import AuditRecord
from jiefen.cases import queries as case_queries
from jiefen.cases.actions import do_case_action, do_record_contact
from jiefen.cases.forms import CaseFilterForm
from jiefen.cases.models import Channel, Event
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_close_case,
    do_correct_place,
    do_request_review,
    do_sign_for_case,
)
from jiefen.figures import counting, queries

from .factories import register, reply_signed_off

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAY_START, MAY_END = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
TODAY = dt.date(2026, 6, 15)


def on(day, hour=10, minute=0):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI), tick=False)


def accept(people, case, day):
    with on(day, 11):
        do_accept_case(people["leader"], case, expected_version=case.version)


def finish(people, org, case, day, *, resolved=True):
    """Assign, sign for, reply and close an accepted petition on `day`."""
    with on(day, 15):
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["land_office"])
        do_sign_for_case(people["land_handler"], case, expected_version=case.version)
        reply_signed_off(people["leader"], case, expected_version=case.version, outcome="support", served_on=day,
                      content="答复意见")
        do_close_case(people["leader"], case, expected_version=case.version, resolved=resolved)


@pytest.fixture
def may(people, org):
    clerk = people["clerk"]
    cases = {}
    with on(dt.date(2026, 1, 5)):
        cases["E"] = register(clerk, village=org["village_b"], request="E")
    with on(dt.date(2026, 4, 10)):
        cases["A"] = register(clerk, village=org["village_a"], request="A")
    with on(dt.date(2026, 4, 20)):
        cases["F"] = register(clerk, village=org["village_a"], request="F")
    accept(people, cases["F"], dt.date(2026, 4, 20))
    finish(people, org, cases["F"], dt.date(2026, 5, 5), resolved=False)
    with on(dt.date(2026, 5, 3)):
        cases["B"] = register(clerk, village=org["village_a"], head_count=3, request="B")
    accept(people, cases["B"], dt.date(2026, 5, 3))
    with on(dt.date(2026, 5, 10)):
        do_record_contact(clerk, cases["B"], channel=Channel.VISIT, head_count=2)
    with on(dt.date(2026, 5, 12)):
        cases["G"] = register(clerk, village=org["village_a"], request="G")
    with on(dt.date(2026, 5, 13)):
        do_correct_place(people["leader"], cases["G"], expected_version=cases["G"].version, village=org["village_b"],
                         reason="实际属西村")
    with on(dt.date(2026, 5, 15)):
        do_record_contact(clerk, cases["E"], channel=Channel.VISIT, head_count=4)
    finish(people, org, cases["B"], dt.date(2026, 5, 20))
    with on(dt.date(2026, 5, 22)):
        do_case_action(clerk, cases["B"], "satisfaction", rating="满意", source="callback")
    with on(dt.date(2026, 5, 25)):
        do_request_review(clerk, cases["F"], expected_version=cases["F"].version, requested_on=dt.date(2026, 5, 25))
    with on(MAY_END, 23, 30):
        cases["C"] = register(clerk, village=org["village_b"], channel=Channel.CALL, request="C")
    with on(dt.date(2026, 6, 1), 0, 10):
        cases["D"] = register(clerk, village=org["village_b"], request="D")
    for case in cases.values():
        case.refresh_from_db()
    return cases


def figures(user, start=MAY_START, end=MAY_END, **filters):
    with on(TODAY):
        return queries.figures_for(user, start, end, **filters)


def by_code(data):
    return {f["code"]: f for f in data["figures"]}


def listed(user, url):
    """The case numbers of the case list behind a figure's link, as the case list page selects them."""
    params = QueryDict(urlsplit(url).query)
    form = CaseFilterForm(params, user=user)
    assert form.is_valid(), form.errors
    with on(TODAY):
        rows = case_queries.case_list(user, **form.filters())
        return sorted(r["request"] for r in rows[: rows.count()])


def test_each_figure_of_may_is_what_the_cases_say(people, may):
    data = figures(people["leader"])
    f = by_code(data)
    assert f["received"]["value"] == 3
    assert f["accepted"]["value"] == 1
    assert f["persons"]["value"] == 11
    assert f["contacts"]["value"] == 5
    assert f["closed"]["value"] == 1
    assert (f["not_accepted"]["value"], f["forwarded"]["value"]) == (0, 0)
    assert (f["resolved"]["value"], f["resolved"]["rate"]) == (1, 100.0)
    timely = f["timely_acceptance"]
    assert (timely["value"], timely["due"], timely["overdue"], timely["rate"]) == (2, 3, 1, 66.7)
    assert (f["on_time"]["value"], f["on_time"]["due"], f["on_time"]["rate"]) == (0, 0, None)
    assert (f["handling_days"]["value"], f["handling_days"]["p90"]) == (17.0, 17)
    assert (f["satisfaction"]["value"], f["satisfaction"]["answers"], f["satisfaction"]["satisfied"]) == (100.0, 1, 1)
    assert (f["single"]["value"], f["single"]["count"]) == (0.0, 0)
    assert (f["repeat"]["value"], f["repeat"]["count"]) == (33.3, 1)
    stock = data["stock"]
    assert (stock["open_start"], stock["received"], stock["closed"], stock["open_end"]) == (3, 3, 1, 5)
    assert [b["value"] for b in stock["backlog_by_age"]] == [2, 2, 0, 1]
    assert (
        data["sentence"]
        == "2026年5月1日至2026年5月31日，登记信访事项和矛盾纠纷 3 件 11 人次，受理 1 件，办结 1 件，化解 1 件。"
    )


def test_every_figure_links_to_exactly_the_cases_behind_it(people, may):
    leader = people["leader"]
    data = figures(leader)
    f = by_code(data)
    assert listed(leader, f["received"]["url"]) == ["B", "C", "G"]
    assert listed(leader, f["persons"]["url"]) == ["B", "C", "E", "G"]
    assert [(part["label"], listed(leader, part["url"])) for part in f["closed"]["links"]] == [
        ("已办结", ["B"]), ("已终结", []),
    ]
    assert listed(leader, f["not_accepted"]["url"]) == listed(leader, f["forwarded"]["url"]) == []
    assert listed(leader, f["resolved"]["url"]) == ["B"]
    assert listed(leader, f["satisfaction"]["url"]) == ["B"]
    assert listed(leader, f["repeat"]["url"]) == ["B"]
    # No case-list filter selects by acceptance date or by a clock's due date: those figures link nowhere.
    assert [code for code, figure in f.items() if figure["url"] is None] == [
        "accepted", "closed", "timely_acceptance", "on_time", "handling_days", "single",
    ]
    stock = data["stock"]
    assert listed(leader, stock["open_start_url"]) == ["A", "E", "F"]
    assert listed(leader, stock["open_end_url"]) == ["A", "C", "E", "F", "G"]
    ages = {b["code"]: listed(leader, b["url"]) for b in stock["backlog_by_age"]}
    assert ages == {"under30": ["C", "G"], "d30_60": ["A", "F"], "d60_90": [], "over90": ["E"]}
    for b in stock["backlog_by_age"]:
        assert len(ages[b["code"]]) == b["value"]


def test_villages_count_a_moved_case_where_it_is_now_and_link_to_their_overdue_cases(people, org, may):
    leader = people["leader"]
    rows = {r["name"]: r for r in figures(leader)["by_place"]["rows"]}
    assert (rows["东村"]["received"], rows["东村"]["closed"]) == (1, 1)
    assert (rows["西村"]["received"], rows["西村"]["closed"]) == (2, 0)
    assert listed(leader, rows["西村"]["received_url"]) == ["C", "G"]
    for row in rows.values():
        assert len(listed(leader, row["overdue_url"])) == row["overdue"]
        assert len(listed(leader, row["open_url"])) == row["open_now"]
    assert rows["东村"]["overdue"] >= 1  # A was never accepted: its 15-day acceptance clock ran out
    village_b = figures(leader, village=org["village_b"])
    assert by_code(village_b)["received"]["value"] == 2
    assert village_b["stock"]["open_end"] == 3  # C, E, G


def test_a_case_reopened_by_review_is_open_again_and_not_closed_in_the_month_it_was_first_closed(people, may):
    f = by_code(figures(people["leader"]))
    assert f["closed"]["value"] == 1  # B only: F's closing of 05-05 was undone by the review request
    assert Event.objects.filter(case=may["F"], kind="close").exists()
    assert "F" in listed(people["leader"], figures(people["leader"])["stock"]["open_end_url"])


def test_period_boundaries_are_local_days(people, may):
    assert by_code(figures(people["leader"], start=MAY_END, end=MAY_END))["received"]["value"] == 1  # C at 23:30
    june_first = by_code(figures(people["leader"], start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 1)))
    assert june_first["received"]["value"] == 1  # D at 00:10
    data = figures(people["leader"], start=dt.date(2026, 5, 20), end=dt.date(2026, 6, 14))
    assert data["stock"]["open_start"] == 5  # A, B (closed 05-20, so open at the end of 05-19), E, F, G
    assert by_code(data)["closed"]["value"] == 1


def test_a_channel_filter_reads_as_the_townships_report(people, may):
    data = figures(people["leader"], channel=Channel.VISIT)
    assert data["sentence"].startswith("2026年5月1日至2026年5月31日，接待来访 2 件 10 人次")
    assert data["channels"] == [{"code": "visit", "name": "来访"}]


def test_the_aggregates_equal_a_recount_after_all_of_it(may):
    assert counting.differences() == []
    assert counting.differences(by_database=True) == []


def test_a_rebuild_in_the_database_writes_the_same_figures_the_actions_kept(people, may):
    from jiefen.figures import rebuild

    before = figures(people["leader"])
    rebuild.rebuild()
    assert counting.differences() == []
    assert figures(people["leader"]) == before
    counting.rebuild()  # the Python rebuild, township by township
    assert counting.differences() == []


def test_the_county_sees_each_township_side_by_side(people, may):
    data = figures(people["supervisor"])
    assert data["by_place"]["level"] == "centre"
    rows = {r["name"]: r for r in data["by_place"]["rows"]}
    assert rows["青山镇"]["received"] == 3 and rows["白水镇"]["received"] == 0
    assert listed(people["supervisor"], rows["青山镇"]["received_url"]) == ["B", "C", "G"]


def test_handlers_and_grid_workers_read_no_figures(people):
    from django.core.exceptions import PermissionDenied

    for persona in ("handler", "mediator"):
        with pytest.raises(PermissionDenied):
            queries.figures_for(people[persona], MAY_START, MAY_END)


def test_correcting_the_place_is_one_step_with_its_audit_row(people, org, may):
    event = Event.objects.get(case=may["G"], kind="correct_place")
    assert event.data == {"from": org["village_a"].pk, "to": org["village_b"].pk}
    assert AuditRecord.objects.filter(action="case.correct_place", object_ref=may["G"].number).count() == 1
    assert may["G"].village == org["village_b"]


def test_percentile_is_nearest_rank():
    assert queries.percentile({}, 90) is None
    assert queries.percentile({1: 9, 100: 1}, 90) == 1
    assert queries.percentile({1: 8, 100: 2}, 90) == 100


def test_each_contact_counts_under_its_own_channel_and_links_to_its_cases(people, may):
    """A call on a visit case is a call: 接待来访 counts the visits' person-times only, 来电 the calls', and each
    figure's link lists the cases with a contact of that channel (issue 13, point 3)."""
    leader, clerk = people["leader"], people["clerk"]
    with on(dt.date(2026, 5, 16)):
        do_record_contact(clerk, may["A"], channel=Channel.CALL, head_count=2)  # A came in as a visit in April
    visits = figures(leader, channel=Channel.VISIT)
    calls = figures(leader, channel=Channel.CALL)
    assert (by_code(visits)["received"]["value"], by_code(visits)["persons"]["value"]) == (2, 10)
    assert (by_code(calls)["received"]["value"], by_code(calls)["persons"]["value"]) == (1, 3)
    assert by_code(figures(leader))["persons"]["value"] == 13  # every contact once, whatever the channel
    assert visits["sentence"].startswith("2026年5月1日至2026年5月31日，接待来访 2 件 10 人次")
    assert listed(leader, by_code(calls)["persons"]["url"]) == ["A", "C"]
    assert listed(leader, by_code(visits)["persons"]["url"]) == ["B", "E", "G"]
    assert listed(leader, by_code(calls)["received"]["url"]) == ["C"]
