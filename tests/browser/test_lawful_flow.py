"""Issue 12 in a real browser: a 申诉求决 matter handed down from above goes through the township's handling, 审签,
service, 复查 and 复核 decided by the organs above, and 终结; the same person then comes back and the desk flags it.
An accusation answered the same way never reaches 复查."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from jiefen.cases.models import Case, Channel, LegalClass, Status
from jiefen.cases.steps import do_accept_case, do_assign_case, do_sign_for_case

from ..factories import VALID_IDS, build_org, build_personas, register, reply_signed_off

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db):
    org = build_org()
    return org, build_personas(org)


def open_step(page, action):
    page.click(f"#step-{action} summary")
    return page.locator(f"#step-{action} form")


def submit(page, action):
    page.click(f"#step-{action} form button")
    page.wait_for_load_state()


def pdf_text(page, href):
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages)), response.body()


def test_a_claim_goes_through_three_levels_to_finality_and_its_return_is_flagged(
    world, login_page, live_server, shoot
):
    org, people = world
    today = timezone.localdate().isoformat()
    case = register(people["clerk"], village=org["village_a"], channel=Channel.ASSIGNED,
                    request="要求落实东村三组土地征收补偿款", parties=[{"name": "陈大山", "id_number": VALID_IDS[0]}])
    url = f"{live_server.url}/cases/{case.number}/"

    # The duty leader accepts it and hands it to the village.
    leader = login_page(people["leader"])
    leader.goto(url)
    open_step(leader, "accept")
    submit(leader, "accept")
    open_step(leader, "assign")
    leader.select_option("#id_assign-unit", label="东村")
    submit(leader, "assign")
    assert "已交办待签收" in leader.inner_text(".case-head")
    # The 受理告知书 is issued by the township's government, waiting to be served.
    assert "受理告知书" in leader.inner_text("#issued") and "待送达" in leader.inner_text("#issued")

    # The village handler signs for it and drafts the written answer on a phone.
    handler = login_page(people["handler"], viewport=PHONE)
    handler.goto(url)
    open_step(handler, "sign_for")
    submit(handler, "sign_for")
    open_step(handler, "draft_reply")
    handler.check("input[name=draft_reply-outcome][value=reject]")
    handler.fill("#id_draft_reply-content", "补偿款已按村民代表会议通过的方案发放到户，要求再次分配缺乏依据。")
    shoot(handler, "lawful-01-draft-phone")
    submit(handler, "draft_reply")
    assert handler.locator("#step-reply").count() == 0 and handler.locator("#step-sign_off").count() == 0

    # 审签: the township's leader reads the draft and signs it off.
    leader.goto(url)
    open_step(leader, "sign_off")
    assert "要求再次分配缺乏依据" in leader.inner_text("#step-sign_off")
    leader.check("input[name=sign_off-approved][value='1']")
    shoot(leader, "lawful-02-sign-off")
    submit(leader, "sign_off")

    # Served by post; the document is the government's, cites the verified articles, names the organ above.
    handler.goto(url)
    open_step(handler, "reply")
    handler.select_option("#id_reply-service_method", value="post")
    submit(handler, "reply")
    assert "已答复" in handler.inner_text(".case-head")
    issued = handler.inner_text("#issued")
    assert "处理意见书" in issued and "邮寄送达" in issued and "回证待收回" in issued
    shoot(handler, "lawful-03-served-phone")
    href = handler.locator("#issued a", has_text="处理意见书").get_attribute("href")
    text, first = pdf_text(handler, f"{live_server.url}{href}")
    assert text.startswith("青山镇人民政府青山镇信访处〔") and "矛盾纠纷调处化解中心" not in text
    assert "《信访工作条例》第三十二条" in text and "依照《信访工作条例》第三十五条的规定" in text
    assert "向青山县人民政府请求复查" in text
    _again, second = pdf_text(handler, f"{live_server.url}{href}")
    assert second == first  # printed again: the document as served, byte for byte

    # 复查 at the county: requested at the desk, decided by 青山县人民政府, recorded from its paper.
    clerk = login_page(people["clerk"])
    clerk.goto(url)
    open_step(clerk, "request_review")
    clerk.fill("#id_request_review-requested_on", today)
    submit(clerk, "request_review")
    open_step(clerk, "decide_review")
    assert clerk.input_value("#id_decide_review-organ") == "青山县人民政府"
    clerk.fill("#id_decide_review-doc_number", "青政复〔2026〕8号")
    clerk.check("input[name=decide_review-outcome][value=uphold]")
    clerk.fill("#id_decide_review-served_on", today)
    clerk.fill("#id_decide_review-content", "原处理意见认定事实清楚，予以维持。")
    shoot(clerk, "lawful-04-review-recorded")
    submit(clerk, "decide_review")
    assert "复查已决定" in clerk.inner_text(".case-head")
    assert "青山县人民政府复查意见（青政复〔2026〕8号）：维持" in clerk.inner_text("main")

    # 复核 above the county: recorded the same way; the matter is final.
    open_step(clerk, "request_rereview")
    clerk.fill("#id_request_rereview-requested_on", today)
    submit(clerk, "request_rereview")
    open_step(clerk, "decide_rereview")
    clerk.fill("#id_decide_rereview-organ", "青州市人民政府")
    clerk.fill("#id_decide_rereview-doc_number", "青州政复核〔2026〕3号")
    clerk.check("input[name=decide_rereview-outcome][value=uphold]")
    clerk.fill("#id_decide_rereview-served_on", today)
    clerk.fill("#id_decide_rereview-content", "同意复查意见。")
    submit(clerk, "decide_rereview")
    assert "已终结" in clerk.inner_text(".case-head")
    shoot(clerk, "lawful-05-final")
    case.refresh_from_db()
    assert case.status == Status.FINAL

    # The same person comes back with the same request: the desk flags the matter as final, with the rule.
    clerk.goto(f"{live_server.url}/desk/")
    clerk.check("input[name=channel][value=visit]")
    clerk.select_option("select[name=category]", label="劳动工资")
    clerk.select_option("select[name=village]", label="东村")
    clerk.fill("textarea[name=request]", "再次要求落实东村三组土地征收补偿款")
    clerk.fill("#id_party-0-name", "陈大山")
    clerk.fill("#id_party-0-id_number", VALID_IDS[0])
    clerk.click("#submit-intake")
    clerk.wait_for_load_state()
    flagged = clerk.inner_text("main")
    assert "已终结" in flagged and case.number in flagged and "第三十六条第三款" in flagged and "不再受理" in flagged
    assert Case.objects.count() == 1
    shoot(clerk, "lawful-06-return-flagged")
    # Same facts and reasons: registered as a return after 终结, counted apart, and 不予受理 proposed with the rule.
    clerk.click("button:has-text('登记为终结后重复信访')")
    clerk.wait_for_url("**/cases/*/")
    again = Case.objects.exclude(pk=case.pk).get()
    assert again.final_repeat_of == case
    assert "终结后重复信访" in clerk.inner_text("main") and case.number in clerk.inner_text("main")
    leader.goto(f"{live_server.url}/cases/{again.number}/")
    open_step(leader, "not_accept")
    assert "第三十六条第三款" in leader.input_value("#id_not_accept-reason")
    shoot(leader, "lawful-07-return-not-accepted")


def test_an_accusation_is_fed_back_and_never_reaches_review(world, login_page, live_server, shoot):
    org, people = world
    case = register(people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION,
                    accused_unit=org["village_b"], request="举报西村村干部优亲厚友")
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["land_office"])
    do_sign_for_case(people["land_handler"], case, expected_version=case.version)
    reply_signed_off(people["land_handler"], case, outcome="support", served_on=timezone.localdate(),
                     content="经核查，反映问题部分属实，已移交镇纪委处理。")
    clerk = login_page(people["clerk"])
    clerk.goto(f"{live_server.url}/cases/{case.number}/")
    assert "已答复" in clerk.inner_text(".case-head")
    assert clerk.locator("#step-request_review").count() == 0 and "复查申请期限" not in clerk.inner_text("#clocks")
    assert "检举控告办理情况反馈书" in clerk.inner_text("#issued")
    shoot(clerk, "lawful-08-accusation-no-review")
