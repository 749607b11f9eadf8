"""The reception duty roster (接访值班表): generation on the official schedule, edits, swaps, pages, the desk."""

import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, Category
from jiefen.clocks.models import HolidayDay, HolidayYear
from jiefen.duty.models import DutyChange, DutyShift
from jiefen.duty.services import (
    DutyError,
    edit_day,
    generate_month,
    swap_days,
    today_leader,
    uncovered_days,
)
from jiefen.org.models import Role

from .factories import VALID_IDS, person

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date.fromisoformat


def on(day, hour=9):
    """Freeze the clock at `hour` o'clock, Beijing time, on `day`."""
    return time_machine.travel(dt.datetime.combine(D(day), dt.time(hour), tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def leaders(org, people):
    """The centre's leadership in rotation order: two leaders and the director."""
    deputy = person("deputy", Role.LEADER, org["town"], "刘副镇长", phone="13912345678")
    people["leader"].phone = "13700001111"
    people["leader"].save(update_fields=["phone"])
    return [people["leader"], deputy, people["director"]]


def roster(centre, year, month):
    return {s.date: s.leader for s in DutyShift.objects.filter(centre=centre, date__year=year, date__month=month)}


def login(client, user):
    client.force_login(user)
    return client


# Generation on the official schedule ------------------------------------------------------------------------------


def test_october_skips_the_national_day_holiday_and_includes_the_make_up_saturday(org, people, leaders):
    result = generate_month(org["town"], 2026, 10, leaders, people["director"])
    days = roster(org["town"], 2026, 10)
    assert result.warning == "" and len(result.shifts) == len(days) == 18
    assert not any(D(f"2026-10-0{n}") in days for n in range(1, 8))  # 国庆节 1–7 October
    assert D("2026-10-10") in days  # Saturday, 调休上班
    assert D("2026-10-11") not in days and D("2026-10-17") not in days  # plain weekends
    assert min(days) == D("2026-10-08")


def test_september_includes_the_make_up_sunday_and_skips_mid_autumn(org, people, leaders):
    generate_month(org["town"], 2026, 9, leaders, people["director"])
    days = roster(org["town"], 2026, 9)
    assert D("2026-09-20") in days  # Sunday, 调休上班
    assert D("2026-09-25") not in days  # 中秋节, a Friday
    assert len(days) == 22


def test_the_rotation_follows_the_order_given_and_continues_into_the_next_month(org, people, leaders):
    generate_month(org["town"], 2026, 9, leaders, people["director"])
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    september, october = roster(org["town"], 2026, 9), roster(org["town"], 2026, 10)
    in_order = [september[d] for d in sorted(september)] + [october[d] for d in sorted(october)]
    assert in_order == [leaders[n % 3] for n in range(len(in_order))]
    assert set(Counter(october.values()).values()) == {6}  # 18 working days, 3 leaders
    assert max(Counter(in_order).values()) - min(Counter(in_order).values()) <= 1


def test_days_already_set_are_kept_unless_overwritten(org, people, leaders):
    director = people["director"]
    edit_day(org["town"], D("2026-10-12"), leaders[2], director, note="下午在东村现场接访")
    result = generate_month(org["town"], 2026, 10, leaders[:2], director)
    assert result.kept == [D("2026-10-12")] and len(result.shifts) == 17
    assert DutyShift.objects.get(date=D("2026-10-12")).note == "下午在东村现场接访"
    result = generate_month(org["town"], 2026, 10, leaders[:2], director, overwrite=True)
    assert result.replaced == 18 and len(result.shifts) == 18
    assert leaders[2] not in roster(org["town"], 2026, 10).values()


def test_a_year_not_loaded_is_planned_on_weekdays_with_a_warning(org, people, leaders):
    result = generate_month(org["town"], 2027, 2, leaders, people["director"])
    assert "2027年节假日安排尚未载入" in result.warning
    days = roster(org["town"], 2027, 2)
    assert len(days) == 20 and all(d.weekday() < 5 for d in days)
    assert AuditRecord.objects.get(action="duty.generate").details["warning"] == result.warning


def test_a_loaded_year_is_followed_without_a_warning(org, people, leaders):
    HolidayYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    HolidayDay.objects.create(date=D("2027-02-08"), kind=HolidayDay.Kind.HOLIDAY, name="春节")
    HolidayDay.objects.create(date=D("2027-02-20"), kind=HolidayDay.Kind.WORKDAY, name="春节")
    result = generate_month(org["town"], 2027, 2, leaders, people["director"])
    days = roster(org["town"], 2027, 2)
    assert result.warning == "" and D("2027-02-08") not in days and D("2027-02-20") in days


def test_generation_writes_a_change_and_an_audit_record(org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    change = DutyChange.objects.get()
    assert change.kind == DutyChange.Kind.GENERATE and change.actor == people["director"]
    assert "2026年10月" in change.summary and "18天" in change.summary
    audit = AuditRecord.objects.get(action="duty.generate")
    assert audit.actor == people["director"] and audit.details["month"] == "2026-10" and audit.details["days"] == 18


@pytest.mark.parametrize("persona", ["leader", "clerk", "supervisor"])
def test_only_the_director_generates(org, people, leaders, persona):
    with pytest.raises(DutyError):
        generate_month(org["town"], 2026, 10, leaders, people[persona])
    assert not DutyShift.objects.exists() and not AuditRecord.objects.filter(action__startswith="duty.").exists()


def test_the_director_of_another_township_cannot_touch_this_roster(org, people, leaders):
    other_director = person("other_director", Role.DIRECTOR, org["other_town"], "白水主任")
    with pytest.raises(DutyError):
        generate_month(org["town"], 2026, 10, leaders, other_director)


@pytest.mark.parametrize("persona", ["handler", "clerk"])
def test_only_the_centres_leadership_can_be_rostered(org, people, leaders, persona):
    with pytest.raises(DutyError) as error:
        generate_month(org["town"], 2026, 10, [leaders[0], people[persona]], people["director"])
    assert error.value.field == "leaders" and not DutyShift.objects.exists()


# Edits and swaps --------------------------------------------------------------------------------------------------


def test_the_director_edits_and_clears_a_day_with_audit(org, people, leaders):
    director, town = people["director"], org["town"]
    edit_day(town, D("2026-10-10"), leaders[0], director, note="调休上班日接访")
    edit_day(town, D("2026-10-10"), leaders[1], director, reason="李书记赴县开会")
    assert today_leader(town, D("2026-10-10")) == leaders[1]
    edit_day(town, D("2026-10-10"), None, director, reason="当日改由中心值班")
    assert today_leader(town, D("2026-10-10")) is None
    audits = AuditRecord.objects.filter(action="duty.edit").order_by("id")
    assert [a.details["after"] for a in audits] == [leaders[0].pk, leaders[1].pk, None]
    assert DutyChange.objects.filter(kind=DutyChange.Kind.EDIT, reason="李书记赴县开会").exists()


@on("2026-09-01")
def test_a_leader_swaps_own_shift_with_another_leaders_with_a_reason(org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    mine = DutyShift.objects.get(date=D("2026-10-08"))
    theirs = DutyShift.objects.get(date=D("2026-10-09"))
    assert (mine.leader, theirs.leader) == (leaders[0], leaders[1])
    swap_days(mine, theirs, "10月8日需到县信访局汇报", leaders[0])
    assert today_leader(org["town"], D("2026-10-08")) == leaders[1]
    assert today_leader(org["town"], D("2026-10-09")) == leaders[0]
    audit = AuditRecord.objects.get(action="duty.swap")
    assert audit.actor == leaders[0] and audit.details["reason"] == "10月8日需到县信访局汇报"
    assert audit.details["dates"] == ["2026-10-08", "2026-10-09"]
    change = DutyChange.objects.get(kind=DutyChange.Kind.SWAP)
    assert change.reason == "10月8日需到县信访局汇报" and "李书记" in change.summary and "刘副镇长" in change.summary


@on("2026-09-01")
def test_a_swap_needs_a_reason(org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    a, b = DutyShift.objects.order_by("date")[:2]
    with pytest.raises(DutyError) as error:
        swap_days(a, b, "  ", leaders[0])
    assert error.value.field == "reason"
    assert not AuditRecord.objects.filter(action="duty.swap").exists()


@on("2026-09-01")
def test_a_leader_may_not_swap_two_other_leaders_shifts(org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    theirs = [s for s in DutyShift.objects.order_by("date") if s.leader != leaders[0]][:2]
    with pytest.raises(DutyError):
        swap_days(theirs[0], theirs[1], "想换", leaders[0])
    swap_days(theirs[0], theirs[1], "主任统一调整", people["director"])  # the director may


def test_a_day_gone_by_cannot_be_swapped(org, people, leaders):
    with on("2026-09-01"):
        generate_month(org["town"], 2026, 10, leaders, people["director"])
    a, b = DutyShift.objects.order_by("date")[:2]
    with on("2026-10-09"), pytest.raises(DutyError) as error:
        swap_days(a, b, "补记", people["director"])
    assert "已过去" in error.value.message


@on("2026-09-01")
def test_a_swap_on_a_roster_changed_meanwhile_is_refused(org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    a, b = DutyShift.objects.order_by("date")[:2]
    edit_day(org["town"], b.date, leaders[2], people["director"])
    with pytest.raises(DutyError) as error:
        swap_days(a, b, "换一天", leaders[0])
    assert "已被他人调整" in error.value.message
    assert today_leader(org["town"], a.date) == leaders[0]


# Reads ------------------------------------------------------------------------------------------------------------


def test_uncovered_days_are_working_days_ahead_with_no_one_on_duty(org, people, leaders):
    edit_day(org["town"], D("2026-09-28"), leaders[0], people["director"])
    gaps = [info.date for info in uncovered_days(org["town"], D("2026-09-24"), days=14)]
    # 9-25 中秋, 9-26/27 weekend, 10-1..7 国庆: off; 9-28 covered; 10-08 is past the 14 days.
    assert gaps == [D("2026-09-24"), D("2026-09-29"), D("2026-09-30")]


# Pages ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/duty/", "/duty/generate/", "/duty/day/2026-10-12/", "/duty/swap/1/"])
def test_roster_pages_require_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_outsider_gets_404_for_another_townships_roster(client, org, people, leaders):
    with on("2026-09-01"):
        generate_month(org["town"], 2026, 10, leaders, people["director"])
    shift = DutyShift.objects.first()
    other_director = person("other_director", Role.DIRECTOR, org["other_town"], "白水主任")
    login(client, other_director)
    assert client.get(f"/duty/?centre={org['town'].code}").status_code == 404
    assert client.get(f"/duty/swap/{shift.pk}/").status_code == 404
    assert client.get(f"/duty/day/2026-10-12/?centre={org['town'].code}").status_code == 404
    assert client.get("/duty/swap/999999/").status_code == 404
    # A clerk elsewhere: the roster is not theirs (404); swapping and editing are not for clerks anywhere (403,
    # refused by the access policy before any shift is looked up, so it says nothing about this one).
    login(client, people["outsider"])
    assert client.get(f"/duty/?centre={org['town'].code}").status_code == 404
    assert client.get(f"/duty/swap/{shift.pk}/").status_code == client.get("/duty/swap/999999/").status_code == 403


@pytest.mark.parametrize("persona", ["clerk", "leader", "handler", "supervisor"])
def test_read_only_roles_see_the_roster_but_may_not_change_it(client, org, people, leaders, persona):
    with on("2026-09-01"):
        generate_month(org["town"], 2026, 10, leaders, people["director"])
    login(client, people[persona])
    response = client.get(f"/duty/?month=2026-10&centre={org['town'].code}")
    assert response.status_code == 200 and "刘副镇长" in response.content.decode()
    assert "生成值班表" not in response.content.decode()
    assert client.get("/duty/generate/").status_code == 403
    assert client.post(f"/duty/generate/?centre={org['town'].code}", {"month": "2026-11"}).status_code == 403
    assert client.post(f"/duty/day/2026-10-12/?centre={org['town'].code}", {"leader": ""}).status_code == 403
    assert DutyShift.objects.count() == 18


@pytest.mark.parametrize("persona", ["clerk", "handler", "supervisor"])
def test_only_leaders_swap_and_only_their_own_shifts(client, org, people, leaders, persona):
    with on("2026-09-01"):
        generate_month(org["town"], 2026, 10, leaders, people["director"])
    others = DutyShift.objects.exclude(leader=leaders[0]).first()
    login(client, people[persona])
    assert client.get(f"/duty/swap/{others.pk}/").status_code == 403
    login(client, leaders[0])
    assert client.get(f"/duty/swap/{others.pk}/").status_code == 403


def test_the_director_generates_through_the_page(client, org, people, leaders):
    login(client, people["director"])
    page = client.get("/duty/generate/").content.decode()
    assert "刘副镇长" in page and "调休上班" in page
    response = client.post("/duty/generate/", {"month": "2026-10", "leaders": [u.pk for u in leaders]})
    assert response.status_code == 302 and response.url == "/duty/?month=2026-10"
    assert DutyShift.objects.filter(centre=org["town"]).count() == 18
    assert AuditRecord.objects.filter(action="duty.generate", actor=people["director"]).exists()
    body = client.get(response.url).content.decode()
    assert "已生成2026年10月值班表" in body and "调休上班" in body and "国庆节" in body


def test_an_unloaded_year_is_shown_as_a_warning_after_generating(client, org, people, leaders):
    login(client, people["director"])
    response = client.post("/duty/generate/", {"month": "2027-03", "leaders": [leaders[0].pk]}, follow=True)
    assert "2027年节假日安排尚未载入" in response.content.decode()


def test_a_bad_generate_form_is_refused(client, org, people, leaders):
    login(client, people["director"])
    response = client.post("/duty/generate/", {"month": "十二月", "leaders": []})
    assert response.status_code == 400 and not DutyShift.objects.exists()


def test_the_director_edits_a_day_through_the_page(client, org, people, leaders):
    login(client, people["director"])
    response = client.post(
        "/duty/day/2026-10-10/", {"leader": leaders[1].pk, "note": "上午接访", "reason": "调休日安排"}
    )
    assert response.status_code == 302
    shift = DutyShift.objects.get(date=D("2026-10-10"))
    assert (shift.leader, shift.note) == (leaders[1], "上午接访")
    assert AuditRecord.objects.filter(action="duty.edit", actor=people["director"]).exists()


@on("2026-09-01")
def test_a_leader_swaps_through_the_page(client, org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    mine, theirs = DutyShift.objects.get(date=D("2026-10-08")), DutyShift.objects.get(date=D("2026-10-09"))
    login(client, leaders[0])
    page = client.get(f"/duty/swap/{mine.pk}/").content.decode()
    assert "10月9日（周五） · 刘副镇长" in page
    response = client.post(f"/duty/swap/{mine.pk}/", {"other": theirs.pk, "reason": ""})
    assert response.status_code == 400 and "请填写调班原因" in response.content.decode()
    response = client.post(f"/duty/swap/{mine.pk}/", {"other": theirs.pk, "reason": "到县里开会"})
    assert response.status_code == 302
    assert today_leader(org["town"], D("2026-10-08")) == leaders[1]
    assert AuditRecord.objects.get(action="duty.swap").details["reason"] == "到县里开会"


def test_the_month_page_query_count_does_not_depend_on_the_shifts(client, org, people, leaders):
    login(client, people["director"])
    edit_day(org["town"], D("2026-09-01"), leaders[0], people["director"])
    with CaptureQueriesContext(connection) as one_shift:
        assert client.get("/duty/?month=2026-09").status_code == 200
    generate_month(org["town"], 2026, 9, leaders, people["director"])
    with CaptureQueriesContext(connection) as full_month:
        assert client.get("/duty/?month=2026-09").status_code == 200
    assert len(full_month) == len(one_shift)


def test_the_supervisor_picks_a_township(client, org, people, leaders):
    login(client, people["supervisor"])
    body = client.get("/duty/").content.decode()
    assert org["town"].name in body and org["other_town"].name in body


# Public page and printable sheet (领导公开接访) --------------------------------------------------------------------


def test_the_public_page_shows_names_and_dates_but_no_phone_or_note(client, org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    edit_day(org["town"], D("2026-10-12"), leaders[1], people["director"], note="内部备注：下午外出")
    response = client.get(f"/public/duty/{org['town'].code}/?month=2026-10")
    body = response.content.decode()
    assert response.status_code == 200
    assert "李书记" in body and "刘副镇长" in body and "10月10日" in body and "调休上班" in body
    assert "13912345678" not in body and "13700001111" not in body and "内部备注" not in body
    assert "duty/duty.css" in body  # whose @media print rules make the page the printed sheet


def test_the_public_page_prints_without_the_navigation():
    css = (Path(__file__).resolve().parents[1] / "jiefen/duty/static/duty/duty.css").read_text()
    assert re.search(r"@media print \{[^@]*@page \{ size: A4", css) and ".month-nav, .head-links" in css


def test_the_public_page_of_an_unknown_or_non_township_code_is_404(client, org):
    assert client.get("/public/duty/nope/").status_code == 404
    assert client.get(f"/public/duty/{org['county'].code}/").status_code == 404
    assert client.get(f"/public/duty/{org['village_a'].code}/").status_code == 404


def pdf_text(pdf):
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_the_printable_sheet_is_a_pdf_with_the_leaders_names(client, org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    response = client.get(f"/public/duty/{org['town'].code}/2026-10.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "青山镇矛盾纠纷调处化解中心" in text and "2026年10月领导公开接访安排表" in text
    for leader in leaders:
        assert leader.full_name in text
    assert "10月10日" in text and "13912345678" not in text


def test_no_sheet_for_a_month_without_a_roster(client, org):
    assert client.get(f"/public/duty/{org['town'].code}/2026-10.pdf").status_code == 404
    assert client.get(f"/public/duty/{org['town'].code}/2026-13.pdf").status_code == 404


# The desk and the leader home ---------------------------------------------------------------------------------------


def intake(org, **overrides):
    data = {
        "channel": "visit", "kind": "petition", "legal_class": "claim",
        "category": Category.objects.get(name="劳动工资").pk, "village": org["village_a"].pk,
        "head_count": "2", "request": "要求结清拖欠的工资", "facts": "",
        "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "1", "party-MAX_NUM_FORMS": "20",
        "party-0-role": "petitioner", "party-0-name": "陈大山", "party-0-id_number": VALID_IDS[0],
    }
    data.update(overrides)
    return data


@on("2026-10-10", hour=10)
def test_a_walk_in_at_the_desk_records_todays_duty_leader(client, org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    duty = today_leader(org["town"])
    assert duty is not None
    login(client, people["clerk"])
    page = client.get(reverse("desk")).content.decode()
    assert f"今日值班领导：<b>{duty.full_name}</b>" in page
    assert re.search(rf'<option value="{duty.pk}" selected>', page)
    # The clerk leaves the receiving leader empty: the leader on duty received the visitors.
    response = client.post(reverse("desk"), intake(org, receiving_leader=""))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.receiving_leader == duty
    assert case.contacts.order_by("occurred_at", "id").first().receiving_leader == duty


@on("2026-10-10", hour=10)
def test_a_leader_named_at_the_desk_wins_and_a_letter_has_no_receiving_leader(client, org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    other = next(u for u in leaders if u != today_leader(org["town"]))
    login(client, people["clerk"])
    client.post(reverse("desk"), intake(org, receiving_leader=other.pk))
    client.post(reverse("desk"), intake(org, channel="letter", **{"party-0-id_number": VALID_IDS[1]}))
    visit, letter = Case.objects.order_by("id")
    assert visit.receiving_leader == other and letter.receiving_leader is None


@on("2026-10-03", hour=10)
def test_the_desk_says_when_no_one_is_on_duty(client, org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    login(client, people["clerk"])
    assert "今日值班领导：<b>无" in client.get(reverse("desk")).content.decode()
    client.post(reverse("desk"), intake(org))
    assert Case.objects.get().receiving_leader is None


@on("2026-09-24", hour=10)
def test_the_leader_home_flags_the_days_ahead_with_no_one_on_duty(client, org, people, leaders):
    edit_day(org["town"], D("2026-09-24"), leaders[0], people["director"])
    login(client, people["leader"])
    body = client.get("/").content.decode()
    assert "值班缺口" in body and "今日值班领导：<b>李书记</b>" in body
    assert "9月29日" in body and "9月30日" in body and "9月28日" in body and "9月25日" not in body
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    generate_month(org["town"], 2026, 9, leaders, people["director"])
    assert "每个工作日都已安排值班领导" in client.get("/").content.decode()
