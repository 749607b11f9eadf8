"""Issue 4's walk-through on a phone: a grid worker visits a household and finds a dispute, records it onto the
ledger in one step; the leader accepts and sends it to mediation; the mediator records a session and an
agreement, and the case closes as mediated."""

import pytest
from playwright.sync_api import expect

from jiefen.cases.models import Case, Channel, Status
from jiefen.grid.actions import do_add_household, do_add_visitor
from jiefen.grid.models import DisputeRecord, Finding, HouseholdVisit, Visitor

from ..factories import build_org, build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db):
    org = build_org()
    people = build_personas(org)
    worker = do_add_visitor(people["director"], name="周网格", kind=Visitor.Kind.GRID_WORKER, phone="13800000001",
                            grids=[org["grid_a"]], account=people["mediator"])
    do_add_visitor(people["director"], name="陈五老", kind=Visitor.Kind.ELDER, specialities="邻里纠纷",
                   grids=[org["grid_a"]])
    for i, name in enumerate(["张三丰", "李四海", "李四江", "王五岳", "赵六顺"]):
        do_add_household(people["director"], grid=org["grid_a"], head_name=name, address=f"东村1组{i + 1}号", members=3)
    return org, people, worker


def test_a_household_visit_finds_a_dispute_that_is_mediated_to_an_agreement(world, login_page, live_server, shoot):
    _org, people, worker = world

    # The grid worker, on a phone, finds the household by name and records what the visit found.
    phone = login_page(people["mediator"], viewport=PHONE)
    phone.click("nav.mainnav a:has-text('排查走访')")
    phone.click("#nav-visit")
    phone.wait_for_url("**/grid/visits/new/")
    assert phone.input_value("select[name=visitor]") == str(worker.pk)  # who visited: the worker's own row
    phone.fill("#household-search", "李四海")
    expect(phone.locator(".hh-option")).to_have_count(1)  # the list narrows as the worker types (htmx)
    phone.click(".hh-option:has-text('李四海')")
    phone.click(".big-radios label:has-text('发现矛盾纠纷')")
    phone.fill("textarea[name=note]", "与胞弟李四江因老宅继承发生争吵，双方情绪激动")
    shoot(phone, "grid-01-visit-form-phone")
    phone.click("#save-visit")
    phone.wait_for_url("**/grid/visits/*/")
    visit = HouseholdVisit.objects.get()
    assert visit.finding == Finding.DISPUTE and visit.recorded_by == people["mediator"]

    # Straight on to the ledger: the form comes filled from the visit.
    assert phone.input_value("#id_applicant_name") == "李四海"
    phone.select_option("#id_dispute_kind", "family")
    phone.click(".big-radios label:has-text('中')")
    phone.fill("#id_request", "兄弟二人因父母老宅继承发生纠纷，要求分割老宅")
    phone.fill("#id_applicant_phone", "13800138000")
    phone.fill("#id_respondent_name", "李四江")
    phone.select_option("#id_mediator", label="陈五老（五老）")
    shoot(phone, "grid-02-dispute-form-phone")
    phone.click("#save-dispute")
    phone.wait_for_selector("#dispute-case")
    case = Case.objects.get()
    assert (case.kind, case.channel, case.status) == (Case.Kind.DISPUTE, Channel.GRID, Status.REGISTERED)
    assert case.number in phone.inner_text("#dispute-case")
    shoot(phone, "grid-03-case-number-phone")
    record = DisputeRecord.objects.get()
    assert record.source_visit == visit and record.mediator.name == "陈五老"

    # The leader accepts it and sends it to the village's mediators (the case page's own forms).
    leader = login_page(people["leader"])
    leader.goto(f"{live_server.url}/cases/{case.number}/")
    leader.click("#step-accept summary")
    leader.click("#step-accept button")
    leader.wait_for_load_state()
    assert "已受理" in leader.inner_text(".case-head")
    leader.click("#step-assign summary")
    leader.select_option("#id_assign-unit", label="东村")
    leader.fill("#id_assign-note", "请东村人民调解委员会组织调解")
    leader.click("#step-assign button")
    leader.wait_for_load_state()
    assert "已交办待签收" in leader.inner_text(".case-head")

    # The mediator (the same grid worker's account) signs for it, mediates, records the agreement and closes it.
    phone.click("#dispute-case a:has-text('查看案件')")
    phone.wait_for_url(f"**/cases/{case.number}/")
    phone.click("#step-sign_for summary")
    phone.click("#step-sign_for button")
    phone.wait_for_load_state()
    assert "调解中" in phone.inner_text(".case-head")
    phone.click("#step-mediation_session summary")
    phone.fill("#id_mediation_session-place", "东村调解室")
    phone.fill("#id_mediation_session-minutes", "调解员释法明理，兄弟二人同意老宅由李四江继承并向李四海支付折价款。")
    shoot(phone, "grid-04-mediation-session-phone")
    phone.click("#step-mediation_session button")
    phone.wait_for_load_state()
    phone.click("#step-agree summary")
    phone.fill("#id_agree-terms", "老宅由李四江继承，李四江于三个月内向李四海支付折价款三万元。")
    shoot(phone, "grid-05-agreement-phone")
    phone.click("#step-agree button")
    phone.wait_for_load_state()
    assert "达成调解协议" in phone.inner_text(".case-head")
    phone.click("#step-close summary")
    phone.check("input[name=close-resolved][value='1']")
    phone.click("#step-close button")
    phone.wait_for_load_state()
    assert "已办结" in phone.inner_text(".case-head")
    shoot(phone, "grid-06-case-closed-phone")

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.resolved is True
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["register", "accept", "assign", "sign_for", "mediation_session", "agree", "close"]

    # The ledger shows it settled by agreement; the coverage page counts the visit.
    phone.goto(f"{live_server.url}/grid/ledger/?status=agreed")
    assert case.number in phone.inner_text("main")
    shoot(phone, "grid-07-ledger-phone")
    phone.goto(f"{live_server.url}/grid/coverage/")
    assert "20.0%" in phone.inner_text("#coverage-table")  # 1 of 5 households
    shoot(phone, "grid-08-coverage-phone")
