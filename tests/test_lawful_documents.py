"""Issue 12: the articles we print, the organ that issues each document, the route of each class, 审签 before
service, and what was served kept as it was served. One test per article names it."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse

from jiefen.cases import law
from jiefen.cases.errors import ActionError
from jiefen.cases.models import Deadline, IssuedDocument, LegalClass, Party, Status
from jiefen.cases.notices import NoticeUnavailable, render_notice, render_service_receipt
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_draft_reply,
    do_extend_deadline,
    do_forward_case,
    do_reply_case,
    do_request_review,
    do_return_receipt,
    do_serve_document,
    do_sign_for_case,
    do_sign_off,
    registry,
)
from jiefen.clocks.models import ClockRule
from jiefen.org.organs import handling_organ, organ_above, organ_of

from .factories import register, reply_signed_off, unit
from .test_notices import assert_served_and_filed_safely, on, petition, text_of

D = dt.date
ACCEPTED_ON = D(2026, 6, 3)


def handled(org, people, day=ACCEPTED_ON, **extra):
    with on(D(2026, 6, 2)):
        case = register(people["clerk"], village=org["village_a"], **extra)
    with on(day):
        do_accept_case(people["leader"], case, expected_version=case.version)
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
        do_sign_for_case(people["handler"], case, expected_version=case.version)
    return case


# ---- the articles, one test each ---------------------------------------------------------------------------


def rule(code):
    return ClockRule.objects.get(code=code)


def test_article_23_2_the_15_day_written_notice_of_a_matter_raised_directly(org, people):
    acceptance = rule("acceptance")
    assert acceptance.legal_basis.startswith("《信访工作条例》第二十三条第二款：")
    assert "15日内书面告知信访人" in acceptance.legal_basis and "住址不清的除外" in acceptance.legal_basis
    assert "szft.gov.cn" in acceptance.source
    text = text_of(render_notice_receipt(org, people))
    assert "依照《信访工作条例》第二十三条第二款的规定" in text


def render_notice_receipt(org, people):
    from jiefen.cases.notices import render_receipt

    return render_receipt(petition(org, people, "registered"))


def test_article_23_1_a_forwarded_matter_tells_the_petitioner_where_it_went(org, people):
    with on(D(2026, 6, 2)):
        case = register(people["clerk"], village=org["village_a"])
    with on(D(2026, 6, 4)):
        do_forward_case(people["leader"], case, expected_version=case.version, organ="青山县人力资源和社会保障局")
    text = assert_served_and_filed_safely(render_notice(case, "forward_notice"))
    assert text.startswith("青山镇人民政府青山镇信访转告〔2026〕1号信访事项转送告知书")
    assert f"依照{law.FORWARD.cite}的规定" in text and "已将该事项转送青山县人力资源和社会保障局办理" in text


def test_article_34_sixty_days_for_a_claim_extended_by_the_organs_head_with_a_written_notice(org, people):
    handling = rule("handling")
    assert handling.legal_basis.startswith("《信访工作条例》第三十四条：") and handling.legal_classes == "claim"
    case = handled(org, people)
    assert case.deadlines.get(rule__code="handling").due_on == D(2026, 8, 3)
    with on(D(2026, 7, 20)):
        do_extend_deadline(people["handler"], case, expected_version=case.version, days=15,
                           reason="需会同自然资源所现场勘查", approver=people["leader"])
    text = assert_served_and_filed_safely(render_notice(case, "extension_notice"))
    assert "信访事项延期告知书" in text and "青山镇信访延告〔2026〕1号" in text
    assert "因需会同自然资源所现场勘查，经本机关负责人批准，依照《信访工作条例》第三十四条的规定，办理期限延长15日，" \
           "至2026年8月17日届满" in text


def test_article_35_review_by_the_organ_above_within_30_days(org, people):
    assert rule("review_window").legal_basis.startswith("《信访工作条例》第三十五条：")
    assert rule("review_decision").legal_basis.startswith("《信访工作条例》第三十五条：")
    text = text_of(render_notice(petition(org, people, "replied"), "reply"))
    assert "依照《信访工作条例》第三十五条的规定，自收到本处理意见书之日起30日内，向青山县人民政府请求复查" in text


def test_article_36_rereview_its_hearing_and_finality(org, people):
    assert rule("rereview_window").legal_basis.startswith("《信访工作条例》第三十六条第一款：")
    decision = rule("rereview_decision")
    assert decision.legal_basis.startswith("《信访工作条例》第三十六条第一款、第二款：")
    assert "听证所需时间不计算在期限内" in decision.legal_basis and "gdwsxf.gd.gov.cn" in decision.source
    assert law.FINAL.cite == "《信访工作条例》第三十六条第三款" and "不再受理" in str(law.FINAL.gist)


def test_article_32_the_opinion_states_support_explanation_or_refusal(org, people):
    text = text_of(render_notice(petition(org, people, "replied"), "reply"))
    assert "处理意见：不予支持（《信访工作条例》第三十二条）。" in text


def test_no_rule_prints_a_placeholder_and_every_rule_keeps_its_source(org):
    for row in ClockRule.objects.all():
        assert "待核对" not in row.legal_basis and row.source, row.code


def test_the_mediation_month_is_advisory_and_printed_without_an_unverified_article(org, people):
    mediation = rule("mediation")
    assert mediation.advisory and not mediation.is_obligation
    assert "第三十三条" not in mediation.legal_basis and "第三十四条" not in mediation.legal_basis
    assert "条序未能对照官方文本核实" in mediation.source
    from jiefen.cases.models import Case, Category

    with on(D(2026, 6, 2)):
        dispute = register(people["clerk"], village=org["village_a"], kind=Case.Kind.DISPUTE,
                           legal_class=LegalClass.DISPUTE, category=Category.objects.get(name="邻里纠纷"))
        do_accept_case(people["leader"], dispute, expected_version=dispute.version)
    dispute.refresh_from_db()
    # Running, dated, but never overdue nor supervised: no due date on the lists.
    assert dispute.deadlines.get(rule__code="mediation").state == Deadline.State.RUNNING
    assert dispute.next_due_on is None


def test_the_mediation_month_runs_longer_only_with_the_parties_consent(org, people):
    from jiefen.cases.models import Case, Category
    from jiefen.cases.steps import do_prolong_mediation

    with on(D(2026, 6, 2)):
        dispute = register(people["clerk"], village=org["village_a"], kind=Case.Kind.DISPUTE,
                           legal_class=LegalClass.DISPUTE, category=Category.objects.get(name="邻里纠纷"))
        do_accept_case(people["leader"], dispute, expected_version=dispute.version)
        do_assign_case(people["leader"], dispute, expected_version=dispute.version, unit=org["village_a"])
        do_sign_for_case(people["mediator"], dispute, expected_version=dispute.version)
    assert dispute.status == Status.MEDIATING
    period = dispute.deadlines.get(rule__code="mediation")
    assert period.due_on == D(2026, 7, 2)
    with on(D(2026, 6, 30)):
        with pytest.raises(ActionError, match="须经各方当事人同意"):
            do_prolong_mediation(people["mediator"], dispute, expected_version=dispute.version, days=20,
                                 consent=False, reason="等待鉴定结论")
        event = do_prolong_mediation(people["mediator"], dispute, expected_version=dispute.version, days=20,
                                     consent=True, reason="等待鉴定结论")
    period.refresh_from_db()
    assert period.due_on == D(2026, 7, 22) == D.fromisoformat(event.data["due_on"])
    assert period.additions == [[20, "当事人同意延长"]] and dispute.next_due_on is None


def test_the_supervision_reminder_never_asks_to_extend_a_clock_that_cannot_be(org, people):
    assert rule("rereview_decision").max_extension_days == 0 and rule("handling").max_extension_days == 30


# ---- a route per class ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("legal_class, title, article, closing", [
    (LegalClass.ACCUSATION, "检举控告办理情况反馈书", law.ACCUSATION, "特此反馈"),
    (LegalClass.SUGGESTION, "建议意见答复书", law.SUGGESTION, "特此答复"),
])
def test_accusations_and_suggestions_are_answered_without_the_claim_route(org, people, legal_class, title, article,
                                                                          closing):
    extra = {"accused_unit": org["land_office"]} if legal_class == LegalClass.ACCUSATION else {}
    case = handled(org, people, legal_class=legal_class, **extra)
    # No 60-day limit of 第三十四条 (that is for 第三十一条第六项 matters), no 复查 window after the answer.
    assert not case.deadlines.filter(rule__code="handling").exists()
    with on(D(2026, 6, 20)):
        reply_signed_off(people["handler"], case, outcome="support", served_on=D(2026, 6, 20), content="已查处")
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    assert not case.deadlines.filter(rule__code="review_window").exists()
    assert "request_review" not in {t.action for t in registry.available(people["clerk"], case)}
    with on(D(2026, 6, 21)), pytest.raises(ActionError, match="没有正在计算的申请期限"):
        do_request_review(people["clerk"], case, expected_version=case.version, requested_on=D(2026, 6, 21))
    text = assert_served_and_filed_safely(render_notice(case, "reply"))
    assert f"信访事项{title}" in text and f"依照{article.cite}的规定，{closing}" in text
    assert "请求复查" not in text and "处理意见：" not in text


# ---- 审签 before service ------------------------------------------------------------------------------------


def test_a_village_handler_drafts_the_township_leader_signs_off_and_only_then_it_is_served(org, people):
    case = handled(org, people)
    handler, leader = people["handler"], people["leader"]
    offered = lambda user: {t.action for t in registry.available(user, case)}
    assert "reply" not in offered(handler) and "sign_off" not in offered(leader)
    with on(D(2026, 6, 10)):
        do_draft_reply(handler, case, expected_version=case.version, outcome="support", content="支持补发工资")
        # The village's head is not the head of the organ: he is never offered the sign-off.
        assert "sign_off" not in offered(handler) and "sign_off" in offered(leader)
        assert "reply" not in offered(handler)
        with pytest.raises(ActionError, match="写明理由"):
            do_sign_off(leader, case, expected_version=case.version, approved=False, comment=" ")
        do_sign_off(leader, case, expected_version=case.version, approved=False, comment="补充工资表")
        with pytest.raises(ActionError, match="退回修改"):
            do_reply_case(handler, case, expected_version=case.version, served_on=D(2026, 6, 10))
        do_draft_reply(handler, case, expected_version=case.version, outcome="support", content="支持，附工资表")
        do_sign_off(leader, case, expected_version=case.version, approved=True)
        event = do_reply_case(handler, case, expected_version=case.version, served_on=D(2026, 6, 10),
                              service_method="post")
    assert event.data["signed_by"] == leader.pk and event.data["content"] == "支持，附工资表"
    issued = IssuedDocument.objects.get(event=event)
    assert (issued.service_method, issued.served_on, issued.served_by) == ("post", D(2026, 6, 10), handler)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-5:] == ["draft_reply", "sign_off", "draft_reply", "sign_off", "reply"]


# ---- organs ------------------------------------------------------------------------------------------------


def test_each_unit_works_under_its_organ_and_the_organ_above_reviews(org):
    town, village, county = org["town"], org["village_a"], org["county"]
    assert organ_of(village).name == organ_of(org["land_office"]).name == "青山镇人民政府"
    assert organ_above(organ_of(town)).name == "青山县人民政府"
    assert organ_above(organ_of(county)) is None
    # A department that is an organ of its own, and an organ above named on the unit.
    station = unit("市场监管所", "department", town)
    station.organ_name, station.doc_code = "青山县市场监督管理局青山市场监管所", "青市监"
    station.organ_above = unit("青山县市场监督管理局", "department", county)
    station.save()
    assert organ_of(station).name == "青山县市场监督管理局青山市场监管所"
    assert organ_above(organ_of(station)).name == "青山县市场监督管理局"


def test_a_matter_of_a_unit_that_is_an_organ_is_issued_and_signed_off_in_its_name(org, people):
    station = org["land_office"]
    station.organ_name, station.doc_code = "青山县自然资源和规划局青山自然资源所", "青资"
    station.save()
    with on(D(2026, 6, 2)):
        case = register(people["clerk"], village=org["village_a"])
    with on(D(2026, 6, 3)):
        do_accept_case(people["leader"], case, expected_version=case.version)
        do_assign_case(people["leader"], case, expected_version=case.version, unit=station)
        do_sign_for_case(people["land_handler"], case, expected_version=case.version)
    assert handling_organ(case).name == "青山县自然资源和规划局青山自然资源所"
    with on(D(2026, 6, 10)):
        do_draft_reply(people["land_handler"], case, expected_version=case.version, outcome="explain", content="说明")
        # Its head (孙所长) signs it off; the township's leader is not its head and is not offered the step.
        assert "sign_off" not in {t.action for t in registry.available(people["leader"], case)}
        assert "sign_off" in {t.action for t in registry.available(people["land_handler"], case)}
        with pytest.raises(registry.StepRefused):
            do_sign_off(people["leader"], case, expected_version=case.version, approved=True)
        do_sign_off(people["land_handler"], case, expected_version=case.version, approved=True)
        do_reply_case(people["land_handler"], case, expected_version=case.version, served_on=D(2026, 6, 10))
    text = text_of(render_notice(case, "reply"))
    assert text.startswith("青山县自然资源和规划局青山自然资源所青资处〔2026〕1号")
    assert "（印章）青山县自然资源和规划局青山自然资源所" in text


# ---- kept as served ----------------------------------------------------------------------------------------


def test_a_served_document_printed_again_is_byte_identical_whatever_changed_since(client, org, people):
    case = petition(org, people, "replied")
    first = render_notice(case, "reply")
    issued = case.issued.get(kind="reply")
    assert issued.sha256 == hashlib.sha256(first).hexdigest()
    Party.objects.filter(case=case).update(address="西村9组", name="陈大川")
    again = render_notice(case, "reply")
    assert again == first and "东村1组" in text_of(again) and "陈大川" not in text_of(again)
    client.force_login(people["supervisor"])
    response = client.get(reverse("case_issued", args=[case.number, issued.pk]))
    assert response.status_code == 200 and response.content == first


def test_a_stored_copy_that_no_longer_matches_its_hash_is_never_handed_out(client, org, people):
    case = petition(org, people, "replied")
    render_notice(case, "reply")
    issued = case.issued.get(kind="reply")
    with issued.pdf.open("r+b") as handle:
        handle.seek(-10, 2)
        handle.write(b"tampered!!")
    with pytest.raises(NoticeUnavailable, match="校验值不符"):
        render_notice(case, "reply")
    client.force_login(people["clerk"])
    response = client.get(reverse("case_issued", args=[case.number, issued.pk]))
    assert response.status_code == 409 and "校验值不符" in response.content.decode()


def test_service_of_a_notice_its_receipt_and_the_15_day_check(client, org, people):
    case = handled(org, people)
    notice = case.issued.get(kind="acceptance_notice")
    assert notice.served_on is None and notice.issuer == "青山镇人民政府"
    assert "serve_document" in {t.action for t in registry.available(people["clerk"], case)}
    with on(D(2026, 6, 20)):
        with pytest.raises(ActionError, match="不能早于文书的成文日期"):
            do_serve_document(people["clerk"], case, document=notice, service_method="post", served_on=D(2026, 6, 1))
        do_serve_document(people["clerk"], case, document=notice, service_method="post", served_on=D(2026, 6, 20))
    notice.refresh_from_db()
    assert (notice.service_method, notice.served_on) == ("post", D(2026, 6, 20))
    text = assert_served_and_filed_safely(render_service_receipt(notice))
    assert "送达回证" in text and "信访事项受理告知书" in text and "青山镇信访受告〔2026〕1号" in text
    assert "邮寄送达" in text and "2026年6月20日" in text and "受送达人签收" in text
    client.force_login(people["clerk"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    # Registered 06-02: the notice was due by 06-17 (第二十三条第二款); served 06-20 it is shown as late.
    assert "文书送达" in page and "回证待收回" in page and "超过受理告知期限（2026-06-17）" in page
    with on(D(2026, 6, 25)):
        with pytest.raises(ActionError, match="签收人"):
            do_return_receipt(people["clerk"], case, document=notice, returned_on=D(2026, 6, 25), signer=" ")
        do_return_receipt(people["clerk"], case, document=notice, returned_on=D(2026, 6, 25), signer="陈大山")
    notice.refresh_from_db()
    assert (notice.receipt_returned_on, notice.receipt_signer) == (D(2026, 6, 25), "陈大山")
    assert "return_receipt" not in {t.action for t in registry.available(people["clerk"], case)}


REMAND = {"organ": "青山县人民政府", "doc_number": "青政复〔2026〕2号", "served_on": D(2026, 6, 24)}


def test_a_review_that_revokes_sends_the_matter_back_for_a_new_answer(org, people):
    from jiefen.cases.steps import do_decide_review, do_review_remand

    case = petition(org, people, "replied")
    with on(D(2026, 6, 15)):
        do_request_review(people["clerk"], case, expected_version=case.version, requested_on=D(2026, 6, 15))
    with on(D(2026, 6, 24)):
        # 维持 or 变更 only: a revocation is its own step, for it changes where the case stands.
        with pytest.raises(ActionError, match="登记撤销意见"):
            do_decide_review(people["clerk"], case, expected_version=case.version, **REMAND, outcome="revoke",
                             content="撤销")
        event = do_review_remand(people["clerk"], case, expected_version=case.version, **REMAND,
                                 content="事实不清，责令重新办理")
    case.refresh_from_db()
    assert case.status == Status.IN_HANDLING and case.reply_outcome == "" and event.data["outcome"] == "revoke"
    assert case.deadlines.get(rule__code="review_decision").state == Deadline.State.MET
    # The earlier draft and sign-off are spent: the new answer is drafted and signed off again.
    assert "reply" not in {t.action for t in registry.available(people["handler"], case)}
    with on(D(2026, 7, 6)):
        reply_signed_off(people["handler"], case, outcome="support", served_on=D(2026, 7, 6), content="重新核实后支持")
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    window = case.deadlines.filter(rule__code="review_window", state=Deadline.State.RUNNING).get()
    assert window.started_on == D(2026, 7, 6)


def test_a_sign_off_does_not_survive_a_hand_over_and_a_recused_head_approves_nothing(org, people):
    from jiefen.cases.steps import do_recuse, do_return_case

    case = handled(org, people)
    with on(D(2026, 6, 10)):
        do_draft_reply(people["handler"], case, expected_version=case.version, outcome="support", content="支持")
        do_sign_off(people["leader"], case, expected_version=case.version, approved=True)
        do_return_case(people["handler"], case, expected_version=case.version, reason="不属本村")
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_b"])
        do_sign_for_case(people["other_handler"], case, expected_version=case.version)
        assert "reply" not in {t.action for t in registry.available(people["other_handler"], case)}
        do_recuse(people["leader"], case, reason="与信访人系亲属")
        with pytest.raises(ActionError, match="办理机关负责人批准"):
            do_extend_deadline(people["other_handler"], case, expected_version=case.version, days=5, reason="复杂",
                               approver=people["leader"])


def test_article_23_3_an_item_handed_down_may_be_objected_to_within_5_working_days(org, people):
    from jiefen.cases.models import Channel
    from jiefen.cases.steps import do_object_to_handing_down

    window = rule("objection_window")
    assert window.legal_basis.startswith("《信访工作条例》第二十三条第三款：") and window.unit == "working"
    assert window.channels == "assigned" and "szft.gov.cn" in window.source
    with on(D(2026, 6, 5)):  # a Friday
        handed = register(people["clerk"], village=org["village_a"], channel=Channel.ASSIGNED)
        walked_in = register(people["clerk"], village=org["village_a"])
    # Five working days from Fri 06-05: Mon 06-08 … Fri 06-12.
    assert handed.deadlines.get(rule__code="objection_window").due_on == D(2026, 6, 12)
    assert not walked_in.deadlines.filter(rule__code="objection_window").exists()
    assert "object" not in {t.action for t in registry.available(people["leader"], walked_in)}
    with on(D(2026, 6, 15)), pytest.raises(ActionError, match="异议期限已于2026-06-12届满"):
        do_object_to_handing_down(people["leader"], handed, expected_version=handed.version, reason="不属本镇")
    with on(D(2026, 6, 10)):
        assert "object" in {t.action for t in registry.available(people["leader"], handed)}
        with pytest.raises(ActionError, match="异议理由"):
            do_object_to_handing_down(people["leader"], handed, expected_version=handed.version, reason=" ")
        do_object_to_handing_down(people["leader"], handed, expected_version=handed.version,
                                  reason="所涉企业注册地及经营地均在白水镇，不属本镇职权范围")
    assert handed.deadlines.get(rule__code="objection_window").state == Deadline.State.MET
