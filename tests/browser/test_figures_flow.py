"""The figures in a real browser: a leader opens the dashboard, drills from a village's overdue count into its
cases, creates an analysis meeting, exports its PDF and records two decisions. At desktop and phone size."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from jiefen.cases.steps import do_accept_case
from jiefen.figures.models import AnalysisMeeting, MeetingDecision

from ..factories import build_org, build_personas, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db):
    org = build_org()
    people = build_personas(org)
    now = timezone.now()
    # Forty days ago and never decided on: its 15-day acceptance clock ran out long since.
    late = register(people["clerk"], village=org["village_a"], head_count=2, received_at=now - dt.timedelta(days=40),
                    request="反映东村三组土地承包纠纷长期未解决")
    register(people["clerk"], village=org["village_a"], head_count=5, request="反映东村道路施工扬尘扰民",
             parties=[{"name": "陈大山", "role": "representative"}])
    accepted = register(people["clerk"], village=org["village_b"], request="反映西村邻里宅基地界址纠纷")
    do_accept_case(people["leader"], accepted, expected_version=accepted.version)
    return org, people, late


def test_a_leader_drills_into_overdue_cases_and_prepares_the_meeting(world, login_page, live_server, shoot):
    _org, people, late = world
    leader = login_page(people["leader"])
    leader.goto(f"{live_server.url}/figures/")
    leader.wait_for_selector("[data-chart=trend] svg")  # ECharts, served locally, drew the chart
    assert "登记信访事项和矛盾纠纷 3 件 8 人次" in leader.inner_text("[data-test=sentence]")
    shoot(leader, "figures-01-dashboard")

    # From 东村's overdue count to exactly its overdue cases.
    row = leader.locator("tr[data-place=东村]")
    assert row.locator("a[data-figure=overdue]").inner_text() == "1"
    row.locator("a[data-figure=overdue]").click()
    leader.wait_for_load_state()
    assert "/cases/" in leader.url and "flag=overdue" in leader.url
    table = leader.inner_text("#case-table")
    assert late.number in table and "扬尘" not in table and "西村" not in table
    shoot(leader, "figures-02-drill-overdue")

    # A meeting for the last two months: the pack is assembled from the live figures.
    leader.goto(f"{live_server.url}/figures/meetings/")
    today = timezone.localdate()
    leader.fill("#id_title", "矛盾纠纷分析研判会（浏览器测试）")
    leader.fill("#id_period_start", (today - dt.timedelta(days=60)).isoformat())
    leader.fill("#id_period_end", today.isoformat())
    leader.fill("#id_held_on", today.isoformat())
    leader.click("button[name=create]")
    leader.wait_for_load_state()
    meeting = AnalysisMeeting.objects.get()
    assert leader.url.endswith(f"/figures/meetings/{meeting.pk}/")
    assert "五、超期和临期案件" in leader.content() and late.number in leader.content()
    shoot(leader, "figures-03-meeting")

    # The PDF export: Chinese text and the chart in it.
    href = leader.get_attribute("[data-test=pdf]", "href")
    response = leader.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).replace("\n", "")
    assert "矛盾纠纷分析研判会（浏览器测试）" in text and "近12个月受理、办结和存量" in text

    # Two decisions, each with an owner and a due date.
    for text, owner, days in (("东村土地承包纠纷由张主任包案，两周内化解", "张主任", 14),
                              ("西村宅基地纠纷组织现场勘界", "赵村干", 7)):
        leader.fill("#id_text", text)
        leader.select_option("#id_owner", label=owner)
        leader.fill("#id_due_on", (today + dt.timedelta(days=days)).isoformat())
        leader.click("#decisions button:has-text('记录')")
        leader.wait_for_load_state()
        assert text in leader.inner_text("#decisions")
    assert MeetingDecision.objects.filter(meeting=meeting).count() == 2
    shoot(leader, "figures-04-decisions")

    # The owner finds it on the home page.
    director = login_page(people["director"], viewport=PHONE)
    assert "东村土地承包纠纷由张主任包案" in director.inner_text("main")
    shoot(director, "figures-05-owner-home-phone")


def test_the_dashboard_and_the_meeting_read_on_a_phone(world, login_page, live_server, shoot):
    _org, people, _late = world
    leader = login_page(people["leader"], viewport=PHONE)
    leader.goto(f"{live_server.url}/figures/")
    leader.wait_for_selector("[data-chart=stock] svg")
    width = leader.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width  # nothing forces sideways scrolling of the page
    shoot(leader, "figures-06-dashboard-phone")
    supervisor = login_page(people["supervisor"])
    supervisor.goto(f"{live_server.url}/figures/")
    supervisor.wait_for_selector("[data-chart=place] svg")
    assert "各乡镇（街道）对比" in supervisor.content()
    shoot(supervisor, "figures-07-county")
