"""Mediation of disputes: sessions with mediators and the parties present, the agreement (调解协议书) as PDF read
back, follow-up of whether it is kept, and referral with printable guidance."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import ActionError
from jiefen.cases.models import Case, Category, Event, Party, Status
from jiefen.cases.notices import available_notices, render_notice
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_close_case,
    do_follow_up_agreement,
    do_record_agreement,
    do_record_mediation_failure,
    do_record_mediation_session,
    do_refer_case,
    do_sign_for_case,
)
from jiefen.grid.models import Visitor

from .factories import VALID_IDS, register

TODAY = timezone.localdate()
TERMS = "李小河于本月底前拆除越界院墙一米，并赔偿陈大山青苗损失八百元。"
PERFORMANCE = "李小河于2026年12月31日前一次性支付，现金交付，陈大山出具收条。"


def text_of(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def dispute(org, people):
    """A neighbours' dispute between 陈大山 and 李小河, assigned to 东村 and being mediated."""
    case = register(
        people["clerk"],
        village=org["village_a"],
        kind=Case.Kind.DISPUTE,
        category=Category.objects.get(name="邻里纠纷"),
        request="邻居院墙越界，要求拆除并赔偿",
        facts="李小河新砌院墙越过宅基地界线约一米，压占陈大山菜地。",
        parties=[
            {"name": "陈大山", "id_number": VALID_IDS[0], "phone": "13800138000", "address": "东村1组"},
            {"name": "李小河", "id_number": VALID_IDS[1], "role": Party.Role.RESPONDENT, "address": "东村1组"},
        ],
    )
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    return case


@pytest.fixture
def liu(org):
    return Visitor.objects.create(centre=org["town"], name="刘调解", kind=Visitor.Kind.MEDIATOR, phone="13900000002")


def agreed(people, case, **extra):
    do_record_agreement(people["mediator"], case, expected_version=case.version, terms=TERMS, signed_on=TODAY,
                        performance=PERFORMANCE, **extra)
    return case


# --- sessions -------------------------------------------------------------------------------------------------------


def test_a_session_records_its_mediators_and_the_parties_present(org, people, dispute, liu):
    chen, li = dispute.parties.order_by("id")
    event = do_record_mediation_session(
        people["mediator"], dispute, held_on=TODAY, place="东村调解室", visitors=[liu], mediators="王五老",
        parties_present=[chen, li], minutes="双方陈述，同意以拆墙加赔偿了结。",
    )
    assert event.data["mediators"] == "刘调解、王五老" and event.data["visitors"] == [liu.pk]
    assert event.data["parties_present"] == [chen.pk, li.pk] and event.data["present_names"] == ["陈大山", "李小河"]
    assert AuditRecord.objects.filter(action="case.mediation_session", object_ref=dispute.number).count() == 1


def test_a_session_refuses_people_from_elsewhere(org, people, dispute):
    stranger = Visitor.objects.create(centre=org["other_town"], name="外镇调解员", kind=Visitor.Kind.MEDIATOR)
    with pytest.raises(ActionError, match="调解人员须为本中心"):
        do_record_mediation_session(people["mediator"], dispute, held_on=TODAY, visitors=[stranger], minutes="调解")
    other = register(people["clerk"], village=org["village_a"], kind=Case.Kind.DISPUTE)
    with pytest.raises(ActionError, match="到场当事人须为本案当事人"):
        do_record_mediation_session(people["mediator"], dispute, held_on=TODAY, minutes="调解",
                                    parties_present=list(other.parties.all()))
    assert not Event.objects.filter(kind="mediation_session").exists()


def test_the_case_page_lists_the_sessions(client, org, people, dispute, liu):
    chen = dispute.parties.order_by("id").first()
    do_record_mediation_session(people["mediator"], dispute, held_on=TODAY - dt.timedelta(days=2), place="村委会",
                                visitors=[liu], parties_present=[chen], minutes="第一次调解，对方未到场。")
    do_record_mediation_session(people["mediator"], dispute, held_on=TODAY, place="东村调解室",
                                mediators="王五老", minutes="第二次调解，双方到场。")
    client.force_login(people["mediator"])
    page = client.get(f"/cases/{dispute.number}/").content.decode()
    assert "调解记录（2次）" in page and "第一次调解，对方未到场。" in page and "第二次调解，双方到场。" in page
    assert "到场当事人</span> 陈大山" in page and "调解人员</span> 刘调解" in page
    # The session form offers the register's mediators and the case's parties.
    assert 'name="mediation_session-visitors"' in page and "李小河（被反映人/对方当事人）" in page


def test_a_session_is_recorded_through_the_page(client, org, people, dispute, liu):
    chen, li = dispute.parties.order_by("id")
    client.force_login(people["mediator"])
    response = client.post(f"/cases/{dispute.number}/act/mediation_session/", {
        "mediation_session-held_on": TODAY.isoformat(), "mediation_session-place": "东村调解室",
        "mediation_session-visitors": [liu.pk], "mediation_session-parties_present": [chen.pk, li.pk],
        "mediation_session-minutes": "双方同意协商。", "mediation_session-expected_version": dispute.version,
    })
    assert response.status_code == 302
    event = Event.objects.get(kind="mediation_session")
    assert event.data["present_names"] == ["陈大山", "李小河"] and event.data["mediators"] == "刘调解"


# --- the agreement -------------------------------------------------------------------------------------------------


def test_the_agreement_keeps_facts_terms_performance_and_the_sessions_mediators(org, people, dispute, liu):
    do_record_mediation_session(
        people["mediator"], dispute, held_on=TODAY, visitors=[liu], mediators="王五老", minutes="调解"
    )
    agreed(people, dispute)
    event = Event.objects.get(kind="agree")
    assert event.data["terms"] == TERMS and event.data["performance"] == PERFORMANCE
    assert event.data["facts"] == dispute.facts and event.data["mediators"] == "刘调解、王五老"
    assert Case.objects.get(pk=dispute.pk).status == Status.AGREED
    assert AuditRecord.objects.filter(action="case.agree", object_ref=dispute.number).count() == 1


def test_the_agreement_pdf_reads_back_with_both_parties_and_the_terms(client, org, people, dispute, liu):
    do_record_mediation_session(people["mediator"], dispute, held_on=TODAY, visitors=[liu], minutes="调解")
    agreed(people, dispute)
    assert "agreement" in available_notices(dispute)
    client.force_login(people["mediator"])
    response = client.get(f"/cases/{dispute.number}/notice/agreement.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    # The people's mediation committee's document, never the centre's; the parties' particulars (人民调解法: 当事人的
    # 基本情况), sex and birth date read from the ID number.
    assert text.startswith("东村人民调解委员会青山镇调协〔") and "矛盾纠纷调解协议书" in text
    assert "矛盾纠纷调处化解中心" not in text and "（印章）东村人民调解委员会" in text
    assert "当事人（申请方）陈大山，女，1949年12月生" in text and "1949年12月31日" not in text
    assert "当事人（对方）李小河" in text
    assert re.sub(r"\s+", "", TERMS) in text and re.sub(r"\s+", "", PERFORMANCE) in text
    assert "压占陈大山菜地" in text and "刘调解" in text and "人民调解法》第三十一条第一款" in text
    for raw in VALID_IDS[:2] + ["13800138000"]:
        assert raw not in text  # served and filed: ID numbers and phones masked
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text


def test_there_is_no_agreement_pdf_before_an_agreement(client, org, people, dispute):
    client.force_login(people["mediator"])
    assert client.get(f"/cases/{dispute.number}/notice/agreement.pdf").status_code == 404
    petition = register(people["clerk"], village=org["village_a"])
    assert client.get(f"/cases/{petition.number}/notice/agreement.pdf").status_code in (404,)


def test_the_agreement_pdf_follows_the_case_scope(client, org, people, dispute):
    agreed(people, dispute)
    client.get("/")
    response = client.get(f"/cases/{dispute.number}/notice/agreement.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(people["outsider"])
    assert client.get(f"/cases/{dispute.number}/notice/agreement.pdf").status_code == 404
    client.force_login(people["supervisor"])
    assert client.get(f"/cases/{dispute.number}/notice/agreement.pdf").status_code == 200


# --- follow-up of the agreement ---------------------------------------------------------------------------------------


def test_a_follow_up_records_whether_the_agreement_is_kept(org, people, dispute):
    agreed(people, dispute)
    do_follow_up_agreement(people["mediator"], dispute, result="partly", checked_on=TODAY, note="院墙已拆，赔偿款未付")
    event = Event.objects.get(kind="agreement_follow_up")
    assert event.data == {"result": "partly", "checked_on": TODAY.isoformat()} and event.note == "院墙已拆，赔偿款未付"
    assert Case.objects.get(pk=dispute.pk).status == Status.AGREED  # a record: the state stays
    assert AuditRecord.objects.filter(action="case.agreement_follow_up").count() == 1


def test_a_follow_up_is_allowed_after_closure_too(org, people, dispute):
    agreed(people, dispute)
    do_close_case(people["mediator"], dispute, expected_version=dispute.version, resolved=True)
    do_follow_up_agreement(people["leader"], dispute, result="kept", checked_on=TODAY)
    assert Event.objects.filter(kind="agreement_follow_up").count() == 1


@pytest.mark.parametrize("fields, message", [
    ({"result": "maybe", "checked_on": TODAY}, "请选择履行情况"),
    ({"result": "broken", "checked_on": TODAY, "note": ""}, "请写明未履行的内容"),
    ({"result": "kept", "checked_on": TODAY + dt.timedelta(days=1)}, "回访日期不能晚于今天"),
    ({"result": "kept", "checked_on": TODAY - dt.timedelta(days=1)}, "回访日期不能早于协议签订日期"),
])
def test_a_follow_up_with_bad_fields_changes_nothing(org, people, dispute, fields, message):
    agreed(people, dispute)
    with pytest.raises(ActionError, match=message):
        do_follow_up_agreement(people["mediator"], dispute, **fields)
    assert not Event.objects.filter(kind="agreement_follow_up").exists()


def test_there_is_no_follow_up_while_mediating_or_without_an_agreement(org, people, dispute):
    with pytest.raises(ActionError, match="不能执行“协议履行回访”"):
        do_follow_up_agreement(people["mediator"], dispute, result="kept", checked_on=TODAY)
    do_record_mediation_failure(people["mediator"], dispute, expected_version=dispute.version, reason="对方拒绝")
    do_refer_case(
        people["mediator"], dispute, expected_version=dispute.version, route="litigation", guidance="可向法院起诉"
    )
    do_close_case(people["mediator"], dispute, expected_version=dispute.version, resolved=False)
    with pytest.raises(ActionError, match="没有达成调解协议"):
        do_follow_up_agreement(people["leader"], dispute, result="kept", checked_on=TODAY)


def test_the_case_page_shows_the_latest_follow_up_and_the_list_flags_an_unkept_agreement(client, org, people, dispute):
    agreed(people, dispute)
    do_follow_up_agreement(people["mediator"], dispute, result="kept", checked_on=TODAY)
    client.force_login(people["leader"])
    assert "协议未履行" not in client.get("/cases/").content.decode()
    do_follow_up_agreement(people["mediator"], dispute, result="broken", checked_on=TODAY, note="赔偿款拒不支付")
    page = client.get(f"/cases/{dispute.number}/").content.decode()
    assert "未履行" in page and "赔偿款拒不支付" in page and "共回访2次" in page
    assert "协议未履行" in client.get("/cases/").content.decode()


def test_follow_up_through_the_page_with_the_usual_permission_checks(client, org, people, dispute):
    agreed(people, dispute)
    url = f"/cases/{dispute.number}/act/agreement_follow_up/"
    data = {"agreement_follow_up-result": "broken", "agreement_follow_up-checked_on": TODAY.isoformat(),
            "agreement_follow_up-note": "未付款", "agreement_follow_up-expected_version": dispute.version}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(people["outsider"])
    assert client.post(url, data).status_code == 404
    client.force_login(people["supervisor"])
    assert client.post(url, data).status_code == 403
    client.force_login(people["mediator"])
    bad = client.post(url, {**data, "agreement_follow_up-note": ""})
    assert bad.status_code == 400 and "请写明未履行的内容" in bad.content.decode()
    assert not Event.objects.filter(kind="agreement_follow_up").exists()
    assert client.post(url, data).status_code == 302
    assert Event.objects.get(kind="agreement_follow_up").data["result"] == "broken"


# --- referral ---------------------------------------------------------------------------------------------------------


def test_the_referral_guidance_is_shown_and_printable(client, org, people, dispute):
    do_record_mediation_failure(people["mediator"], dispute, expected_version=dispute.version, reason="对方拒不到场")
    do_refer_case(people["mediator"], dispute, expected_version=dispute.version, route="litigation",
                  guidance="可向县人民法院提起诉讼，诉讼费用可申请缓交。\n本中心可协助联系法律援助。")
    client.force_login(people["handler"])
    page = client.get(f"/cases/{dispute.number}/").content.decode()
    assert "导入诉讼" in page and "可向县人民法院提起诉讼" in page and "/notice/referral.pdf" in page
    response = client.get(f"/cases/{dispute.number}/notice/referral.pdf")
    text = text_of(response.content)
    assert response.status_code == 200 and "导入法定途径告知书" in text
    assert "通过诉讼途径依法解决" in text and "对方拒不到场" in text and "本中心可协助联系法律援助" in text


def test_a_referral_notice_needs_a_referral(org, people, dispute):
    from jiefen.cases.notices import NoticeUnavailable

    with pytest.raises(NoticeUnavailable, match="尚无“导入诉讼、仲裁等途径”"):
        render_notice(dispute, "referral")
