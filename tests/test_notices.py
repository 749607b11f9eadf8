"""Written notices and the desk receipt, read back from the PDF the way a petitioner or an archivist would."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from jiefen.cases.actions import do_record_contact
from jiefen.cases.models import Case, Category
from jiefen.cases.notices import (
    NoticeUnavailable,
    available_notices,
    offline_url_fetcher,
    render_notice,
    render_receipt,
)
from jiefen.cases.personal import mask_id_number
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_decide_rereview,
    do_decide_review,
    do_end_hearing,
    do_extend_deadline,
    do_not_accept_case,
    do_request_rereview,
    do_request_review,
    do_sign_for_case,
    do_start_hearing,
)

from .factories import HIGHER, VALID_IDS, register, reply_signed_off

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13800138000"
A4_POINTS = (595.28, 841.89)

# One petition through every written step. Registered Tue 2026-06-02, accepted Wed 06-03; the reply is served
# Wed 06-10 (review window to Fri 07-10), the review decision Wed 06-24 (re-review window to Fri 07-24).
STEPS = ["registered", "accepted", "replied", "review_decided", "final"]


def on(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), SHANGHAI), tick=False)


def petition(org, people, until, *, parties=None, hearing=False):
    """A petition moved by the real actions up to step `until` (one of STEPS)."""
    stop = STEPS.index(until)
    leader, clerk, handler = people["leader"], people["clerk"], people["handler"]
    with on(dt.date(2026, 6, 2)):
        case = register(clerk, village=org["village_a"], parties=parties)
    if stop >= 1:
        with on(dt.date(2026, 6, 3)):
            do_accept_case(leader, case, expected_version=case.version)
            do_assign_case(leader, case, expected_version=case.version, unit=org["village_a"])
            do_sign_for_case(handler, case, expected_version=case.version)
    if stop >= 2:
        with on(dt.date(2026, 6, 10)):
            reply_signed_off(
                handler, case, expected_version=case.version, outcome="reject", served_on=dt.date(2026, 6, 10),
                content="经调查核实，工资已于2025年12月结清，双方签字确认。\n加付误工费的要求缺乏依据。",
            )
    if stop >= 3:
        with on(dt.date(2026, 6, 15)):
            do_request_review(clerk, case, expected_version=case.version, requested_on=dt.date(2026, 6, 15))
        with on(dt.date(2026, 6, 24)):
            do_decide_review(
                leader, case, expected_version=case.version, **HIGHER, outcome="uphold", served_on=dt.date(2026, 6, 24),
                content="原处理意见认定事实清楚，向信访人解释结算依据。",
            )
    if stop >= 4:
        with on(dt.date(2026, 6, 26)):
            do_request_rereview(clerk, case, expected_version=case.version, requested_on=dt.date(2026, 6, 26))
        if hearing:
            with on(dt.date(2026, 6, 30)):
                do_start_hearing(leader, case, expected_version=case.version)
            with on(dt.date(2026, 7, 2)):
                do_end_hearing(leader, case, expected_version=case.version)
        with on(dt.date(2026, 7, 6)):
            do_decide_rereview(
                leader, case, expected_version=case.version, **HIGHER, outcome="uphold", served_on=dt.date(2026, 7, 6),
                content="同意复查意见。",
            )
    return case


def text_of(pdf):
    """All text of the PDF, whitespace removed: lines break anywhere in Chinese text."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def fonts_of(pdf):
    """(BaseFont, embedded) for every font any page uses, looking into form XObjects too."""
    found = {}

    def visit(resources):
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptors = [d.get_object()["/FontDescriptor"].get_object() for d in font.get("/DescendantFonts", [])]
            if "/FontDescriptor" in font:
                descriptors.append(font["/FontDescriptor"].get_object())
            embedded = any(k in d for d in descriptors for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                visit(xobject["/Resources"].get_object())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        visit(page["/Resources"].get_object())
    return found


def assert_served_and_filed_safely(pdf):
    """What every notice must be: A4, Noto CJK fonts embedded, page numbers, ID and phone masked."""
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS, abs=0.5)
    fonts = fonts_of(pdf)
    assert fonts, "no fonts found"
    assert all(re.search(r"\+Noto-(Serif|Sans)-CJK-SC", name) for name in fonts), fonts
    assert all(fonts.values()), f"fonts not embedded: {fonts}"
    assert any("Serif" in name for name in fonts)
    text = text_of(pdf)
    assert "—1—" in text
    for raw in VALID_IDS + [PHONE]:
        assert raw not in text
    return text


def test_the_receipt_says_how_to_track_the_case_and_when_acceptance_is_due(org, people):
    case = petition(org, people, "registered")
    text = assert_served_and_filed_safely(render_receipt(case))
    assert "信访事项登记回执" in text
    assert case.number in text and case.query_code in text
    assert "2026年6月2日10:00" in text and "来访" in text
    assert "陈大山" in text and "110***********002X" in text and "138****8000" in text
    assert "要求解决拖欠工资问题" in text
    assert "15日内书面告知是否受理，期限至2026年6月17日" in text
    assert "起算日2026-06-02（周二），当日不计入" in text
    assert "网上查询页面" in text and "接待窗口" in text
    # Given over at the desk in the name of the township's government, not the centre.
    assert "青山镇人民政府" in text and "矛盾纠纷调处化解中心" not in text


def test_a_receipt_for_an_unknown_name_or_address_says_no_acceptance_deadline_applies(org, people):
    case = register(people["clerk"], village=org["village_a"], identity_unknown=True)
    text = text_of(render_receipt(case))
    assert "不适用书面告知期限" in text
    assert "期限至" not in text


def test_a_receipt_tells_the_citizen_when_a_due_date_is_provisional(org, people):
    # No holiday schedule is known for 2099: the due date is counted on the plain week and said to be provisional.
    with on(dt.date(2099, 3, 2)):
        case = register(people["clerk"], village=org["village_a"])
    assert case.deadlines.get(rule__code="acceptance").warning
    text = text_of(render_receipt(case))
    assert "期限至2099年3月17日" in text
    assert "法定节假日安排尚未公布" in text
    assert "管理员" not in text


def test_an_acceptance_notice_states_the_acceptance_and_the_handling_period(org, people):
    case = petition(org, people, "accepted")
    text = assert_served_and_filed_safely(render_notice(case, "acceptance_notice"))
    assert "信访事项受理告知书" in text
    assert "青山镇信访受告〔2026〕1号" in text
    assert "陈大山：" in text
    assert "你于2026年6月2日来访反映的“要求解决拖欠工资问题”一事" in text
    assert "属于本机关职权范围，本机关已于2026年6月3日依法受理" in text
    # 60 days from Wed 06-03 is Sun 08-02: the period runs on to Mon 08-03 (第三十四条).
    assert "《信访工作条例》第三十四条" in text and "60日内办结（期限至2026年8月3日）" in text
    assert case.number in text
    # Issued by the organ handling it, under its seal; the centre has no legal personality.
    assert text.startswith("青山镇人民政府青山镇信访受告") and "（印章）青山镇人民政府2026年6月3日" in text
    assert "矛盾纠纷调处化解中心" not in text


def test_an_acceptance_notice_reprinted_after_an_extension_keeps_the_period_it_was_served_with(org, people):
    case = petition(org, people, "accepted")
    with on(dt.date(2026, 7, 1)):
        do_extend_deadline(people["handler"], case, expected_version=case.version, days=30, reason="需现场测量",
                           approver=people["leader"])
    assert case.deadlines.get(rule__code="handling").due_on == dt.date(2026, 9, 1)
    text = text_of(render_notice(case, "acceptance_notice"))
    assert "期限至2026年8月3日" in text
    assert "2026年9月1日" not in text


def test_a_non_acceptance_notice_gives_the_reason_and_the_lawful_channel(org, people):
    with on(dt.date(2026, 6, 2)):
        case = register(people["clerk"], village=org["village_a"])
    with on(dt.date(2026, 6, 5)):
        do_not_accept_case(
            people["leader"],
            case,
            expected_version=case.version,
            reason="该事项属于劳动争议，应当申请劳动争议仲裁。",
            lawful_channel="向青山县劳动人事争议仲裁委员会申请仲裁",
        )
    assert available_notices(case) == ["non_acceptance_notice"]
    text = assert_served_and_filed_safely(render_notice(case, "non_acceptance_notice"))
    assert "信访事项不予受理告知书" in text
    assert "青山镇信访不受告〔2026〕1号" in text
    assert "陈大山：" in text and case.number in text
    assert "经审查，该事项属于劳动争议，应当申请劳动争议仲裁，本机关依法不予受理" in text
    assert "通过向青山县劳动人事争议仲裁委员会申请仲裁依法解决" in text
    assert "2026年6月5日" in text


def test_a_reply_states_outcome_and_content_and_the_right_to_ask_for_review(org, people):
    case = petition(org, people, "replied")
    text = assert_served_and_filed_safely(render_notice(case, "reply"))
    assert "信访事项处理意见书" in text
    assert "青山镇信访处〔2026〕1号" in text
    assert "陈大山：" in text and case.number in text
    assert "工资已于2025年12月结清，双方签字确认。" in text and "加付误工费的要求缺乏依据。" in text
    assert "处理意见：不予支持（《信访工作条例》第三十二条）。" in text
    # 复查 goes to the organ above the one that handled it (第三十五条): the county's government.
    assert "依照《信访工作条例》第三十五条的规定" in text
    assert "自收到本处理意见书之日起30日内，向青山县人民政府请求复查" in text
    assert "本处理意见书于2026年6月10日送达，请求复查的期限至2026年7月10日止" in text
    assert "（印章）青山镇人民政府2026年6月10日" in text


def test_review_and_rereview_are_recorded_as_the_organs_above_decided_them_not_issued_here(org, people):
    case = petition(org, people, "final", hearing=True)
    assert case.status == "final"
    review, rereview = case.events.get(kind="decide_review"), case.events.get(kind="decide_rereview")
    assert review.data["organ"] == "青山县人民政府" and review.data["doc_number"] == "青政复〔2026〕1号"
    assert review.data["outcome"] == rereview.data["outcome"] == "uphold"
    assert "青山县人民政府复查意见（青政复〔2026〕1号）：维持，2026-06-24送达" == review.summary
    # Their documents are the organs above's: nothing of theirs is printed under the township's name.
    assert set(available_notices(case)) == {"acceptance_notice", "reply"}
    for kind in ("review_decision", "rereview_decision"):
        with pytest.raises(NoticeUnavailable, match="这种文书"):
            render_notice(case, kind)


def test_a_group_notice_is_addressed_to_all_and_masks_every_petitioner(org, people):
    parties = [
        {"name": "陈大山", "role": "representative", "id_number": VALID_IDS[0], "phone": PHONE},
        {"name": "林小河", "role": "representative", "id_number": VALID_IDS[1], "phone": "13900139000"},
        {"name": "东村某建筑队", "role": "respondent"},
    ]
    case = petition(org, people, "accepted", parties=parties)
    text = assert_served_and_filed_safely(render_notice(case, "acceptance_notice"))
    assert "陈大山等2人：" in text and "你们于2026年6月2日" in text
    assert f"代表：林小河，身份证号码{mask_id_number(VALID_IDS[1])}，联系电话139****9000" in text
    assert "13900139000" not in text
    assert "东村某建筑队：" not in text


def test_a_dispute_gets_a_mediation_period_and_no_petition_notices(org, people):
    with on(dt.date(2026, 6, 2)):
        case = register(people["clerk"], village=org["village_a"], kind=Case.Kind.DISPUTE,
                        category=Category.objects.get(name="邻里纠纷"), request="邻居占用通道")
    with on(dt.date(2026, 6, 3)):
        do_accept_case(people["leader"], case, expected_version=case.version)
    text = assert_served_and_filed_safely(render_notice(case, "acceptance_notice"))
    # A dispute is the people's mediation committee's (人民调解委员会), not the government's nor the centre's.
    assert "矛盾纠纷受理告知书" in text and text.startswith("东村人民调解委员会青山镇调受告〔2026〕1号")
    assert "当事人：陈大山" in text
    assert "30日内调结（期限至2026年7月3日）" in text
    # The one-month period is advisory; its article could not be read in an official text, so none is printed.
    assert "依照《人民调解工作若干规定》的规定，一般在受理之日起30日内调结" in text and "第三十" not in text
    with pytest.raises(NoticeUnavailable, match="矛盾纠纷不适用处理意见书"):
        render_notice(case, "reply")


def test_available_notices_follow_the_case_history(org, people):
    assert available_notices(petition(org, people, "registered")) == []
    assert available_notices(petition(org, people, "accepted")) == ["acceptance_notice"]
    assert available_notices(petition(org, people, "final")) == ["acceptance_notice", "reply"]


@pytest.mark.parametrize("kind, step", [
    ("acceptance_notice", "受理"), ("non_acceptance_notice", "不予受理"), ("reply", "送达处理意见书"),
    ("forward_notice", "转送"), ("extension_notice", "延长办理期限"),
])
def test_a_notice_the_history_does_not_support_is_refused_with_a_reason(org, people, kind, step):
    case = petition(org, people, "registered")
    with pytest.raises(NoticeUnavailable, match=f"尚无“{step}") as refused:
        render_notice(case, kind)
    assert "不能出具" in refused.value.message


def test_an_unknown_kind_of_notice_is_refused(org, people):
    case = petition(org, people, "accepted")
    with pytest.raises(NoticeUnavailable, match="没有“mediation_agreement”这种文书"):
        render_notice(case, "mediation_agreement")


def test_rendering_refuses_to_reach_the_network():
    html = '<p>x</p><img src="http://192.0.2.1/seal.png">'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()


def test_a_group_of_six_with_two_representatives_is_named_as_it_came_and_its_receipt_stays_as_registered(
    client, org, people
):
    """A visit of 6 people who chose 2 representatives: every document names "陈大山等6人" (not "等2人"), the
    receipt tells the representatives apart and shows the head count as registered, even after a later visit."""
    parties = [
        {"name": "陈大山", "role": "representative", "id_number": VALID_IDS[0], "phone": PHONE},
        {"name": "林小河", "role": "representative", "id_number": VALID_IDS[1]},
    ]
    with on(dt.date(2026, 6, 2)):
        case = register(people["clerk"], village=org["village_a"], parties=parties, head_count=6)
    with on(dt.date(2026, 6, 3)):
        do_accept_case(people["leader"], case, expected_version=case.version)
    with on(dt.date(2026, 6, 4)):
        do_record_contact(people["clerk"], case, channel="visit", head_count=3)
    text = text_of(render_notice(case, "acceptance_notice"))
    assert "陈大山等6人：" in text and "你们于2026年6月2日" in text
    receipt = text_of(render_receipt(case))
    assert "推选代表" in receipt and "来访人数6人" in receipt.replace(" ", "") and "信访人" not in receipt
    client.force_login(people["clerk"])
    page = client.get(f"/cases/{case.number}/receipt/").content.decode()
    assert "<dt>推选代表</dt><dd>陈大山、林小河</dd>" in page and "6人（登记时）" in page and "9" not in page.split(
        "来访人数")[1][:40]
