"""Issue 12 in a real browser: a 申诉求决 matter handed down from above goes through the township's handling, 审签,
service, 复查 and 复核 decided by the organs above, and 终结; the same person then comes back and the desk flags it.
An accusation answered the same way never reaches 复查."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from jiefen.cases.models import Case, Channel, LegalClass, Status
from jiefen.cases.steps import do_accept_case, do_assign_case, do_sign_for_case
from jiefen.org.models import Role, Unit

from ..factories import VALID_IDS, build_org, build_personas, person, register, reply_signed_off, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db):
    org = build_org()
    people = build_personas(org)
    # The county's 信访局 is on jiefen: it hands items down, reviews reports and decides the county's 复查.
    office = unit("县信访局", Unit.Kind.DEPARTMENT, org["county"])
    office.organ_name, office.doc_code, office.acts_for = "青山县信访局", "青信", org["county"]
    office.save()
    people["county"] = person("xfj", Role.CLERK, office, "冯立群")
    return org, people


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
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

    # The county's 信访局 hands the matter down to 青山镇 with its 交办单 and a deadline.
    county = login_page(people["county"])
    county.goto(f"{live_server.url}/")
    assert county.url.endswith("/handdown/")
    county.select_option("#id_centre", label="青山镇")
    county.check("input[name=mode][value=assign]")
    number = county.input_value("#id_doc_number")
    assert number.startswith("青信交〔") and number.endswith("〕1号")
    county.fill("#id_due_on", due)
    county.select_option("#id_category", label="劳动工资")
    county.fill("#id_request", "要求落实东村三组土地征收补偿款")
    county.fill("#id_requirements", "请依法受理，按期办结并报结")
    county.fill("#id_party-0-name", "陈大山")
    county.fill("#id_party-0-id_number", VALID_IDS[0])
    shoot(county, "lawful-00-hand-down")
    county.click("#submit-hand-down")
    county.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert case.channel == Channel.ASSIGNED and case.centre == org["town"]
    assert "上级交办" in county.inner_text("#handover") and number in county.inner_text("#handover")
    assert county.locator("#actions .step").count() == 0  # the township's work is the township's
    slip_href = county.locator("#issued a", has_text="交办单").get_attribute("href")
    slip, _bytes = pdf_text(county, f"{live_server.url}{slip_href}")
    assert slip.startswith("青山县信访局") and "青山镇人民政府：" in slip and "第二十三条第三款" in slip
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

    # 报结: the leader reports the result to the 信访局, which reviews it and accepts it.
    leader.goto(url)
    open_step(leader, "report_back")
    leader.fill("#id_report_back-result", "已调查核实，出具处理意见书（不予支持）并邮寄送达。")
    submit(leader, "report_back")
    assert "已报结待审核" in leader.inner_text("#handover")
    county.goto(f"{live_server.url}/handdown/")
    assert "已报结待审核" in county.inner_text("#handovers")
    county.click(f"#handovers a:has-text('{case.number}')")
    open_step(county, "accept_report")
    county.fill("#id_accept_report-note", "办理规范，同意报结。")
    shoot(county, "lawful-03b-review-report")
    submit(county, "accept_report")
    assert "审核通过" in county.inner_text("#handover")

    # 复查 at the county: requested at the township's desk, decided on jiefen by the 信访局 for 青山县人民政府.
    clerk = login_page(people["clerk"])
    clerk.goto(url)
    open_step(clerk, "request_review")
    clerk.fill("#id_request_review-requested_on", today)
    submit(clerk, "request_review")
    assert clerk.locator("#step-decide_review").count() == 0  # not the township's to decide
    county.goto(url)
    open_step(county, "decide_review")
    assert county.input_value("#id_decide_review-organ") == "青山县人民政府"
    assert county.locator("#id_decide_review-organ").is_disabled()
    county.fill("#id_decide_review-doc_number", "青政复〔2026〕8号")
    county.check("input[name=decide_review-outcome][value=uphold]")
    county.fill("#id_decide_review-served_on", today)
    county.fill("#id_decide_review-content", "原处理意见认定事实清楚，予以维持。")
    shoot(county, "lawful-04-review-decided")
    submit(county, "decide_review")
    assert "复查已决定" in county.inner_text(".case-head")
    assert "青山县人民政府复查意见（青政复〔2026〕8号）：维持" in county.inner_text("main")
    opinion_href = county.locator("#issued a", has_text="复查意见书").get_attribute("href")
    opinion, _bytes = pdf_text(county, f"{live_server.url}{opinion_href}")
    assert opinion.startswith("青山县人民政府青政复〔2026〕8号") and "维持原处理意见" in opinion
    assert "《信访工作条例》第三十五条" in opinion and "第三十六条第一款" in opinion

    # 复核 above the county: 青州市 is not on jiefen, so the township records its paper decision; the matter is final.
    clerk.goto(url)

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
