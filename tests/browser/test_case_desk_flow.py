"""The issue's walk-through in a real browser: group visit of 6 → accept, assign → handle, reply → closed."""

import pytest

from jiefen.cases.models import Case, Status

from ..factories import VALID_IDS, build_org, build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    org = build_org()
    return org, build_personas(org)


def list_row(page, live_server, number):
    page.goto(f"{live_server.url}/cases/?q={number}")
    return page.locator("table.cases tbody tr", has_text=number)


def test_a_group_visit_goes_from_desk_to_closure(world, login_page, live_server, shoot):
    _org, people = world

    # The reception clerk registers a group visit of 6 people with two representatives.
    clerk = login_page(people["clerk"])
    assert clerk.url.endswith("/desk/")
    clerk.check("input[name=channel][value=visit]")
    clerk.select_option("select[name=category]", label="劳动工资")
    clerk.select_option("select[name=village]", label="东村")
    clerk.fill("input[name=head_count]", "6")
    clerk.select_option("select[name=receiving_leader]", label="李书记")
    clerk.fill("textarea[name=request]", "要求工地老板结清拖欠六人的工资共计八万元")
    clerk.fill("textarea[name=facts]", "2026年3月至8月在镇东工地务工，老板以工程款未到位为由拒付")
    clerk.fill("#id_party-0-name", "陈大山")
    clerk.select_option("#id_party-0-role", "representative")
    clerk.fill("#id_party-0-id_number", VALID_IDS[0])
    clerk.fill("#id_party-0-phone", "13800138000")
    clerk.click("#add-party")
    clerk.fill("#id_party-1-name", "林小河")
    clerk.select_option("#id_party-1-role", "representative")
    clerk.fill("#id_party-1-id_number", VALID_IDS[1])
    shoot(clerk, "01-desk-filled")
    clerk.click("#submit-intake")
    clerk.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert case.person_times == 6 and case.is_group and case.receiving_leader == people["leader"]
    assert "已登记" in clerk.inner_text(".messages")
    shoot(clerk, "02-case-registered")
    acceptance_due = case.deadlines.get(rule__code="acceptance").due_on
    row = list_row(clerk, live_server, case.number)
    assert "已登记" in row.inner_text() and acceptance_due.strftime("%m-%d") in row.inner_text()
    shoot(clerk, "03-list-registered")

    # The duty leader accepts it and assigns it to the village.
    leader = login_page(people["leader"])
    assert case.number in leader.inner_text("main")  # waiting for a decision on the leader's home
    shoot(leader, "04-leader-home")
    leader.goto(f"{live_server.url}/cases/{case.number}/")
    leader.click("#step-accept summary")
    leader.click("#step-accept button")
    leader.wait_for_load_state()
    assert "已受理" in leader.inner_text(".case-head")
    leader.click("#step-assign summary")
    leader.select_option("#id_assign-unit", label="东村")
    leader.fill("#id_assign-note", "请东村会同劳动保障所核实")
    leader.click("#step-assign button")
    leader.wait_for_load_state()
    assert "已交办待签收" in leader.inner_text(".case-head")
    assert "办理期限" in leader.inner_text("#clocks")
    shoot(leader, "05-case-assigned")
    handling_due = case.deadlines.get(rule__code="handling").due_on
    row = list_row(leader, live_server, case.number)
    assert "已交办待签收" in row.inner_text() and "东村" in row.inner_text()
    assert handling_due.strftime("%m-%d") in row.inner_text()

    # The village handler records handling and serves the written reply.
    handler = login_page(people["handler"], viewport={"width": 390, "height": 844})
    handler.goto(f"{live_server.url}/cases/{case.number}/")
    handler.click("#step-sign_for summary")
    handler.click("#step-sign_for button")
    handler.wait_for_load_state()
    assert "办理中" in handler.inner_text(".case-head")
    handler.click("#step-note summary")
    handler.fill("#id_note-text", "已约谈工地负责人，承诺十日内支付")
    handler.click("#step-note button")
    handler.wait_for_load_state()
    # The village handler drafts the written answer; the township's leader signs it off (审签); then it is served.
    handler.click("#step-draft_reply summary")
    handler.check("input[name=draft_reply-outcome][value=support]")
    handler.fill("#id_draft_reply-content", "经核实，拖欠工资属实，责成工地负责人于12月5日前足额支付。")
    shoot(handler, "06-handler-draft-phone")
    handler.click("#step-draft_reply button")
    handler.wait_for_load_state()
    assert handler.locator("#step-reply").count() == 0  # not served before it is signed off
    leader.goto(f"{live_server.url}/cases/{case.number}/")
    leader.click("#step-sign_off summary")
    assert "拖欠工资属实" in leader.inner_text("#step-sign_off")
    leader.check("input[name=sign_off-approved][value='1']")
    leader.click("#step-sign_off button")
    leader.wait_for_load_state()
    handler.goto(f"{live_server.url}/cases/{case.number}/")
    handler.click("#step-reply summary")
    handler.select_option("#id_reply-service_method", value="direct")
    shoot(handler, "06-handler-serve-phone")
    handler.click("#step-reply button")
    handler.wait_for_load_state()
    assert "已答复" in handler.inner_text(".case-head")
    assert "复查申请期限" in handler.inner_text("#clocks")
    assert "直接送达" in handler.inner_text("#issued")
    handler.click("#step-close summary")
    handler.check("input[name=close-resolved][value='1']")
    handler.click("#step-close button")
    handler.wait_for_load_state()
    assert "已办结" in handler.inner_text(".case-head")
    shoot(handler, "07-case-closed-phone")

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.resolved is True
    assert list(case.events.values_list("kind", flat=True)) == [
        "register",
        "accept",
        "assign",
        "sign_for",
        "note",
        "draft_reply",
        "sign_off",
        "reply",
        "close",
    ]
    row = list_row(clerk, live_server, case.number)
    assert "已办结" in row.inner_text() and "超期" not in row.inner_text()
    shoot(clerk, "08-list-closed")
