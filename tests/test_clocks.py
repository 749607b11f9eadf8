"""The statutory clocks: counting by 民法典 第二百零一条、第二百零三条 on the official schedule, the Deadline rows the
actions keep, and loading a year's schedule by command and admin page."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from jiefen.audit.models import AuditRecord
from jiefen.cases import actions
from jiefen.cases.actions import do_recompute_deadlines
from jiefen.cases.models import Case, Deadline, Event
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_decide_review,
    do_end_hearing,
    do_extend_deadline,
    do_request_rereview,
    do_request_review,
    do_sign_for_case,
    do_start_hearing,
)
from jiefen.clocks.calendar import WorkCalendar, compute_due
from jiefen.clocks.loading import format_schedule, load_year, parse_schedule
from jiefen.clocks.models import ClockRule, HolidayDay, HolidayYear
from jiefen.org.models import User

from .factories import HIGHER, register, reply_signed_off

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date.fromisoformat

# The 2026 schedule as the State Council published it, typed in by hand: the oracle below is built from this list
# alone, independent of chinesecalendar, of the engine and of the loader.
PUBLISHED_2026 = [
    ("2026-01-01", "2026-01-03", "元旦", "休"),
    ("2026-01-04", "2026-01-04", "元旦", "班"),
    ("2026-02-14", "2026-02-14", "春节", "班"),
    ("2026-02-15", "2026-02-23", "春节", "休"),
    ("2026-02-28", "2026-02-28", "春节", "班"),
    ("2026-04-04", "2026-04-06", "清明节", "休"),
    ("2026-05-01", "2026-05-05", "劳动节", "休"),
    ("2026-05-09", "2026-05-09", "劳动节", "班"),
    ("2026-06-19", "2026-06-21", "端午节", "休"),
    ("2026-09-20", "2026-09-20", "国庆节", "班"),
    ("2026-09-25", "2026-09-27", "中秋节", "休"),
    ("2026-10-01", "2026-10-07", "国庆节", "休"),
    ("2026-10-10", "2026-10-10", "国庆节", "班"),
]
PUBLISHED_2026_TEXT = "\n".join(
    f"{first} {name} {kind}" if first == last else f"{first}~{last} {name} {kind}"
    for first, last, name, kind in PUBLISHED_2026
)

# Illustrative only: the official 2027 schedule is published late in 2026, after chinesecalendar 1.11.0.
SCHEDULE_2027 = """\
2027-01-01~2027-01-03 元旦 休
2027-02-07 春节 班
2027-02-10~2027-02-17 春节 休
2027-02-20 春节 班
"""
SOURCE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"


def _span(first, last):
    first, last = D(first), D(last)
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


OFF_2026 = set().union(*(_span(f, t) for f, t, _n, kind in PUBLISHED_2026 if kind == "休"))
ON_2026 = set().union(*(_span(f, t) for f, t, _n, kind in PUBLISHED_2026 if kind == "班"))


def oracle_working(day):
    return day in ON_2026 or (day.weekday() < 5 and day not in OFF_2026)


def oracle_due(start, days):
    """The last day of a calendar-day period: start day not counted, a non-working last day moves to the next."""
    day = start + dt.timedelta(days=days)
    while not oracle_working(day):
        day += dt.timedelta(days=1)
    return day


def oracle_working_due(start, days):
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        counted += oracle_working(day)
    return day


def on(day, hour=10):
    """Freeze the clock at `hour` o'clock Shanghai time on `day` (a date or an ISO string)."""
    day = D(day) if isinstance(day, str) else day
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), SHANGHAI), tick=False)


def deadline(case, code):
    return Deadline.objects.filter(case=case, rule__code=code).order_by("-id").first()


def fresh(case):
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def director(people):
    """The centre director with admin access: the one who loads the schedule and corrects clock rules."""
    user = people["director"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def accepted_case(org, people, day):
    """A petition registered and accepted on `day`, assigned to village A: its handling clock starts that day."""
    with on(day):
        case = register(people["clerk"], village=org["village_a"])
        do_accept_case(people["leader"], case, expected_version=case.version)
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
        do_sign_for_case(people["handler"], case, expected_version=case.version)
    return case


# ---------------------------------------------------------------------------------------------------------------
# compute_due: counting on the official schedule


@pytest.mark.django_db
def test_the_start_day_is_not_counted():
    one_day = compute_due(D("2026-06-02"), 1)
    thirty = compute_due(D("2026-06-02"), 30)
    assert one_day.due == D("2026-06-03")
    assert thirty.due == thirty.nominal_end == D("2026-07-02")
    assert thirty.steps[0] == "起算日 2026-06-02（周二），当日不计入"
    assert "+30日 → 名义末日 2026-07-02（周四）" in thirty.explanation
    assert thirty.warning == ""


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["2026-09-16", "2026-09-18", "2026-09-19", "2026-09-22"])
def test_a_period_ending_in_the_national_day_holiday_ends_on_october_8(start):
    due = compute_due(D(start), 15)
    nominal = D(start) + dt.timedelta(days=15)
    assert D("2026-10-01") <= due.nominal_end == nominal <= D("2026-10-07")
    assert due.due == D("2026-10-08")
    assert f"名义末日 {nominal:%Y-%m-%d}" in due.explanation
    assert due.explanation.endswith("末日为国庆节，顺延 → 2026-10-08（周四）")


@pytest.mark.django_db
@pytest.mark.parametrize("start, weekday", [("2026-07-03", "周六"), ("2026-07-04", "周日")])
def test_a_weekend_last_day_rolls_to_monday(start, weekday):
    due = compute_due(D(start), 15)
    assert due.due == D("2026-07-20")
    assert f"末日为{weekday}，顺延 → 2026-07-20（周一）" in due.explanation


@pytest.mark.django_db
@pytest.mark.parametrize("start, length, last_day", [
    ("2026-09-05", 15, "2026-09-20"),  # a Sunday worked before National Day
    ("2026-09-25", 15, "2026-10-10"),  # a Saturday worked after it
    ("2026-09-10", 30, "2026-10-10"),
])
def test_a_make_up_working_day_is_a_working_last_day(start, length, last_day):
    due = compute_due(D(start), length)
    assert D(last_day).weekday() >= 5
    assert due.due == due.nominal_end == D(last_day)
    assert "顺延" not in due.explanation


@pytest.mark.django_db
def test_a_make_up_working_day_is_named_as_such():
    calendar = WorkCalendar([2026])
    for day in ("2026-09-20", "2026-10-10"):
        info = calendar.day(D(day))
        assert (info.working, info.name, info.known) == (True, "调休上班", True)
    assert calendar.day(D("2026-10-11")).name == "周日"
    assert calendar.day(D("2026-10-09")).name == ""
    assert calendar.day(D("2026-10-03")).name == "国庆节"


@pytest.mark.django_db
def test_a_loaded_make_up_working_day_is_named_as_such(director):
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)
    info = WorkCalendar([2027]).day(D("2027-02-07"))
    assert (info.working, info.name, info.known) == (True, "调休上班", True)


@pytest.mark.django_db
@pytest.mark.parametrize("start, length, last_day", [
    ("2026-09-18", 5, "2026-09-24"),  # counts Sunday 09-20, a make-up working day
    ("2026-09-28", 5, "2026-10-10"),  # skips 10-01..10-07, counts Saturday 10-10
    ("2026-09-24", 1, "2026-09-28"),  # skips the Mid-autumn Friday and the weekend
])
def test_working_day_periods_count_make_up_days_and_skip_holidays(start, length, last_day):
    due = compute_due(D(start), length, "working")
    assert due.due == D(last_day) == oracle_working_due(D(start), length)
    assert due.explanation.endswith(
        f"计 {length} 个工作日 → 末日 {due.due:%Y-%m-%d}（周{'一二三四五六日'[due.due.weekday()]}）"
    )


@pytest.mark.django_db
def test_every_start_day_of_2026_agrees_with_the_oracle():
    calendar = WorkCalendar([2026, 2027])
    checked = 0
    for offset in range(365):
        start = D("2026-01-01") + dt.timedelta(days=offset)
        for length in (1, 15, 30, 60):
            expected = oracle_due(start, length)
            if expected.year == 2026:
                assert compute_due(start, length, calendar=calendar).due == expected, (start, length)
                checked += 1
        for length in (5, 15):
            expected = oracle_working_due(start, length)
            if expected.year == 2026:
                assert compute_due(start, length, "working", calendar=calendar).due == expected, (start, length)
                checked += 1
    assert checked > 2000


@pytest.mark.django_db
def test_a_loaded_year_replaces_the_library_schedule(director):
    # Loading the published 2026 schedule changes nothing...
    load_year(2026, PUBLISHED_2026_TEXT, "国办发明电〔2025〕7号", director)
    calendar = WorkCalendar([2026])
    for offset in range(330):
        start = D("2026-01-01") + dt.timedelta(days=offset)
        assert compute_due(start, 15, calendar=calendar).due == oracle_due(start, 15), start
    # ...and a correction of it wins over chinesecalendar.
    corrected = PUBLISHED_2026_TEXT.replace("2026-10-01~2026-10-07 国庆节 休", "2026-10-01~2026-10-05 国庆节 休")
    load_year(2026, corrected, "更正", director)
    assert compute_due(D("2026-09-21"), 15).due == D("2026-10-06")


@pytest.mark.django_db
def test_a_date_beyond_the_loaded_schedule_warns_instead_of_crashing():
    far = compute_due(D("2031-03-01"), 15)
    assert far.due == D("2031-03-17")  # 03-16 is a plain Sunday
    assert far.warning == "2031年节假日安排尚未载入，本期限暂按周末推算；请管理员载入该年安排后复核"
    assert far.steps[-1] == f"⚠ {far.warning}"
    across = compute_due(D("2026-12-28"), 10, "working")
    assert across.due == D("2027-01-11") and "2027年" in across.warning
    within = compute_due(D("2026-12-01"), 30)
    assert within.due == D("2026-12-31") and within.warning == ""


# ---------------------------------------------------------------------------------------------------------------
# The Deadline rows the actions keep


def test_an_acceptance_clock_ending_in_the_national_day_holiday_is_due_on_october_8(org, people):
    with on("2026-09-17"):
        case = register(people["clerk"], village=org["village_a"])
    acceptance = deadline(case, "acceptance")
    assert acceptance.state == Deadline.State.RUNNING
    assert (acceptance.started_on, acceptance.due_on) == (D("2026-09-17"), D("2026-10-08"))
    assert "名义末日 2026-10-02（周五）" in acceptance.explanation
    assert "末日为国庆节，顺延 → 2026-10-08（周四）" in acceptance.explanation
    assert acceptance.warning == ""
    case = fresh(case)
    assert case.next_due_on == D("2026-10-08") and case.schedule_warning is False


def test_accepting_stops_the_acceptance_clock_and_starts_the_handling_clock(org, people):
    with on("2026-09-17"):
        case = register(people["clerk"], village=org["village_a"])
    with on("2026-09-21"):
        do_accept_case(people["leader"], case, expected_version=case.version)
    acceptance, handling = deadline(case, "acceptance"), deadline(case, "handling")
    assert (acceptance.state, acceptance.finished_on) == (Deadline.State.MET, D("2026-09-21"))
    # 09-21 + 60 = 11-20, a Friday.
    assert (handling.state, handling.due_on) == (Deadline.State.RUNNING, oracle_due(D("2026-09-21"), 60))
    assert fresh(case).next_due_on == D("2026-11-20")


def test_the_acceptance_clock_is_exempt_when_name_or_address_is_unknown(org, people):
    with on("2026-06-01"):
        case = register(people["clerk"], village=org["village_a"], identity_unknown=True)
    acceptance = deadline(case, "acceptance")
    assert acceptance.state == Deadline.State.EXEMPT and acceptance.due_on is None
    assert "不适用书面告知期限" in acceptance.explanation
    assert fresh(case).next_due_on is None
    with on("2026-06-01"):
        do_accept_case(people["leader"], case, expected_version=case.version)
    assert deadline(case, "handling").due_on == D("2026-07-31")
    assert fresh(case).next_due_on == D("2026-07-31")


def test_an_extension_adds_days_and_shows_in_the_explanation(org, people):
    case = accepted_case(org, people, "2026-06-01")
    assert deadline(case, "handling").due_on == D("2026-07-31")
    with on("2026-07-20"):
        event = do_extend_deadline(people["handler"], case, expected_version=case.version, days=10,
                                   reason="需会同自然资源所现场勘查", approver=people["leader"])
    handling = deadline(case, "handling")
    assert handling.due_on == D("2026-08-10")
    assert handling.additions == [[10, "延期（李书记批准）"]]
    assert "延期（李书记批准） 10日 → +70日 → 名义末日 2026-08-10（周一）" in handling.explanation
    assert event.data["due_on"] == "2026-08-10" and fresh(case).next_due_on == D("2026-08-10")

    with on("2026-07-21"), pytest.raises(actions.ActionError, match="还可延长20日"):
        do_extend_deadline(people["handler"], case, expected_version=case.version, days=21, reason="再延",
                           approver=people["leader"])
    with on("2026-07-21"):
        do_extend_deadline(people["handler"], case, expected_version=case.version, days=20, reason="再延",
                           approver=people["director"])
    handling = deadline(case, "handling")
    # 06-01 + 90 = 08-30, a Sunday.
    assert handling.due_on == D("2026-08-31") == oracle_due(D("2026-06-01"), 90)
    assert "末日为周日，顺延 → 2026-08-31（周一）" in handling.explanation


def test_a_hearing_stops_the_rereview_clock_for_its_duration(org, people):
    case = accepted_case(org, people, "2026-03-02")
    with on("2026-04-01"):
        reply_signed_off(people["handler"], case, expected_version=case.version, outcome="reject",
                      served_on=D("2026-04-01"), content="不予支持")
    with on("2026-04-10"):
        do_request_review(people["clerk"], case, expected_version=case.version, requested_on=D("2026-04-10"))
    with on("2026-05-20"):
        do_decide_review(people["leader"], case, expected_version=case.version, **HIGHER, outcome="uphold",
                         served_on=D("2026-05-20"), content="维持")
    with on("2026-06-01"):
        do_request_rereview(people["clerk"], case, expected_version=case.version, requested_on=D("2026-06-01"))
    rereview = deadline(case, "rereview_decision")
    assert rereview.due_on == D("2026-07-01")

    with on("2026-06-08"):
        do_start_hearing(people["leader"], case, expected_version=case.version, on_date=D("2026-06-08"))
    rereview = deadline(case, "rereview_decision")
    assert (rereview.state, rereview.paused_on) == (Deadline.State.PAUSED, D("2026-06-08"))
    with on("2026-06-17"):
        do_end_hearing(people["leader"], case, expected_version=case.version, on_date=D("2026-06-17"))
    rereview = deadline(case, "rereview_decision")
    assert rereview.state == Deadline.State.RUNNING and rereview.paused_on is None
    assert rereview.due_on == D("2026-07-10") == oracle_due(D("2026-06-01"), 30 + 9)
    assert "听证中止计时 9日 → +39日 → 名义末日 2026-07-10（周五）" in rereview.explanation
    assert fresh(case).next_due_on == D("2026-07-10")


def test_a_rule_measured_in_working_days_counts_working_days(org, people):
    ClockRule.objects.filter(code="acceptance").update(unit=ClockRule.Unit.WORKING_DAYS, length=5)
    with on("2026-09-28"):
        case = register(people["clerk"], village=org["village_a"])
    assert deadline(case, "acceptance").due_on == D("2026-10-10")


# ---------------------------------------------------------------------------------------------------------------
# A clock running into a year whose schedule is not loaded


def test_a_handling_clock_into_2027_warns_until_the_2027_schedule_is_loaded(org, people, director):
    case = accepted_case(org, people, "2026-11-02")
    handling = deadline(case, "handling")
    # 11-02 + 60 = 2027-01-01, a Friday: a plain working day until the schedule says otherwise.
    assert handling.due_on == D("2027-01-01")
    assert handling.warning.startswith("2027年节假日安排尚未载入")
    assert "⚠" in handling.explanation
    case = fresh(case)
    assert case.schedule_warning is True and case.next_due_on == D("2027-01-01")

    with on("2026-11-25"):
        result = load_year(2027, SCHEDULE_2027, SOURCE_2027, director)

    assert [c.pk for c in result.cases_recomputed] == [case.pk]
    handling = deadline(case, "handling")
    assert (handling.due_on, handling.warning) == (D("2027-01-04"), "")
    assert handling.explanation.endswith("末日为元旦，顺延 → 2027-01-04（周一）")
    case = fresh(case)
    assert case.schedule_warning is False and case.next_due_on == D("2027-01-04")
    event = Event.objects.get(case=case, kind="recompute_deadlines")
    assert event.summary == "已载入2027年节假日安排，重新计算期限：办理期限 2027-01-01（周五） → 2027-01-04（周一）"
    assert event.actor == director and event.to_status == case.status
    assert event.data["deadlines"] == [
        {"rule": "handling", "before": "2027-01-01", "after": "2027-01-04", "warning_cleared": True}
    ]
    audit = AuditRecord.objects.get(action="case.recompute_deadlines")
    assert (audit.object_ref, audit.actor, audit.details["years"]) == (case.number, director, [2027])
    assert AuditRecord.objects.filter(action="clocks.load_holidays", object_ref="2027").count() == 1


def test_loading_a_year_touches_only_the_cases_it_concerns(org, people, director):
    moved = accepted_case(org, people, "2026-11-02")  # due 2027-01-01, a holiday once loaded
    confirmed = accepted_case(org, people, "2026-11-12")  # due 2027-01-11, a plain Monday
    untouched = accepted_case(org, people, "2026-06-01")  # due 2026-07-31
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)

    assert Event.objects.filter(case=moved, kind="recompute_deadlines").count() == 1
    (event,) = Event.objects.filter(case=confirmed, kind="recompute_deadlines")
    assert event.summary.endswith("办理期限 2027-01-11（周一）不变")
    assert deadline(confirmed, "handling").warning == "" and fresh(confirmed).schedule_warning is False
    assert not Event.objects.filter(case=untouched, kind="recompute_deadlines").exists()
    assert AuditRecord.objects.filter(action="case.recompute_deadlines").count() == 2


def test_several_clocks_of_one_case_make_one_event_and_one_audit_record(org, people, director):
    ClockRule.objects.create(
        code="revisit", name="回访期限", legal_basis="本中心工作制度：受理后22日内回访", length=22,
        start_event="accept", stop_events="reply",
    )
    case = accepted_case(org, people, "2026-12-10")
    assert deadline(case, "handling").warning and deadline(case, "revisit").warning
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)

    (event,) = Event.objects.filter(case=case, kind="recompute_deadlines")
    assert event.summary == (
        "已载入2027年节假日安排，重新计算期限：办理期限 2027-02-08（周一）不变；"
        "回访期限 2027-01-01（周五） → 2027-01-04（周一）"
    )
    assert AuditRecord.objects.filter(action="case.recompute_deadlines", object_ref=case.number).count() == 1
    assert fresh(case).next_due_on == D("2027-01-04")


def test_a_corrected_reload_moves_deadlines_that_carried_no_warning(org, people, director):
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)
    case = accepted_case(org, people, "2026-12-12")  # 12-12 + 60 = 2027-02-10, inside the loaded Spring Festival
    assert (deadline(case, "handling").due_on, deadline(case, "handling").warning) == (D("2027-02-18"), "")
    corrected = SCHEDULE_2027.replace("2027-02-07 春节 班\n", "").replace(
        "2027-02-10~2027-02-17 春节 休", "2027-02-06~2027-02-14 春节 休"
    )
    load_year(2027, corrected, SOURCE_2027 + "（更正）", director)
    assert deadline(case, "handling").due_on == D("2027-02-15")
    (event,) = Event.objects.filter(case=case, kind="recompute_deadlines")
    assert "办理期限 2027-02-18（周四） → 2027-02-15（周一）" in event.summary


def test_a_finished_clock_keeps_the_due_date_it_had(org, people, director):
    with on("2026-12-20"):
        case = register(people["clerk"], village=org["village_a"])  # acceptance due 2027-01-04, warned
    with on("2026-12-21"):
        do_accept_case(people["leader"], case, expected_version=case.version)
    acceptance = deadline(case, "acceptance")
    assert acceptance.state == Deadline.State.MET and acceptance.warning
    load_year(2027, "2027-01-01~2027-01-04 元旦 休", SOURCE_2027, director)
    kept = Deadline.objects.get(pk=acceptance.pk)
    assert kept.due_on == D("2027-01-04")
    assert (kept.warning, kept.explanation) == (acceptance.warning, acceptance.explanation)
    # The handling clock (12-21 + 60 = 2027-02-19, a Friday) is confirmed, not moved.
    assert not fresh(case).schedule_warning and deadline(case, "handling").due_on == D("2027-02-19")


def test_recomputing_without_a_newly_loaded_schedule_changes_nothing(org, people, director):
    case = accepted_case(org, people, "2026-11-02")
    assert do_recompute_deadlines(director, [2027]) == []
    assert deadline(case, "handling").warning and fresh(case).schedule_warning is True
    assert not Event.objects.filter(kind="recompute_deadlines").exists()
    assert not AuditRecord.objects.filter(action="case.recompute_deadlines").exists()


# ---------------------------------------------------------------------------------------------------------------
# Parsing and loading a year's schedule


def test_the_parser_reads_ranges_single_days_and_forgives_layout():
    text = "\ufeff# 2027年安排\r\n\r\n2027-01-01 ～ 2027-01-03\u3000元旦  休\r\n  2027-02-07 春节 班\r\n"
    rows = parse_schedule(2027, text)
    assert [(r.date, r.kind, r.name) for r in rows] == [
        (D("2027-01-01"), HolidayDay.Kind.HOLIDAY, "元旦"),
        (D("2027-01-02"), HolidayDay.Kind.HOLIDAY, "元旦"),
        (D("2027-01-03"), HolidayDay.Kind.HOLIDAY, "元旦"),
        (D("2027-02-07"), HolidayDay.Kind.WORKDAY, "春节"),
    ]


@pytest.mark.parametrize("line, message", [
    ("2027-01-01~2027-01-03 元旦", "第2行：格式应为“日期[~日期] 节日名称 休/班”"),
    ("2027-01-01 元旦 节日 休", "第2行：格式应为"),
    ("2027-02-30 春节 休", "第2行：“2027-02-30”不是有效日期，应写作YYYY-MM-DD"),
    ("2027/01/01 元旦 休", "第2行：“2027/01/01”不是有效日期"),
    ("2027-1-1 元旦 休", "第2行：“2027-1-1”不是有效日期"),
    ("2027-01-01~ 元旦 休", "第2行：格式应为"),
    ("2027-01-01~2027-1-3 元旦 休", "第2行：“2027-1-3”不是有效日期"),
    ("2027-01-01 元旦 放", "第2行：类型应为“休”（放假）或“班”（调休上班），不能是“放”"),
    ("2026-12-31~2027-01-02 元旦 休", "第2行：2026-12-31不在2027年内"),
    ("2028-01-01 元旦 休", "第2行：2028-01-01不在2027年内"),
    ("2027-01-03~2027-01-01 元旦 休", "第2行：结束日期早于开始日期"),
    ("2027-01-01~2027-01-31 元旦 休", "第2行：一段放假或调休不应超过15天"),
    ("2027-02-08 春节 班", "第2行：2027-02-08（周一）本是工作日，不能登记为调休上班"),
    ("2027-01-01 " + "节" * 31 + " 休", "第2行：节日名称不能超过30个字"),
    ("2027-10-03 国庆节 休", "第2行：2027-10-03与第1行重复"),
    ("2027-10-02 国庆节 班", "第2行：2027-10-02与第1行矛盾，同一天不能既放假又上班"),
])
def test_the_parser_rejects_a_bad_line_naming_it(line, message):
    with pytest.raises(ValidationError) as error:
        parse_schedule(2027, "2027-10-01~2027-10-07 国庆节 休\n" + line)
    assert len(error.value.messages) == 1
    assert error.value.messages[0].startswith(message)


def test_the_parser_reports_every_bad_line_at_once():
    text = "2027-01-01~2027-01-03 元旦 休\n2027-13-01 春节 休\n\n2027-05-01 劳动节 上班\n2027-10-01 国庆节 休"
    with pytest.raises(ValidationError) as error:
        parse_schedule(2027, text)
    assert [m[:4] for m in error.value.messages] == ["第2行：", "第4行："]


@pytest.mark.parametrize("text, message", [
    ("", "没有填写任何节假日安排"),
    ("# 只有注释\n\n", "没有填写任何节假日安排"),
    ("2027-02-07 春节 班", "只有调休上班日而没有放假安排"),
])
def test_the_parser_rejects_a_schedule_without_holidays(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_schedule(2027, text)


@pytest.mark.django_db
def test_a_loaded_schedule_reads_back_in_the_pasted_format(director):
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)
    assert format_schedule(2027) == SCHEDULE_2027.strip()
    assert HolidayYear.objects.get(year=2027).source == SOURCE_2027
    assert HolidayDay.objects.filter(date__year=2027, kind=HolidayDay.Kind.HOLIDAY).count() == 11


@pytest.mark.django_db
def test_loading_a_year_again_replaces_it_whole(director):
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)
    result = load_year(2027, "2027-10-01~2027-10-07 国庆节 休", "第二版", director)
    assert (result.holidays, result.workdays) == (7, 0)
    assert set(HolidayDay.objects.filter(date__year=2027).values_list("name", flat=True)) == {"国庆节"}
    assert HolidayYear.objects.get(year=2027).source == "第二版"


def test_a_bad_line_saves_nothing_and_keeps_the_loaded_schedule(org, people, director):
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)
    case = accepted_case(org, people, "2026-12-12")
    before_audit = AuditRecord.objects.count()
    # Line 3 alone would move the case's due date to 02-10; line 5 is bad, so nothing may change.
    broken = SCHEDULE_2027.replace("2027-02-10~2027-02-17", "2027-02-11~2027-02-17") + "2027-02-31 春节 班\n"
    with pytest.raises(ValidationError, match="第5行"):
        load_year(2027, broken, "坏的版本", director)
    assert format_schedule(2027) == SCHEDULE_2027.strip()
    assert HolidayYear.objects.get(year=2027).source == SOURCE_2027
    assert deadline(case, "handling").due_on == D("2027-02-18")
    assert AuditRecord.objects.count() == before_audit
    assert not Event.objects.filter(kind="recompute_deadlines").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("year, source, message", [
    (1999, SOURCE_2027, "年份应在2000至2100之间"),
    (2027, "  ", "请填写安排的来源"),
    (2027, "来" * 201, "来源不能超过200个字"),
])
def test_loading_needs_a_sensible_year_and_a_source(director, year, source, message):
    with pytest.raises(ValidationError, match=message):
        load_year(year, SCHEDULE_2027, source, director)
    assert not HolidayYear.objects.exists()


def test_only_a_director_with_admin_access_or_a_superuser_may_load(people):
    for user in (people["clerk"], people["leader"], people["director"]):  # the director is not staff here
        with pytest.raises(PermissionDenied):
            load_year(2027, SCHEDULE_2027, SOURCE_2027, user)
    assert not HolidayYear.objects.exists() and not HolidayDay.objects.exists()
    root = User.objects.create_superuser("root", password="pass-1234-word", full_name="系统管理员")
    load_year(2027, SCHEDULE_2027, SOURCE_2027, root)
    assert HolidayYear.objects.filter(year=2027).exists()


# ---------------------------------------------------------------------------------------------------------------
# The load_holidays command


def test_the_command_loads_a_file_and_recomputes(org, people, director, tmp_path):
    case = accepted_case(org, people, "2026-11-02")
    schedule = tmp_path / "2027.txt"
    schedule.write_text("\ufeff" + SCHEDULE_2027, encoding="utf-8")
    out = StringIO()
    call_command("load_holidays", "--year", "2027", "--file", str(schedule), "--source", SOURCE_2027,
                 "--user", "director", stdout=out)
    assert out.getvalue().strip() == "已载入2027年节假日安排：放假11天，调休上班2天；重新计算了1件案件的期限"
    assert deadline(case, "handling").due_on == D("2027-01-04")
    assert AuditRecord.objects.get(action="clocks.load_holidays").actor == director
    assert Event.objects.get(case=case, kind="recompute_deadlines").actor == director


@pytest.mark.django_db
def test_the_command_without_a_user_is_recorded_as_the_system(tmp_path):
    schedule = tmp_path / "2027.txt"
    schedule.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("load_holidays", "--year", "2027", "--file", str(schedule), "--source", SOURCE_2027, stdout=StringIO())
    assert AuditRecord.objects.get(action="clocks.load_holidays").actor is None


@pytest.mark.django_db
def test_the_command_refuses_a_bad_file_and_saves_nothing(tmp_path):
    schedule = tmp_path / "2027.txt"
    schedule.write_text("2027-01-01~2027-01-03 元旦 休\n2027-02-08 春节 班\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行：2027-02-08（周一）本是工作日"):
        call_command("load_holidays", "--year", "2027", "--file", str(schedule), "--source", SOURCE_2027)
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("load_holidays", "--year", "2027", "--file", str(tmp_path / "missing.txt"), "--source", "x")
    assert not HolidayYear.objects.exists() and not HolidayDay.objects.exists()


def test_the_command_refuses_an_unknown_or_unpermitted_user(org, people, tmp_path):
    schedule = tmp_path / "2027.txt"
    schedule.write_text(SCHEDULE_2027, encoding="utf-8")
    args = ["load_holidays", "--year", "2027", "--file", str(schedule), "--source", SOURCE_2027]
    with pytest.raises(CommandError, match="没有用户名为“nobody”的用户"):
        call_command(*args, "--user", "nobody")
    with pytest.raises(CommandError, match="无权载入"):
        call_command(*args, "--user", "clerk")
    assert not HolidayYear.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# The admin pages


LOAD_URL = "/admin/clocks/holidayyear/load/"


def test_the_load_page_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get(LOAD_URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_load_page_refuses_staff_who_are_not_directors(client, people):
    clerk = people["clerk"]
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    client.force_login(clerk)
    assert client.get(LOAD_URL).status_code == 403
    assert client.post(LOAD_URL, {"year": 2027, "source": SOURCE_2027, "text": SCHEDULE_2027}).status_code == 403
    assert client.get("/admin/clocks/clockrule/").status_code == 403
    assert not HolidayYear.objects.exists()


def test_the_load_page_shows_every_bad_line_in_chinese_and_saves_nothing(client, director):
    client.force_login(director)
    page = client.get(LOAD_URL)
    assert page.status_code == 200 and 'name="text"' in page.content.decode()
    bad = "2027-01-01~2027-01-03 元旦 休\n2027-02-30 春节 休\n2027-01-02 元旦 班\n"
    response = client.post(LOAD_URL, {"year": 2027, "source": SOURCE_2027, "text": bad})
    body = response.content.decode()
    assert response.status_code == 200
    assert "未载入，请改正下列错误后重新提交。" in body
    assert "第2行：“2027-02-30”不是有效日期" in body
    assert "第3行：2027-01-02与第1行矛盾，同一天不能既放假又上班" in body
    assert not HolidayYear.objects.exists() and not HolidayDay.objects.exists()


def test_a_director_loads_a_year_on_the_admin_page_and_warned_deadlines_are_recomputed(client, org, people, director):
    case = accepted_case(org, people, "2026-11-02")
    client.force_login(director)
    response = client.post(LOAD_URL, {"year": 2027, "source": SOURCE_2027, "text": SCHEDULE_2027}, follow=True)
    assert response.redirect_chain == [("/admin/clocks/holidayyear/", 302)]
    body = response.content.decode()
    assert "已载入2027年节假日安排：放假11天，调休上班2天；重新计算了1件案件的期限" in body
    assert SOURCE_2027 in body
    assert deadline(case, "handling").due_on == D("2027-01-04") and fresh(case).schedule_warning is False
    audit = AuditRecord.objects.get(action="clocks.load_holidays")
    assert audit.actor == director and audit.address == "127.0.0.1"


def test_reloading_a_year_starts_from_its_loaded_schedule(client, director):
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)
    client.force_login(director)
    listing = client.get("/admin/clocks/holidayyear/").content.decode()
    assert f'href="{LOAD_URL}?year=2027"' in listing
    page = client.get(LOAD_URL, {"year": "2027"}).content.decode()
    assert "2027-02-10~2027-02-17 春节 休" in page and SOURCE_2027 in page
    assert client.get("/admin/clocks/holidayyear/add/")["Location"] == LOAD_URL
    year = HolidayYear.objects.get(year=2027)
    shown = client.get(f"/admin/clocks/holidayyear/{year.pk}/change/")
    assert shown.status_code == 200 and "2027-01-01~2027-01-03 元旦 休" in shown.content.decode()


def test_a_superuser_may_load_a_year(client, db):
    root = User.objects.create_superuser("root", password="pass-1234-word", full_name="系统管理员")
    client.force_login(root)
    response = client.post(LOAD_URL, {"year": 2027, "source": SOURCE_2027, "text": SCHEDULE_2027})
    assert response.status_code == 302
    assert HolidayDay.objects.filter(date__year=2027).count() == 13


def test_holiday_days_are_listed_but_change_only_by_loading(client, director):
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)
    client.force_login(director)
    listing = client.get("/admin/clocks/holidayday/")
    assert listing.status_code == 200 and "调休上班" in listing.content.decode()
    day = HolidayDay.objects.get(date=D("2027-02-07"))
    assert client.get("/admin/clocks/holidayday/add/").status_code == 403
    change = client.post(
        f"/admin/clocks/holidayday/{day.pk}/change/", {"date": "2027-02-07", "kind": "holiday", "name": "春节"}
    )
    assert change.status_code == 403
    assert HolidayDay.objects.get(pk=day.pk).kind == HolidayDay.Kind.WORKDAY
    assert client.get(f"/admin/clocks/holidayday/{day.pk}/delete/").status_code == 403


def _rule_form(rule, **changes):
    fields = ["name", "legal_basis", "applies_to", "length", "unit", "start_event", "stop_events", "pause_events",
              "resume_events", "max_extension_days", "source", "legal_classes", "channels"]
    data = {name: getattr(rule, name) for name in fields}
    data.update({"active": "on"} if rule.active else {})
    data.update({"is_obligation": "on"} if rule.is_obligation else {})
    data.update(changes)
    return data


def test_a_director_corrects_a_clock_rule_and_it_governs_the_next_clock(client, org, people, director):
    rule = ClockRule.objects.get(code="acceptance")
    client.force_login(director)
    url = reverse("admin:clocks_clockrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    basis = "《信访工作条例》第二十四条（2022年修订，已核对正式文本）"
    response = client.post(url, _rule_form(rule, legal_basis=basis, unit="working", length=5, code="renamed"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.legal_basis, rule.unit, rule.length, rule.code) == (basis, "working", 5, "acceptance")
    audit = AuditRecord.objects.get(action="clocks.change_rule")
    assert audit.actor == director and set(audit.details["fields"]) == {"legal_basis", "unit", "length"}
    with on("2026-09-28"):
        case = register(people["clerk"], village=org["village_a"])
    assert deadline(case, "acceptance").due_on == D("2026-10-10")


def test_a_mistyped_event_code_is_refused(client, director):
    rule = ClockRule.objects.get(code="rereview_decision")
    client.force_login(director)
    url = reverse("admin:clocks_clockrule_change", args=[rule.pk])
    response = client.post(url, _rule_form(rule, pause_events="start_hearing,start_heairng"))
    assert response.status_code == 200
    assert "未知的事件代码：start_heairng" in response.content.decode()
    rule.refresh_from_db()
    assert rule.pause_events == "start_hearing"


def test_clock_rules_cannot_be_deleted_in_the_admin(client, director):
    rule = ClockRule.objects.get(code="handling")
    client.force_login(director)
    assert client.get(reverse("admin:clocks_clockrule_delete", args=[rule.pk])).status_code == 403
    assert client.post(reverse("admin:clocks_clockrule_delete", args=[rule.pk]), {"post": "yes"}).status_code == 403
    assert ClockRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.django_db
def test_a_calendar_reads_a_loaded_year_it_was_not_built_for(director):
    # One calendar serves many deadlines in a recompute; a period may run past the years it was built for.
    load_year(2027, SCHEDULE_2027, SOURCE_2027, director)
    calendar = WorkCalendar([2026])
    due = compute_due(D("2026-12-12"), 60, calendar=calendar)
    assert (due.due, due.warning) == (D("2027-02-18"), "")
    assert "末日为春节，顺延 → 2027-02-18（周四）" in due.explanation
