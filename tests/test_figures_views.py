"""The figures page and the analysis meeting through HTTP: permissions, the pack, its PDF and .xlsx, decisions."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from jiefen.audit.models import AuditRecord
from jiefen.cases.steps import do_accept_case
from jiefen.figures.models import AnalysisMeeting, MeetingDecision
from jiefen.org.models import Role

from .factories import person, register

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), SHANGHAI), tick=False):
        yield


@pytest.fixture
def cases(people, org):
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=SHANGHAI), tick=False):
        one = register(people["clerk"], village=org["village_a"], head_count=3, request="东村的事")
        two = register(people["clerk"], village=org["village_b"], request="西村的事")
        do_accept_case(people["leader"], two, expected_version=two.version)
    return one, two


def login(client, user):
    client.force_login(user)
    return client


def create_meeting(client, **extra):
    data = {"title": "2026年5月矛盾纠纷分析研判会", "period_start": "2026-05-01", "period_end": "2026-05-31",
            "held_on": "2026-06-15", **extra}
    return client.post(reverse("figures:meetings"), data)


# ---- The figures page. ----

def test_the_figures_page_requires_login(client):
    response = client.get(reverse("figures:dashboard"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_leader_sees_the_figures_of_the_township_with_definitions_and_links(client, people, cases):
    response = login(client, people["leader"]).get(
        reverse("figures:dashboard"), {"start": "2026-05-01", "end": "2026-05-31"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "登记信访事项和矛盾纠纷 2 件 4 人次，受理 1 件" in page
    assert "涵盖渠道：来访、来信、来电、网上、传真、网格排查、上级交办" in page
    assert "期间内登记的信访事项和矛盾纠纷件数" in page  # a definition next to its figure
    assert 'id="fig-by-month" type="application/json"' in page
    assert "<script>" not in page and "onclick" not in page and "style=" not in page
    # Each village drills down to its warnings (预警研判, the leadership's).
    village = people["handler"].unit
    assert f'href="{reverse("warning:list")}?village={village.pk}" data-figure="warnings"' in page
    warnings = client.get(reverse("warning:list"), {"village": village.pk})
    assert warnings.status_code == 200


def test_an_outsider_sees_only_their_own_township(client, people, cases):
    response = login(client, people["outsider"]).get(
        reverse("figures:dashboard"), {"start": "2026-05-01", "end": "2026-05-31"}
    )
    assert response.status_code == 200
    assert "登记信访事项和矛盾纠纷 0 件 0 人次" in response.content.decode()


def test_handlers_get_403_on_the_figures_page(client, people):
    assert login(client, people["handler"]).get(reverse("figures:dashboard")).status_code == 403


def test_a_period_that_ends_before_it_starts_is_refused_in_chinese(client, people):
    response = login(client, people["leader"]).get(
        reverse("figures:dashboard"), {"start": "2026-05-31", "end": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_the_county_supervisor_sees_the_townships_side_by_side(client, people, cases):
    response = login(client, people["supervisor"]).get(
        reverse("figures:dashboard"), {"start": "2026-05-01", "end": "2026-05-31"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "各乡镇（街道）对比" in page and 'data-place="白水镇"' in page


def test_the_page_reads_the_same_number_of_queries_however_many_cases(client, people, org, cases):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(client, people["leader"])
    params = {"start": "2026-01-01", "end": "2026-06-15"}
    client.get(reverse("figures:dashboard"), params)  # the session's first request reads more
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("figures:dashboard"), params)
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=SHANGHAI), tick=False):
        for i in range(5):
            register(people["clerk"], village=org["village_b"], request=f"又一件{i}")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("figures:dashboard"), params)
    assert len(more) == len(few)


# ---- The analysis meeting. ----

def test_a_leader_creates_a_meeting_with_its_pack(client, people, cases):
    response = create_meeting(login(client, people["leader"]))
    meeting = AnalysisMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("figures:meeting", args=[meeting.pk])
    assert meeting.pack["sentence"].startswith("2026年5月1日至2026年5月31日，登记信访事项和矛盾纠纷 2 件 4 人次")
    assert meeting.pack["previous_meeting"] is None
    assert AuditRecord.objects.filter(action="meeting.create", object_ref=meeting.title).count() == 1
    page = client.get(reverse("figures:meeting", args=[meeting.pk])).content.decode()
    assert "一、上次会议议定事项落实情况" in page and "五、超期和临期案件" in page


def test_the_supervisor_reads_meetings_but_gets_403_on_writes(client, people, cases):
    create_meeting(login(client, people["leader"]))
    meeting = AnalysisMeeting.objects.get()
    client = login(client, people["supervisor"])
    assert client.get(reverse("figures:meeting", args=[meeting.pk])).status_code == 200
    assert create_meeting(client).status_code == 403
    assert client.post(reverse("figures:meeting_decide", args=[meeting.pk]), {"text": "x"}).status_code == 403
    assert client.post(reverse("figures:meeting_notes", args=[meeting.pk]), {}).status_code == 403
    assert AnalysisMeeting.objects.count() == 1 and not MeetingDecision.objects.exists()


def test_an_outsider_gets_404_for_another_townships_meeting(client, people, cases):
    create_meeting(login(client, people["leader"]))
    meeting = AnalysisMeeting.objects.get()
    other_leader = person("other_leader", Role.LEADER, people["outsider"].unit, "白水领导")
    for outsider in (people["outsider"], other_leader):
        client = login(client, outsider)
        assert client.get(reverse("figures:meeting", args=[meeting.pk])).status_code == 404
        assert client.get(reverse("figures:meeting_export", args=[meeting.pk, "pdf"])).status_code == 404
    for name in ("figures:meeting_decide", "figures:meeting_notes"):
        assert client.post(reverse(name, args=[meeting.pk])).status_code == 404
    # A clerk may hold no meeting anywhere: refused by the access policy, the same for every meeting.
    client = login(client, people["outsider"])
    assert client.post(reverse("figures:meeting_decide", args=[meeting.pk])).status_code == 403


def test_a_meeting_with_a_period_backwards_changes_nothing(client, people):
    response = create_meeting(login(client, people["leader"]), period_start="2026-05-31", period_end="2026-05-01")
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not AnalysisMeeting.objects.exists()


def test_notes_are_editable_before_the_meeting_and_not_after(client, people, cases):
    client = login(client, people["leader"])
    create_meeting(client)
    meeting = AnalysisMeeting.objects.get()
    url = reverse("figures:meeting_notes", args=[meeting.pk])
    assert client.post(url, {"hot_spots": "东村土地问题集中，需专题研究"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.notes["hot_spots"] == "东村土地问题集中，需专题研究"
    client.post(reverse("figures:meeting_hold", args=[meeting.pk]))
    client.post(url, {"hot_spots": "改了"})
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.notes["hot_spots"] == "东村土地问题集中，需专题研究"
    assert AuditRecord.objects.filter(action="meeting.edit").count() == 1


def test_decisions_are_recorded_shown_to_their_owner_and_opened_by_the_next_meeting(client, people, cases):
    client = login(client, people["leader"])
    create_meeting(client)
    meeting = AnalysisMeeting.objects.get()
    decide = reverse("figures:meeting_decide", args=[meeting.pk])
    assert client.post(decide, {"text": "东村征地补偿问题由张主任牵头化解", "owner": people["director"].pk,
                                "due_on": "2026-06-30"}).status_code == 302
    assert client.post(decide, {"text": "西村重点人员每周走访", "owner": people["handler"].pk,
                                "due_on": "2026-06-20"}).status_code == 302
    refused = client.post(decide, {"text": "外镇的人", "owner": people["outsider"].pk, "due_on": "2026-06-20"})
    assert refused.status_code == 400
    assert MeetingDecision.objects.count() == 2
    assert AuditRecord.objects.filter(action="meeting.decision").count() == 2
    first = MeetingDecision.objects.get(owner=people["director"])

    # Each owner is told (in the app, through the outbox); a handler finds them under 会议议定事项 in the menu.
    from jiefen.notify.models import Notification

    told = Notification.objects.get(recipient=people["handler"])
    assert "西村重点人员每周走访" in told.title and told.link == reverse("figures:my_decisions")
    handler = login(client, people["handler"])
    assert "会议议定事项</a>" in handler.get(reverse("figures:my_decisions")).content.decode()

    # The owner sees it on the home page and on their own page, and reports it done.
    owner = login(client, people["director"])
    assert "东村征地补偿问题由张主任牵头化解" in owner.get(reverse("home")).content.decode()
    assert "东村征地补偿问题" in owner.get(reverse("figures:my_decisions")).content.decode()
    assert owner.post(reverse("figures:decision_done", args=[first.pk]), {"note": "已兑付"}).status_code == 302
    first.refresh_from_db()
    assert first.done and first.note == "已兑付"
    assert AuditRecord.objects.filter(action="meeting.decision_done").count() == 1
    # Someone else of another township learns nothing about it.
    other = login(client, people["outsider"])
    assert other.post(reverse("figures:decision_done", args=[first.pk])).status_code == 404

    # The next meeting's pack opens with these decisions and whether each was done.
    client = login(client, people["leader"])
    create_meeting(client, title="2026年6月分析研判会", period_start="2026-06-01", period_end="2026-06-15")
    following = AnalysisMeeting.objects.get(title="2026年6月分析研判会")
    assert following.pack["previous_meeting"] == meeting.pk
    page = client.get(reverse("figures:meeting", args=[following.pk])).content.decode()
    assert page.index("一、上次会议议定事项落实情况") < page.index("东村征地补偿问题") < page.index("二、主要指标")
    assert "已完成" in page and "西村重点人员每周走访" in page


def test_the_pack_exports_as_a_pdf_and_a_workbook_that_read_back(client, people, cases):
    client = login(client, people["leader"])
    create_meeting(client)
    meeting = AnalysisMeeting.objects.get()
    client.post(reverse("figures:meeting_decide", args=[meeting.pk]),
                {"text": "东村征地补偿问题专题研究", "owner": people["director"].pk, "due_on": "2026-06-30"})
    pdf = client.get(reverse("figures:meeting_export", args=[meeting.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for words in ("2026年5月矛盾纠纷分析研判会", "二、主要指标", "登记", "及时受理率", "东村",
                  "东村征地补偿问题专题研究", "近12个月受理、办结和存量"):
        assert words in text.replace("\n", ""), words
    book = client.get(reverse("figures:meeting_export", args=[meeting.pk, "xlsx"]))
    assert book.status_code == 200
    wb = load_workbook(io.BytesIO(book.content))
    sheet = wb["主要指标"]
    assert sheet["A1"].value == "2026年5月矛盾纠纷分析研判会（2026-05-01至2026-05-31）"
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["登记"] == 2 and rows["受理"] == 1 and rows["人次"] == 4
    stock = {row[0]: row[1] for row in wb["存量与增量"].iter_rows(min_row=2, values_only=True)}
    assert stock["新增（登记）"] == 2 and stock["办结"] == stock["不予受理"] == stock["转送"] == 0
    decisions = list(wb["本次议定事项"].iter_rows(min_row=2, values_only=True))
    assert decisions[0][0] == "东村征地补偿问题专题研究" and decisions[0][3] == "未完成"
    exports = AuditRecord.objects.filter(action="data.export", actor=people["leader"]).order_by("id")
    assert [e.details["what"] for e in exports] == ["meeting_pack.pdf", "meeting_pack.xlsx"]
    assert all(e.details["meeting"] == meeting.pk for e in exports)
