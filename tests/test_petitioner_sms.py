"""SMS to petitioners who agreed at intake (issue 13, point 5): the steps that concern them, once per step and
person, through the pluggable SMS backend, recorded on the step's timeline entry; never to one who did not agree,
never to the other side."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiefen.cases.actions import ActionError
from jiefen.cases.models import Event, Party
from jiefen.cases.steps import do_accept_case, do_add_note, do_assign_case, do_sign_for_case
from jiefen.notify import petitioners
from jiefen.notify.models import PetitionerMessage

from .factories import VALID_IDS, register, reply_signed_off

pytestmark = pytest.mark.django_db
PHONE, OTHER = "13800138000", "13900139000"


class Capture:
    """An SMS gateway that keeps what it was handed."""

    sent: list = []
    fail = False

    def __init__(self, channel):
        self.channel = channel

    def send(self, recipient, title, body):
        if Capture.fail:
            raise ConnectionError("短信平台无响应")
        Capture.sent.append((recipient.phone, body))


@pytest.fixture(autouse=True)
def gateway(settings):
    settings.NOTIFY_BACKENDS = {"sms": "tests.test_petitioner_sms.Capture"}
    Capture.sent, Capture.fail = [], False
    return Capture


def matter(people, org, **consent):
    parties = [
        {"name": "陈大山", "id_number": VALID_IDS[0], "phone": PHONE, "sms_consent": consent.get("chen", True)},
        {"name": "林小河", "phone": OTHER, "sms_consent": consent.get("lin", False)},
        {"name": "东村某建筑队", "role": "respondent", "phone": "13700137000", "sms_consent": True},
    ]
    return register(people["clerk"], village=org["village_a"], parties=parties)


def test_acceptance_is_texted_once_to_who_agreed_and_recorded_on_the_timeline(
    people, org, django_capture_on_commit_callbacks
):
    case = matter(people, org)
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_case(people["leader"], case, expected_version=case.version)
    [(phone, body)] = Capture.sent
    assert phone == PHONE and case.number in body and "已受理" in body and "前办结并书面答复" in body
    assert body.startswith("【青山镇矛调中心】")
    message = PetitionerMessage.objects.get()
    assert message.sent_at is not None and message.party.name == "陈大山"
    accept = Event.objects.get(case=case, kind="accept")
    assert accept.data["sms"] == ["陈**（138****8000）"]
    # The same step told again (a hook run twice) texts no one twice.
    assert petitioners.tell_petitioners(case, accept) == 0 and PetitionerMessage.objects.count() == 1
    # A step that does not concern the petitioner texts no one.
    do_add_note(people["leader"], case, text="电话联系承办人")
    assert PetitionerMessage.objects.count() == 1
    page = _page(people, case)
    assert "已短信告知 陈**（138****8000）" in page


def test_the_answer_tells_the_window_for_review(people, org, django_capture_on_commit_callbacks):
    case = matter(people, org, lin=True)
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_case(people["leader"], case, expected_version=case.version)
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
        do_sign_for_case(people["handler"], case, expected_version=case.version)
        reply_signed_off(people["handler"], case, outcome="support", served_on=timezone.localdate(), content="支持")
    texts = [(phone, body) for phone, body in Capture.sent if "您反映的事项" in body]  # not the staff's notices
    replies = [body for _phone, body in texts if "处理意见书已送达" in body]
    assert len(replies) == 2  # both who agreed, once each
    assert "前向上一级机关请求复查" in replies[0]
    assert {phone for phone, _body in texts} == {PHONE, OTHER}  # never the other side


def test_no_consent_no_text(people, org, django_capture_on_commit_callbacks):
    case = matter(people, org, chen=False)
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_case(people["leader"], case, expected_version=case.version)
    assert Capture.sent == [] and PetitionerMessage.objects.count() == 0
    assert "sms" not in Event.objects.get(case=case, kind="accept").data


def test_consent_needs_a_phone(people, org):
    with pytest.raises(ActionError) as refused:
        register(people["clerk"], parties=[{"name": "陈大山", "sms_consent": True}])
    assert refused.value.field == "parties.0.phone" and "手机号码" in refused.value.message


def test_a_gateway_failure_is_retried_by_the_worker_and_never_sent_twice(
    people, org, django_capture_on_commit_callbacks
):
    Capture.fail = True
    case = matter(people, org)
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_case(people["leader"], case, expected_version=case.version)
    message = PetitionerMessage.objects.get()
    assert message.sent_at is None and "短信平台无响应" in message.last_error
    Capture.fail = False
    assert petitioners.send().sent == 0  # not yet due again
    later = timezone.now() + dt.timedelta(minutes=5)
    assert petitioners.send(now=later).sent == 1
    assert petitioners.send(now=later + dt.timedelta(hours=1)).sent == 0
    assert len(Capture.sent) == 1


def test_the_desk_records_the_consent(client, org, people):
    client.force_login(people["clerk"])
    response = client.post(reverse("desk"), {
        "channel": "visit", "kind": "petition", "legal_class": "claim",
        "category": register_category(), "head_count": "1", "request": "要求结清拖欠的工资", "facts": "",
        "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "1", "party-MAX_NUM_FORMS": "20",
        "party-0-role": "petitioner", "party-0-name": "陈大山", "party-0-phone": PHONE, "party-0-sms_consent": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Party.objects.get().sms_consent is True
    assert "同意以短信告知办理进展" in client.get(reverse("desk")).content.decode()


def register_category():
    from jiefen.cases.models import Category

    return Category.objects.get(name="劳动工资").pk


def _page(people, case):
    from django.test import Client

    client = Client()
    client.force_login(people["leader"])
    return client.get(reverse("case_detail", args=[case.number])).content.decode()
