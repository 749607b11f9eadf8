"""The daily aggregates move with every action, and always equal a full recount."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.db.models import Sum

from jiefen.cases.actions import do_record_contact
from jiefen.cases.models import Channel
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_close_case,
    do_sign_for_case,
)
from jiefen.figures import counting
from jiefen.figures.models import DailyFigure, HandlingDays, MonthFigure

from .factories import register, reply_signed_off

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), SHANGHAI)


def on(day, hour=10):
    """Freeze the clock at `hour` o'clock of `day`, Shanghai time."""
    return time_machine.travel(at(day, hour), tick=False)


def handle(people, org, case, day, *, resolved=True, served_late=False):
    """Take a petition from registered to closed on `day`: accept, assign, sign for, reply, close."""
    with on(day, 9):
        do_accept_case(people["leader"], case, expected_version=case.version)
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["land_office"])
        do_sign_for_case(people["land_handler"], case, expected_version=case.version)
        reply_signed_off(people["leader"], case, expected_version=case.version, outcome="support", served_on=day,
                      content="答复")
        do_close_case(people["leader"], case, expected_version=case.version, resolved=resolved)
    return case


def test_registering_and_closing_a_case_moves_the_figures_and_matches_a_recount(people, org):
    with time_machine.travel(at(dt.date(2026, 3, 2)), tick=False):
        case = register(people["clerk"], village=org["village_a"], head_count=3)
        do_record_contact(people["clerk"], case, channel=Channel.CALL, head_count=2)
    handle(people, org, case, dt.date(2026, 3, 20))
    assert counting.differences() == []
    # The case moved from no unit to the land office when it was signed for: its row moved with it.
    # Each contact counts under its own channel: the visit of 3 people, then a call of 2 (issue 13, point 3).
    days = DailyFigure.objects.filter(day=dt.date(2026, 3, 2), unit_id=org["land_office"].pk)
    assert {d.channel: (d.received, d.repeat, d.contacts, d.persons) for d in days} == {
        Channel.VISIT: (1, 1, 1, 3), Channel.CALL: (0, 0, 1, 2),
    }
    assert not DailyFigure.objects.filter(unit_id=0).exclude(received=0, contacts=0, persons=0).exists()
    land = org["land_office"].pk
    closed = DailyFigure.objects.get(day=dt.date(2026, 3, 20), unit_id=land)
    # Accepted on day 18 and closed the same day: 受理 and 办结 both count on 03-20.
    assert (closed.accepted, closed.closed, closed.resolved, closed.closed_single, closed.handling_days) == (
        1,
        1,
        1,
        0,
        18,
    )
    # The 15-day acceptance clock ran out on 03-17 and was met late: counted on its due day, not in time.
    due = DailyFigure.objects.get(day=dt.date(2026, 3, 17), unit_id=land)
    assert (due.acceptance_decided, due.acceptance_timely) == (1, 0)
    # The 60-day handling clock (due 05-19) was met by the reply of 03-20: counted on 05-19, on time.
    handled = DailyFigure.objects.get(day=dt.date(2026, 5, 19), unit_id=land)
    assert (handled.handling_done, handled.handling_on_time) == (1, 1)
    march = MonthFigure.objects.filter(month=dt.date(2026, 3, 1)).aggregate(
        *(Sum(c) for c in ("received", "accepted", "closed", "persons", "acceptance_decided"))
    )
    assert list(march.values()) == [1, 1, 1, 5, 1]
    assert HandlingDays.objects.get().days == 18
