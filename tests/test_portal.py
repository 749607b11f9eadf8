"""The public portal: guide, online petition (idempotent, attachments checked), tracking, satisfaction, review."""

import datetime as dt
import io
import re
import struct
import zlib

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, Category, Channel, Document, Event, Status
from jiefen.cases.steps import (
    do_accept_case,
    do_add_note,
    do_assign_case,
    do_sign_for_case,
)
from jiefen.portal.actions import MAX_FAILURES, service_account
from jiefen.portal.forms import KEY_SIGNER
from jiefen.portal.models import Submission, TrackingFailure

from .factories import VALID_IDS, reply_signed_off

pytestmark = pytest.mark.django_db

ID = VALID_IDS[1]
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_bytes(width=2, height=2):
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def upload(name, content):
    f = io.BytesIO(content)
    f.name = name
    return f


def signed(key):
    return KEY_SIGNER.sign(key)


def petition_data(org, key="k-0001", **extra):
    data = {
        "key": signed(key), "name": "林小河", "id_number": ID, "phone": "13900139000", "address": "东村3组",
        "village": org["village_a"].pk, "category": Category.objects.get(name="劳动工资").pk, "legal_class": "claim",
        "request": "要求结清2026年的拖欠工资", "facts": "在镇东工地务工半年，老板拒付工资", "truthful": "on",
    }
    data.update(extra)
    return data


def petition_url(org):
    return reverse("portal:petition", args=[org["town"].code])


def submit(client, org, **extra):
    return client.post(petition_url(org), petition_data(org, **extra))


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def track(client, case, code=None, address="10.0.0.1"):
    return client.post(
        reverse("portal:track"), {"number": case.number, "code": code or case.query_code}, REMOTE_ADDR=address
    )


def replied_case(client, org, people, served_on=None):
    """An online petition taken through acceptance, assignment, an internal note and the written reply."""
    submit(client, org)
    case = Case.objects.get()
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    do_add_note(people["handler"], case, text="内部记录：老板有赌博前科，注意稳控")
    reply_signed_off(
        people["handler"], case, expected_version=case.version, outcome="support",
        served_on=served_on or timezone.localdate(), content="责成工地负责人于12月5日前足额支付。",
    )
    case.refresh_from_db()
    return case


# ---- Guide ----

def test_the_guide_lists_the_centres_and_links_the_reception_schedule(client, org):
    index = client.get(reverse("portal:index"))
    assert index.status_code == 200 and "青山镇" in index.content.decode()
    guide = client.get(reverse("portal:guide", args=[org["town"].code]))
    body = guide.content.decode()
    assert guide.status_code == 200
    assert reverse("duty_public", args=[org["town"].code]) in body
    assert "人民法院" in body and "仲裁" in body and "行政复议" in body
    assert reverse("portal:petition", args=[org["town"].code]) in body


def test_a_unit_that_is_not_a_township_has_no_portal(client, org):
    assert client.get(reverse("portal:guide", args=[org["village_a"].code])).status_code == 404
    assert client.get(reverse("portal:petition", args=["nope"])).status_code == 404


# ---- Submitting ----

def test_the_form_carries_a_fresh_idempotency_key_each_time(client, org):
    keys = [re.search(r'name="key" value="([^"]+)"', client.get(petition_url(org)).content.decode()).group(1)
            for _ in range(2)]
    assert keys[0] != keys[1] and all(KEY_SIGNER.unsign(k) for k in keys)


def test_a_key_the_server_did_not_hand_out_is_refused(client, org):
    data = petition_data(org)
    data["key"] = "someone-elses-key"
    response = client.post(petition_url(org), data)
    body = response.content.decode()
    assert response.status_code == 400 and "提交标识无效" in body
    assert Case.objects.count() == 0
    fresh = re.search(r'name="key" value="([^"]+)"', body).group(1)
    assert KEY_SIGNER.unsign(fresh)  # the form comes back with a key that will be taken


def test_an_online_petition_becomes_a_case_on_channel_online_registered_by_the_service_account(client, org, people):
    response = submit(client, org)
    assert response.status_code == 302 and response["Location"] == reverse("portal:submitted")
    case = Case.objects.get()
    assert case.channel == Channel.ONLINE and case.status == Status.REGISTERED and case.centre == org["town"]
    assert case.village == org["village_a"] and case.kind == Case.Kind.PETITION
    account = service_account(org["town"])
    assert case.received_by == account and account.full_name == "网上信访平台" and not account.has_usable_password()
    party = case.parties.get()
    assert party.name == "林小河" and party.id_number == ID and party.phone == "13900139000"
    assert Submission.objects.get().case == case
    assert AuditRecord.objects.filter(action="case.register", object_ref=case.number).exists()
    assert case.deadlines.filter(rule__code="acceptance").exists()


def test_submitting_twice_with_the_same_key_gives_one_case(client, org):
    first = submit(client, org, key="same-key")
    second = submit(client, org, key="same-key")
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1 and Submission.objects.count() == 1
    assert client.session["portal_submitted"] == Case.objects.get().pk


def test_a_double_click_from_two_sessions_with_one_key_still_gives_one_case(client, org, django_user_model):
    from django.test import Client

    submit(client, org, key="dbl")
    submit(Client(), org, key="dbl")
    assert Case.objects.count() == 1


def test_a_submit_that_loses_the_race_for_its_key_returns_the_winners_case(client, org, monkeypatch):
    from jiefen.portal import actions

    submit(client, org, key="race")
    winner = Case.objects.get()
    real = actions.submitted_case
    calls = []

    def not_yet_committed(key):  # the first look happens before the other request commits
        calls.append(key)
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(actions, "submitted_case", not_yet_committed)
    response = submit(client, org, key="race")
    assert response.status_code == 302 and len(calls) == 2
    assert list(Case.objects.all()) == [winner] and client.session["portal_submitted"] == winner.pk


def test_different_keys_are_different_submissions(client, org):
    submit(client, org, key="a1")
    submit(client, org, key="a2")
    assert Case.objects.count() == 2


def test_the_result_page_shows_number_code_and_a_qr_code(client, org):
    submit(client, org)
    case = Case.objects.get()
    page = client.get(reverse("portal:submitted"))
    body = page.content.decode()
    assert page.status_code == 200
    assert case.number in body and case.query_code in body and '<svg' in body and 'class="qr"' in body
    assert ID not in body


def test_the_result_page_without_a_submission_goes_back_to_the_portal(client, org):
    assert client.get(reverse("portal:submitted"))["Location"] == reverse("portal:index")


@pytest.mark.parametrize("field, value, message", [
    ("id_number", "110105194912310021", "校验位"),
    ("phone", "12345", "电话号码格式不正确"),
    ("truthful", "", "必填"),
])
def test_bad_input_changes_nothing_and_says_why_in_chinese(client, org, field, value, message):
    response = submit(client, org, **{field: value})
    assert response.status_code == 400 and message in response.content.decode()
    assert Case.objects.count() == 0 and Submission.objects.count() == 0


def test_a_village_of_another_township_is_refused(client, org):
    response = submit(client, org, village=org["other_village"].pk)
    assert response.status_code == 400 and Case.objects.count() == 0


def test_images_and_pdf_are_stored_under_random_names(client, org, media):
    data = petition_data(org)
    data["attachments"] = [upload("工资条 照片.png", png_bytes()), upload("欠条.pdf", b"%PDF-1.4\n%%EOF\n")]
    assert client.post(petition_url(org), data).status_code == 302
    case = Case.objects.get()
    docs = list(Document.objects.filter(case=case))
    assert len(docs) == 2
    for doc in docs:
        assert re.fullmatch(r".*/[0-9a-f]{32}\.(png|pdf)", doc.file.name) and "工资条" not in doc.file.name
    assert len(stored_files(media)) == 2


def test_a_file_that_is_not_an_image_or_pdf_by_content_is_refused_and_nothing_is_left(client, org, media):
    data = petition_data(org)
    data["attachments"] = [upload("ok.png", png_bytes()), upload("fake.pdf", b"<html><script>x</script></html>")]
    response = client.post(petition_url(org), data)
    assert response.status_code == 400 and "文件类型不符合要求" in response.content.decode()
    assert Case.objects.count() == 0 and Document.objects.count() == 0 and Submission.objects.count() == 0
    assert stored_files(media) == []


def test_too_many_or_too_large_files_are_refused(client, org, media, settings):
    data = petition_data(org)
    data["attachments"] = [upload(f"{i}.png", png_bytes()) for i in range(settings.UPLOAD_MAX_FILES + 1)]
    response = client.post(petition_url(org), data)
    assert response.status_code == 400 and "最多上传" in response.content.decode()
    settings.UPLOAD_MAX_BYTES = 100
    data["attachments"] = [upload("big.pdf", b"%PDF-1.4\n" + b"0" * 200)]
    response = client.post(petition_url(org), data)
    assert response.status_code == 400 and "大小限制" in response.content.decode()
    assert Case.objects.count() == 0 and stored_files(media) == []


# ---- The desk ----

def test_the_clerk_sees_online_submissions_on_the_desk(client, org, people):
    submit(client, org)
    case = Case.objects.get()
    client.force_login(people["clerk"])
    body = client.get(reverse("desk")).content.decode()
    assert 'id="online-inbox"' in body and case.number in body and "网上" in body


def test_an_outsider_clerk_does_not_see_them(client, org, people):
    submit(client, org)
    client.force_login(people["outsider"])
    body = client.get(reverse("desk")).content.decode()
    assert Case.objects.get().number not in body


# ---- Tracking ----

def test_tracking_shows_state_and_public_steps_without_notes_staff_names_or_id_number(client, org, people):
    case = replied_case(client, org, people)
    response = track(client, case)
    assert response.status_code == 302 and response["Location"] == reverse("portal:tracked")
    assert case.query_code not in response["Location"]
    page = client.get(reverse("portal:tracked"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "已答复" in body and "东村签收办理" in body and "交由东村办理" in body and "出具处理意见书：支持" in body
    assert "复查申请期限" in body
    assert "内部记录" not in body and "赌博" not in body
    for staff in ("赵村干", "李书记", "王接待", "网上信访平台"):
        assert staff not in body
    assert ID not in body and ID[-4:] + "<" not in body and "13900139000" not in body and "林小河" not in body
    assert reverse("portal:notice", args=["reply"]) in body


def test_the_tracking_page_reads_in_a_fixed_number_of_queries(client, org, people, django_assert_num_queries):
    case = replied_case(client, org, people)
    track(client, case)
    # Session, case, public events, unit names, clocks, notices: however long the timeline.
    with django_assert_num_queries(6):
        assert client.get(reverse("portal:tracked")).status_code == 200
    do_add_note(people["handler"], case, text="再次核实")
    client.post(reverse("portal:rate"), {"rating": "满意"})
    with django_assert_num_queries(6):
        client.get(reverse("portal:tracked"))


def test_a_wrong_code_is_refused_and_counted(client, org):
    submit(client, org)
    case = Case.objects.get()
    response = track(client, case, code="WRONG1")
    assert response.status_code == 400 and "不正确" in response.content.decode()
    failure = TrackingFailure.objects.get()
    assert failure.number == case.number and failure.address == "10.0.0.1"
    assert AuditRecord.objects.filter(action="portal.track_failed").count() == 1
    assert "WRONG1" not in str(AuditRecord.objects.get(action="portal.track_failed").details)
    assert "portal_tracked" not in client.session


def test_an_unknown_case_number_counts_as_a_failure_too(client, org):
    response = client.post(reverse("portal:track"), {"number": "X-1", "code": "AAAAAA"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 400 and TrackingFailure.objects.count() == 1


def test_guessing_is_throttled_per_address_and_case_number(client, org):
    submit(client, org)
    case = Case.objects.get()
    for _ in range(MAX_FAILURES):
        assert track(client, case, code="WRONG1").status_code == 400
    blocked = track(client, case)  # even the right code, for now
    assert blocked.status_code == 429 and "请15分钟后再试" in blocked.content.decode()
    assert TrackingFailure.objects.count() == MAX_FAILURES
    assert track(client, case, address="10.0.0.2").status_code == 302  # another address is not blocked


def test_the_throttle_lifts_after_fifteen_minutes(client, org):
    submit(client, org)
    case = Case.objects.get()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(MAX_FAILURES):
            track(client, case, code="WRONG1")
        assert track(client, case).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert track(client, case).status_code == 302


def test_the_tracking_session_expires(client, org):
    submit(client, org)
    case = Case.objects.get()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        track(client, case)
        assert client.get(reverse("portal:tracked")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert client.get(reverse("portal:tracked"))["Location"] == reverse("portal:track")
        assert client.get(reverse("portal:notice", args=["reply"])).status_code == 404


def test_leaving_forgets_the_case(client, org):
    submit(client, org)
    track(client, Case.objects.get())
    client.post(reverse("portal:leave"))
    assert client.get(reverse("portal:tracked")).status_code == 302


def test_the_petitioner_downloads_the_notices_served(client, org, people):
    case = replied_case(client, org, people)
    track(client, case)
    response = client.get(reverse("portal:notice", args=["reply"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(reverse("portal:notice", args=["review_decision"])).status_code == 404


def test_without_tracking_there_are_no_notices(client, org, people):
    replied_case(client, org, people)
    assert client.get(reverse("portal:notice", args=["reply"])).status_code == 404


# ---- Answering ----

def test_the_petitioner_rates_after_the_written_reply(client, org, people):
    case = replied_case(client, org, people)
    track(client, case)
    response = client.post(reverse("portal:rate"), {"rating": "基本满意", "reason": "钱还没全部到账"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.satisfaction == "基本满意"
    event = case.events.get(kind="satisfaction")
    assert event.data == {"rating": "基本满意", "source": "online", "reason": "钱还没全部到账"} and event.public
    assert event.actor == service_account(org["town"])
    assert AuditRecord.objects.filter(action="case.satisfaction", object_ref=case.number).exists()
    assert "评价：基本满意" in client.get(reverse("portal:tracked")).content.decode()


def test_dissatisfaction_needs_a_reason(client, org, people):
    case = replied_case(client, org, people)
    track(client, case)
    client.post(reverse("portal:rate"), {"rating": "不满意", "reason": ""})
    case.refresh_from_db()
    assert case.satisfaction == "" and not case.events.filter(kind="satisfaction").exists()


def test_there_is_nothing_to_rate_before_the_reply(client, org):
    submit(client, org)
    case = Case.objects.get()
    track(client, case)
    assert 'id="rate-form"' not in client.get(reverse("portal:tracked")).content.decode()
    client.post(reverse("portal:rate"), {"rating": "满意"})
    case.refresh_from_db()
    assert case.satisfaction == ""


def test_rating_and_review_need_a_tracked_case(client, org, people):
    replied_case(client, org, people)
    assert client.post(reverse("portal:rate"), {"rating": "满意"}).status_code == 404
    assert client.post(reverse("portal:request_review"), {"action": "request_review"}).status_code == 404


# Served on Monday 2026-11-02: day 30 is Wednesday 2026-12-02, a working day, so the window ends that day.
SERVED = dt.date(2026, 11, 2)


def _at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def test_review_requested_on_day_30_is_accepted(client, org, people):
    with time_machine.travel(_at(SERVED), tick=False):
        case = replied_case(client, org, people, served_on=SERVED)
    assert case.deadlines.get(rule__code="review_window").due_on == SERVED + dt.timedelta(days=30)
    with time_machine.travel(_at(SERVED + dt.timedelta(days=30)), tick=False):
        track(client, case)
        body = client.get(reverse("portal:tracked")).content.decode()
        assert 'id="review-submit"' in body and "2026年12月2日" in body
        response = client.post(reverse("portal:request_review"), {"action": "request_review"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REVIEW_REQUESTED
    event = case.events.get(kind="request_review")
    assert event.data["requested_on"] == "2026-12-02" and event.actor == service_account(org["town"])
    assert AuditRecord.objects.filter(action="case.request_review", object_ref=case.number).exists()


def test_review_requested_on_day_31_is_refused_and_the_page_says_why(client, org, people):
    with time_machine.travel(_at(SERVED), tick=False):
        case = replied_case(client, org, people, served_on=SERVED)
    with time_machine.travel(_at(SERVED + dt.timedelta(days=31)), tick=False):
        track(client, case)
        body = client.get(reverse("portal:tracked")).content.decode()
        assert 'id="review-submit"' not in body
        assert "申请复查的期限已于2026-12-02届满" in body and "第三十五条" in body
        client.post(reverse("portal:request_review"), {"action": "request_review"})
        messages = [str(m) for m in client.get(reverse("portal:tracked")).context["messages"]]
    case.refresh_from_db()
    assert case.status == Status.REPLIED and not case.events.filter(kind="request_review").exists()
    assert any("届满" in m for m in messages)


def test_after_the_request_the_page_says_it_was_made(client, org, people):
    case = replied_case(client, org, people)
    track(client, case)
    client.post(reverse("portal:request_review"), {"action": "request_review"})
    body = client.get(reverse("portal:tracked")).content.decode()
    assert "复查中" in body and "已于" in body and 'id="review-submit"' not in body


# ---- Staff follow-up calls (回访) on the case page ----

def _callback(client, case, rating="不满意", reason="认为补偿太少"):
    return client.post(
        reverse("case_act", args=[case.number, "satisfaction"]),
        {"satisfaction-rating": rating, "satisfaction-reason": reason, "satisfaction-expected_version": case.version},
    )


def test_staff_record_a_follow_up_call_with_the_same_answers(client, org, people):
    case = replied_case(client, org, people)
    client.force_login(people["clerk"])
    assert "满意度回访" in client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert _callback(client, case).status_code == 302
    case.refresh_from_db()
    assert case.satisfaction == "不满意"
    event = case.events.get(kind="satisfaction")
    assert event.data["source"] == "callback" and event.actor == people["clerk"] and event.summary == "回访评价：不满意"
    assert AuditRecord.objects.filter(action="case.satisfaction", actor=people["clerk"]).exists()


def test_follow_up_calls_follow_the_usual_permissions(client, org, people):
    case = replied_case(client, org, people)
    assert _callback(client, case)["Location"].startswith(reverse("login"))
    client.force_login(people["outsider"])
    assert _callback(client, case).status_code == 404
    client.force_login(people["supervisor"])
    assert _callback(client, case).status_code == 403
    client.force_login(people["handler"])  # not a desk role: 回访 is the centre's
    assert _callback(client, case).status_code == 400
    case.refresh_from_db()
    assert case.satisfaction == "" and not Event.objects.filter(kind="satisfaction").exists()
