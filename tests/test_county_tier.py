"""Issue 12, the county tier: items handed down (交办、转送) with their 交办单, the township's report back (报结) and
the county's review of it (审核报结), and 复查 decided on jiefen by the organ above, in its own name."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiefen.cases.actions.handover import next_doc_number
from jiefen.cases.actions.intake import Intake
from jiefen.cases.errors import ActionError
from jiefen.cases.models import Case, Category, Channel, Deadline, Handover, IssuedDocument, LegalClass, Status
from jiefen.cases.notices import available_notices, render_notice
from jiefen.cases.steps import (
    do_accept_case,
    do_accept_report,
    do_assign_case,
    do_decide_review,
    do_report_back,
    do_request_review,
    do_return_report,
    do_sign_for_case,
    registry,
)
from jiefen.org.authz import scope_of
from jiefen.org.models import Role, Unit

from .factories import HIGHER, VALID_IDS, hand_down, person, reply_signed_off, unit
from .test_notices import text_of


@pytest.fixture
def county(org):
    """The county's 信访局 (an organ of its own, acting for the county's government) and one of its desk staff."""
    office = unit("县信访局", Unit.Kind.DEPARTMENT, org["county"])
    office.organ_name, office.doc_code, office.acts_for = "青山县信访局", "青信", org["county"]
    office.save()
    return person("xfj", Role.CLERK, office, "冯立群")


def answered(case, people, org):
    """The township takes the item and serves its signed-off answer."""
    leader = people["leader"]
    do_accept_case(leader, case, expected_version=case.version)
    do_assign_case(leader, case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    reply_signed_off(people["handler"], case, outcome="support", served_on=timezone.localdate(), content="予以支持")
    return case


def test_the_county_office_hands_an_item_down_with_its_slip_and_the_township_has_its_objection_window(
    org, people, county
):
    assert scope_of(county).centre_ids == (org["town"].pk, org["other_town"].pk)
    assert next_doc_number(county) == f"青信交〔{timezone.localdate().year}〕1号"
    case = hand_down(county, org["town"], requirements="30日内办结并报结")
    assert case.centre == org["town"] and case.channel == Channel.ASSIGNED and case.status == Status.REGISTERED
    handover = case.handover
    assert (handover.from_organ, handover.report, handover.sent_by) == ("青山县信访局", Handover.Report.PENDING, county)
    assert case.deadlines.get(rule__code="objection_window").state == Deadline.State.RUNNING
    assert next_doc_number(county).endswith("2号")
    # The 交办单 is the 信访局's document, addressed to the township's government, never served on the petitioner.
    slip = IssuedDocument.objects.get(case=case, kind="handover_slip")
    assert (slip.issuer, slip.doc_number) == ("青山县信访局", handover.doc_number)
    text = text_of(render_notice(case, "handover_slip"))
    assert "信访事项交办单" in text and "青山镇人民政府：" in text and "青山县信访局" in text
    assert "《信访工作条例》第二十三条第三款" in text and "5个工作日内" in text and "30日内办结并报结" in text
    assert "handover_slip" in available_notices(case)
    assert "handover_slip" not in available_notices(case, petitioner=True)
    assert "serve_document" not in {t.action for t in registry.available(people["clerk"], case)}


def test_what_a_hand_down_refuses_changes_nothing(org, people, county):
    count = Case.objects.count()
    with pytest.raises(ActionError, match="只能向本级所辖的乡镇"):
        Intake.build(county, centre=org["county"], kind=Case.Kind.PETITION, channel=Channel.ASSIGNED,
                     legal_class=LegalClass.CLAIM, category=Category.objects.first(), request="x",
                     parties=[{"name": "甲"}])
    with pytest.raises(ActionError, match="县（区）级及以上机关"):
        hand_down(people["clerk"], org["town"])
    with pytest.raises(ActionError, match="须规定办理期限"):
        hand_down(county, org["town"], due_days=0)
    with pytest.raises(ActionError, match="办理期限应在今天之后"):
        hand_down(county, org["town"], due_days=-1)
    hand_down(county, org["town"], doc_number="青信交〔2026〕9号")
    with pytest.raises(ActionError, match="已经使用"):
        hand_down(county, org["other_town"], doc_number="青信交〔2026〕9号")
    assert Case.objects.count() == count + 1
    # 转送 may come without a deadline.
    assert hand_down(county, org["town"], mode="forward", due_days=0).handover.due_on is None


def test_the_county_acts_only_through_its_own_steps(org, people, county):
    case = hand_down(county, org["town"])
    assert registry.available(county, case) == []
    with pytest.raises(registry.StepRefused):
        do_accept_case(county, case, expected_version=case.version)


def test_report_back_then_the_county_accepts_it(org, people, county):
    case = answered(hand_down(county, org["town"], village=org["village_a"]), people, org)
    leader = people["leader"]
    assert {t.action for t in registry.available(leader, case)} >= {"report_back"}
    with pytest.raises(ActionError, match="请填写办理结果"):
        do_report_back(leader, case, expected_version=case.version, reported_on=timezone.localdate(), result=" ")
    case.refresh_from_db()
    assert case.handover.report == Handover.Report.PENDING
    do_report_back(leader, case, expected_version=case.version, reported_on=timezone.localdate(), result="已解决")
    event = case.events.get(kind="report_back")
    assert [d["title"] for d in event.data["documents"]] == ["信访事项受理告知书", "信访事项处理意见书"]
    assert "report_back" not in {t.action for t in registry.available(leader, case)}
    # The county reviews the report; as the 复查 organ it may also take a request for 复查 handed in there.
    assert {t.action for t in registry.available(county, case)} == {"accept_report", "return_report", "request_review"}
    # Not the township's to review, and not another county's office either.
    with pytest.raises(registry.StepRefused):
        do_accept_report(people["director"], case, expected_version=case.version)
    do_accept_report(county, case, expected_version=case.version, note="同意")
    case.refresh_from_db()
    assert case.handover.report == Handover.Report.ACCEPTED and case.status == Status.REPLIED


def test_the_county_sends_a_report_back_to_be_handled_again(org, people, county):
    case = answered(hand_down(county, org["town"], village=org["village_a"]), people, org)
    leader, today = people["leader"], timezone.localdate()
    do_report_back(leader, case, expected_version=case.version, reported_on=today, result="已答复")
    with pytest.raises(ActionError, match="重新办理期限应晚于今天"):
        do_return_report(county, case, expected_version=case.version, reason="未核实", due_on=today)
    do_return_report(county, case, expected_version=case.version, reason="未实地核实", due_on=today + dt.timedelta(10))
    case.refresh_from_db()
    assert case.status == Status.IN_HANDLING and case.reply_outcome == "" and case.reply_served_on is None
    assert case.handover.report == Handover.Report.RETURNED
    assert case.handover.due_on == today + dt.timedelta(10)
    # The 复查 window the sent-back answer opened is closed; a new answer, signed off again, opens a new one.
    assert case.deadlines.get(rule__code="review_window").state == Deadline.State.MET
    assert "reply" not in {t.action for t in registry.available(people["handler"], case)}
    reply_signed_off(people["handler"], case, outcome="support", served_on=today, content="重新核实后予以支持")
    assert {t.action for t in registry.available(leader, case)} >= {"report_back"}


def test_the_review_is_decided_on_jiefen_by_the_county_in_its_governments_name(org, people, county):
    case = answered(hand_down(county, org["town"], village=org["village_a"]), people, org)
    today = timezone.localdate()
    do_request_review(people["clerk"], case, expected_version=case.version, requested_on=today)
    # The county is on jiefen: the township no longer records its decision from paper.
    assert "decide_review" not in {t.action for t in registry.available(people["leader"], case)}
    with pytest.raises(registry.StepRefused):
        do_decide_review(people["leader"], case, expected_version=case.version, **HIGHER, outcome="uphold",
                         served_on=today, content="维持")
    assert "decide_review" in {t.action for t in registry.available(county, case)}
    do_decide_review(county, case, expected_version=case.version, organ="随便写的机关", doc_number="青政复〔2026〕5号",
                     outcome="uphold", served_on=today, content="原处理意见认定事实清楚，予以维持。")
    event = case.events.get(kind="decide_review")
    assert event.data["organ"] == "青山县人民政府" and event.data["on_jiefen"]
    opinion = IssuedDocument.objects.get(case=case, kind="review_opinion")
    assert (opinion.issuer, opinion.doc_number, opinion.served_on) == ("青山县人民政府", "青政复〔2026〕5号", today)
    text = text_of(render_notice(case, "review_opinion"))
    assert "信访事项复查意见书" in text and "维持原处理意见" in text and "青山镇人民政府" in text
    assert "《信访工作条例》第三十五条" in text and "《信访工作条例》第三十六条第一款" in text
    assert "30日内" in text and "青山县的上一级" not in text
    assert "review_opinion" in available_notices(case, petitioner=True)


def test_without_the_county_on_jiefen_the_township_records_the_paper_decision(org, people):
    with_paper = answered(hand_down_free(org, people), people, org)
    today = timezone.localdate()
    do_request_review(people["clerk"], with_paper, expected_version=with_paper.version, requested_on=today)
    do_decide_review(people["leader"], with_paper, expected_version=with_paper.version, **HIGHER, outcome="uphold",
                     served_on=today, content="维持")
    assert not with_paper.events.get(kind="decide_review").data["on_jiefen"]
    assert not IssuedDocument.objects.filter(case=with_paper, kind="review_opinion").exists()


def hand_down_free(org, people):
    """A matter registered at the township's desk (no county staff exist)."""
    from .factories import register

    return register(people["clerk"], village=org["village_a"],
                    parties=[{"name": "陈大山", "id_number": VALID_IDS[1]}])


def test_the_hand_down_page(client, org, people, county):
    client.force_login(people["clerk"])
    assert client.get(reverse("hand_down")).status_code == 403
    client.force_login(county)
    assert client.get(reverse("home"))["Location"] == reverse("hand_down")
    page = client.get(reverse("hand_down"))
    assert page.status_code == 200 and "交办、转送信访事项" in page.content.decode()
    form = {
        "centre": org["town"].pk, "mode": "assign", "doc_number": "青信交〔2026〕21号", "legal_class": "claim",
        "category": Category.objects.get(name="劳动工资").pk, "request": "要求支付拖欠工资", "facts": "",
        "requirements": "", "due_on": "", "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "1", "party-MAX_NUM_FORMS": "20", "party-0-role": "petitioner",
        "party-0-name": "马国庆", "party-0-id_number": "", "party-0-phone": "", "party-0-address": "",
    }
    refused = client.post(reverse("hand_down"), form)
    assert refused.status_code == 200 and "交办事项须规定办理期限" in refused.content.decode()
    assert not Handover.objects.exists()
    form["due_on"] = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    done = client.post(reverse("hand_down"), form)
    case = Handover.objects.get().case
    assert done.status_code == 302 and done["Location"] == reverse("case_detail", args=[case.number])
    listed = client.get(reverse("hand_down")).content.decode()
    assert case.number in listed and "待报结" in listed
    detail = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "上级交办" in detail and "青信交〔2026〕21号" in detail


def test_a_transfer_to_another_township_is_in_system_with_its_letter_and_feedback(org, people):
    from jiefen.cases.steps import do_forward_case

    outsider_leader = person("bs_leader", Role.LEADER, org["other_town"], "钱镇长")
    case = hand_down_free(org, people)
    leader = people["leader"]
    with pytest.raises(ActionError, match="只能转送本系统内的其他乡镇"):
        do_forward_case(leader, case, expected_version=case.version, to_centre=org["town"])
    with pytest.raises(ActionError, match="请填写转送的机关或单位"):
        do_forward_case(leader, case, expected_version=case.version, organ=" ")
    assert Case.objects.count() == 1
    do_forward_case(leader, case, expected_version=case.version, to_centre=org["other_town"], reason="土地在白水镇")
    case.refresh_from_db()
    assert case.status == Status.FORWARDED
    received = Case.objects.get(centre=org["other_town"])
    handover = received.handover
    assert (handover.mode, handover.from_case, handover.from_organ) == ("forward", case, "青山镇人民政府")
    assert handover.doc_number == f"青山镇信访转〔{timezone.localdate().year}〕1号"
    assert received.parties.get().id_number == VALID_IDS[1] and received.channel == Channel.ASSIGNED
    assert received.person_times == case.person_times
    assert case.events.get(kind="forward").data["received_as"] == received.number
    # The 转送告知书 goes to the petitioner; the 转送函 to the township, kept on both sides, served on nobody.
    assert set(available_notices(case)) == {"forward_notice", "transfer_letter"}
    assert available_notices(case, petitioner=True) == ["forward_notice"]
    letter = text_of(render_notice(case, "transfer_letter"))
    assert "信访事项转送函" in letter and "白水镇人民政府：" in letter and "反馈青山镇人民政府" in letter
    slip = IssuedDocument.objects.get(case=received, kind="handover_slip")
    assert (slip.title, slip.issuer, slip.doc_number) == ("信访事项转送函", "青山镇人民政府", handover.doc_number)
    # 白水镇 handles it and reports: the feedback lands on 青山镇's case; nobody reviews a peer's report.
    assert received.deadlines.get(rule__code="objection_window").state == Deadline.State.RUNNING
    do_accept_case(outsider_leader, received, expected_version=received.version)
    do_assign_case(outsider_leader, received, expected_version=received.version, unit=org["other_village"])
    there = person("bs_handler", Role.HANDLER, org["other_village"], "白水村干")
    do_sign_for_case(there, received, expected_version=received.version)
    reply_signed_off(there, received, outcome="support", served_on=timezone.localdate(), content="予以支持")
    do_report_back(outsider_leader, received, expected_version=received.version, reported_on=timezone.localdate(),
                   result="已协调村委会解决")
    received.refresh_from_db()
    assert received.handover.report == Handover.Report.FED_BACK
    feedback = case.events.get(kind="transfer_feedback")
    assert feedback.note == "已协调村委会解决" and received.number in feedback.summary
    assert "report_back" not in {t.action for t in registry.available(outsider_leader, received)}
    assert not any(t.action in ("accept_report", "return_report") for t in registry.available(leader, received))


def test_a_claim_for_a_court_is_diverted_to_an_organ_of_the_list_and_followed_up(org, people):
    from jiefen.cases.models import ReceivingOrgan
    from jiefen.cases.steps import do_not_accept_case, do_track_diversion

    court = ReceivingOrgan.objects.create(name="青山县人民法院", route="litigation", area=org["county"])
    elsewhere = ReceivingOrgan.objects.create(name="外县人民法院", route="litigation",
                                              area=unit("外县", Unit.Kind.COUNTY))
    case = hand_down_free(org, people)
    leader, clerk, today = people["leader"], people["clerk"], timezone.localdate()
    form = registry.get("not_accept").build_form(case, leader)
    assert list(form.fields["receiving_organ"].queryset) == [court]
    with pytest.raises(ActionError, match="请从列表中选择受理机关"):
        do_not_accept_case(leader, case, expected_version=case.version, reason="涉诉", receiving_organ=elsewhere)
    assert "track_diversion" not in {t.action for t in registry.available(clerk, case)}
    do_not_accept_case(leader, case, expected_version=case.version, reason="属于民事纠纷，应通过诉讼解决",
                       receiving_organ=court)
    event = case.events.get(kind="not_accept")
    assert event.data["lawful_channel"] == "向青山县人民法院提起诉讼"
    assert (event.data["route"], event.data["receiving_organ"]) == ("litigation", "青山县人民法院")
    assert "向青山县人民法院提起诉讼" in text_of(render_notice(case, "non_acceptance_notice"))
    assert "track_diversion" in {t.action for t in registry.available(clerk, case)}
    with pytest.raises(ActionError, match="请选择跟踪情况"):
        do_track_diversion(clerk, case, result="", checked_on=today)
    do_track_diversion(clerk, case, result="filed", checked_on=today, note="已立案，案号（2026）青民初123号")
    tracked = case.events.get(kind="track_diversion")
    assert "已立案" in tracked.summary and "青民初123号" in tracked.note


def test_the_rereview_is_decided_on_jiefen_by_the_city_and_the_matter_is_final(org, people, county):
    from jiefen.cases.steps import do_decide_rereview, do_request_rereview
    from jiefen.org.models import User

    city = unit("青州市", Unit.Kind.CITY)
    org["county"].parent = city
    org["county"].save()  # the county and everything below it move under the city: read them afresh
    for key, value in org.items():
        org[key] = Unit.objects.get(pk=value.pk)
    people = {key: User.objects.get(pk=value.pk) for key, value in people.items()}
    county = User.objects.get(pk=county.pk)
    city_clerk = person("qzs", Role.CLERK, city, "青州市信访局")
    case = answered(hand_down(county, org["town"], village=org["village_a"]), people, org)
    today = timezone.localdate()
    do_request_review(people["clerk"], case, expected_version=case.version, requested_on=today)
    do_decide_review(county, case, expected_version=case.version, organ="", doc_number="青政复〔2026〕6号",
                     outcome="uphold", served_on=today, content="维持。")
    do_request_rereview(people["clerk"], case, expected_version=case.version, requested_on=today)
    # Neither the township nor the county decides the 复核: the city is on jiefen.
    for someone in (people["leader"], county):
        assert "decide_rereview" not in {t.action for t in registry.available(someone, case)}
    # The clerk decides; the hearing is for the city's leadership.
    assert {"decide_rereview", "review_remand"} <= {t.action for t in registry.available(city_clerk, case)}
    do_decide_rereview(city_clerk, case, expected_version=case.version, organ="", doc_number="青州政复核〔2026〕2号",
                       outcome="uphold", served_on=today, content="同意复查意见。")
    case.refresh_from_db()
    assert case.status == Status.FINAL
    opinion = IssuedDocument.objects.get(case=case, kind="rereview_opinion")
    assert (opinion.issuer, opinion.doc_number) == ("青州市人民政府", "青州政复核〔2026〕2号")
    text = text_of(render_notice(case, "rereview_opinion"))
    assert "信访事项复核意见书" in text and "不服青山县人民政府作出的复查意见" in text
    assert "《信访工作条例》第三十六条第一款" in text and "第三十六条第三款" in text and "不再受理" in text


def test_a_revoking_review_decided_on_jiefen_is_the_countys_document_and_sends_the_case_back(org, people, county):
    from jiefen.cases.steps import do_review_remand

    case = answered(hand_down(county, org["town"], village=org["village_a"]), people, org)
    today = timezone.localdate()
    do_request_review(people["clerk"], case, expected_version=case.version, requested_on=today)
    assert "review_remand" not in {t.action for t in registry.available(people["leader"], case)}
    with pytest.raises(ActionError, match="请填写复查意见摘要"):
        do_review_remand(county, case, expected_version=case.version, doc_number="青政复〔2026〕7号",
                         served_on=today, content="")
    do_review_remand(county, case, expected_version=case.version, doc_number="青政复〔2026〕7号",
                     served_on=today, content="认定事实不清，撤销原处理意见，责令重新办理。")
    case.refresh_from_db()
    assert case.status == Status.IN_HANDLING and case.reply_outcome == ""
    text = text_of(render_notice(case, "review_opinion"))
    assert "撤销原处理意见，责令重新办理" in text and "应当重新办理" in text and "请求复核" not in text


def test_a_county_department_with_its_own_seal_does_not_act_for_the_county(org, people, county):
    """Only staff posted at the county's government, or at the office acting for it, take its decisions; a desk
    account of a county department reaches no township's cases and hands nothing down."""
    from jiefen.org.authz import hands_down
    from jiefen.org.organs import on_jiefen, organ_of, sits_in

    bureau = unit("县人社局", Unit.Kind.DEPARTMENT, org["county"])
    bureau.organ_name = "青山县人力资源和社会保障局"
    bureau.save()
    clerk = person("rsj", Role.CLERK, bureau, "人社局接待")
    assert not sits_in(clerk, org["county"]) and sits_in(county, org["county"])
    assert sits_in(clerk, bureau) and not hands_down(clerk) and scope_of(clerk).centre_ids == ()
    case = answered(hand_down(county, org["town"], village=org["village_a"]), people, org)
    do_request_review(people["clerk"], case, expected_version=case.version, requested_on=timezone.localdate())
    assert registry.available(clerk, case) == []
    # Nor do the townships' desks act for the county: without the 信访局 the county is not on jiefen.
    county.is_active = False
    county.save()
    assert not on_jiefen(organ_of(org["county"]))
    case = Case.objects.get(pk=case.pk)  # what role_may found is kept on the instance, for one request
    assert "decide_review" in {t.action for t in registry.available(people["leader"], case)}
