"""The portal in a real browser at phone size: a citizen submits online, the clerk sees it on the desk, the centre
accepts, assigns and replies, the citizen tracks it, rates it and asks for review."""

import pytest

from jiefen.cases.models import Case, Channel, Status

from ..factories import VALID_IDS, build_org, build_personas
from ..test_portal import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db):
    org = build_org()
    return org, build_personas(org)


def test_a_citizen_submits_tracks_rates_and_asks_for_review(
    world, browser, login_page, live_server, shoot, tmp_path, settings,
):
    _org, people = world
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "工资条.png"
    photo.write_bytes(png_bytes(40, 30))

    # The citizen finds the guide and the online form on a phone.
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    citizen = context.new_page()
    citizen.goto(f"{live_server.url}/public/")
    citizen.click("#centres >> text=青山镇矛调中心")
    assert "诉访分离" in citizen.inner_text("main") and citizen.locator("#duty-link").count() == 1
    shoot(citizen, "portal-01-guide-phone")
    citizen.click("#start-petition")
    citizen.fill("input[name=name]", "林小河")
    citizen.fill("input[name=id_number]", VALID_IDS[1])
    citizen.fill("input[name=phone]", "13900139000")
    citizen.select_option("select[name=village]", label="东村")
    citizen.fill("input[name=address]", "东村3组")
    citizen.select_option("select[name=category]", label="劳动工资")
    citizen.fill("textarea[name=request]", "要求工地老板结清拖欠的三个月工资")
    citizen.fill("textarea[name=facts]", "2026年6月至8月在镇东工地务工，老板以工程款未到位为由拒付")
    citizen.set_input_files("input[name=attachments]", str(photo))
    citizen.check("input[name=truthful]")
    shoot(citizen, "portal-02-petition-filled-phone")
    citizen.dblclick("#submit-petition")  # a double click posts the same form (same key) twice
    citizen.wait_for_url("**/public/submitted/")
    case = Case.objects.get()
    assert case.channel == Channel.ONLINE and case.documents.count() == 1
    assert citizen.inner_text("#case-number") == case.number and citizen.inner_text("#query-code") == case.query_code
    assert citizen.locator("svg.qr").count() == 1
    shoot(citizen, "portal-03-submitted-phone")

    # The clerk sees it on the desk as 网上.
    clerk = login_page(people["clerk"])
    assert case.number in clerk.inner_text("#online-inbox") and "网上" in clerk.inner_text("#online-inbox")
    shoot(clerk, "portal-04-desk-online-inbox")

    # The duty leader accepts and assigns it; the village handler signs for it and serves the written reply.
    leader = login_page(people["leader"])
    leader.goto(f"{live_server.url}/cases/{case.number}/")
    leader.click("#step-accept summary")
    leader.click("#step-accept button")
    leader.wait_for_load_state()
    leader.click("#step-assign summary")
    leader.select_option("#id_assign-unit", label="东村")
    leader.click("#step-assign button")
    leader.wait_for_load_state()
    handler = login_page(people["handler"], viewport=PHONE)
    handler.goto(f"{live_server.url}/cases/{case.number}/")
    handler.click("#step-sign_for summary")
    handler.click("#step-sign_for button")
    handler.wait_for_load_state()
    handler.click("#step-note summary")
    handler.fill("#id_note-text", "内部记录：已约谈工地负责人")
    handler.click("#step-note button")
    handler.wait_for_load_state()
    handler.click("#step-draft_reply summary")
    handler.check("input[name=draft_reply-outcome][value=support]")
    handler.fill("#id_draft_reply-content", "经核实，拖欠工资属实，责成工地负责人于12月5日前足额支付。")
    handler.click("#step-draft_reply button")
    handler.wait_for_load_state()
    leader.goto(f"{live_server.url}/cases/{case.number}/")
    leader.click("#step-sign_off summary")
    leader.check("input[name=sign_off-approved][value='1']")
    leader.click("#step-sign_off button")
    leader.wait_for_load_state()
    handler.goto(f"{live_server.url}/cases/{case.number}/")
    handler.click("#step-reply summary")
    handler.click("#step-reply button")
    handler.wait_for_load_state()
    assert "已答复" in handler.inner_text(".case-head")

    # The citizen tracks it with number and code: state, public steps, no internal note, no staff name.
    citizen.goto(f"{live_server.url}/public/track/")
    citizen.fill("input[name=number]", case.number)
    citizen.fill("input[name=code]", case.query_code)
    citizen.click("#track-submit")
    citizen.wait_for_url("**/public/track/case/")
    assert case.query_code not in citizen.url
    main = citizen.inner_text("main")
    assert "已答复" in main and "东村签收办理" in main and "处理意见书（PDF）" in main
    assert "内部记录" not in main and "赵村干" not in main and VALID_IDS[1] not in citizen.content()
    shoot(citizen, "portal-05-tracked-phone")

    # Rates, then asks for review within the window.
    citizen.check("input[name=rating][value=不满意]")
    citizen.fill("textarea[name=reason]", "只付了一半")
    citizen.click("#rate-submit")
    citizen.wait_for_load_state()
    assert "感谢您的评价" in citizen.inner_text(".messages")
    citizen.click("#review-submit")
    citizen.wait_for_load_state()
    assert "申请已提交" in citizen.inner_text(".messages") and "复查中" in citizen.inner_text("#track-state")
    shoot(citizen, "portal-06-review-requested-phone")
    case.refresh_from_db()
    assert case.satisfaction == "不满意" and case.status == Status.REVIEW_REQUESTED
    assert list(case.events.values_list("kind", flat=True))[-2:] == ["satisfaction", "request_review"]

    # The centre sees both on the case page.
    leader.goto(f"{live_server.url}/cases/{case.number}/")
    assert "网上评价：不满意" in leader.inner_text("main") and leader.inner_text("#satisfaction") == "不满意"
    assert "复查中" in leader.inner_text(".case-head")
    shoot(leader, "portal-07-case-after-review-request")
    context.close()
