"""Supervision (督办): reminders before a clock runs out, escalation after, each once, on the official working days.

The petition of these tests is accepted on Fri 2026-03-06, so its 60-day handling clock ends on Tue 05-05, a day of
the Labour Day holiday (05-01 to 05-05), and rolls forward to Wed 05-06. Three working days before it, counting
back over the holiday, is Tue 04-28 (04-29, 04-30, 05-06 remain); the first working day overdue is Thu 05-07, and
Sat 05-09 is a make-up working day (调休上班).
"""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Event
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_extend_deadline,
    do_sign_for_case,
)
from jiefen.clocks.calendar import WorkCalendar
from jiefen.clocks.models import ClockRule
from jiefen.leadership.steps import do_assign_owner
from jiefen.notify import worker
from jiefen.notify.backends import Undeliverable
from jiefen.notify.models import Delivery, Notification, Supervision, SupervisionRule
from jiefen.notify.outbox import DeliveryReport, deliver, notify
from jiefen.notify.pdf import render_supervision_notice
from jiefen.notify.supervision import SupervisionReport, fire_before, fires, remind, supervise
from jiefen.org.models import Role

from .factories import person, register, reply_signed_off, reseed

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[1]
DUE = dt.date(2026, 5, 6)
REMINDER_DAY = dt.date(2026, 4, 28)
FIRST_DAY_OVERDUE = dt.date(2026, 5, 7)


def at(day, hour=9):
    return dt.datetime.combine(day, dt.time(hour), SHANGHAI)


def on(day, hour=9):
    return time_machine.travel(at(day, hour), tick=False)


def supervise_on(day, hour=9):
    with on(day, hour):
        return supervise()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def outbox(settings):
    """Outside channels that record what they were given instead of printing it."""
    RecordingBackend.sent.clear()
    settings.NOTIFY_BACKENDS = {"sms": "tests.test_supervision.RecordingBackend"}
    return RecordingBackend.sent


class RecordingBackend:
    sent = []

    def __init__(self, channel):
        self.channel = channel

    def send(self, recipient, title, body):
        self.sent.append((self.channel, recipient.username, title))


class FailingBackend:
    def __init__(self, channel):
        self.channel = channel

    def send(self, recipient, title, body):
        raise ConnectionError("短信网关无响应")


class NoAddressBackend:
    def __init__(self, channel):
        self.channel = channel

    def send(self, recipient, title, body):
        raise Undeliverable(f"{recipient.display_name}未登记手机号码")


@pytest.fixture
def seeded(transactional_db):
    """For transactional tests: the seed rows an earlier transactional test's flush may have removed."""
    reseed()


@pytest.fixture
def village_clerk(org):
    """A second handler of the village, not its head: every handler of the responsible unit is told."""
    return person("village_clerk", Role.HANDLER, org["village_a"], "吴文书")


def handled_petition(org, people):
    """A petition accepted on 2026-03-06, handled by 东村 (head: the handler), owned by the leader."""
    with on(dt.date(2026, 3, 6), 10):
        case = register(people["clerk"], village=org["village_a"], request="要求支付拖欠的工程款")
        do_accept_case(people["leader"], case, expected_version=case.version)
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
        do_sign_for_case(people["handler"], case, expected_version=case.version)
        do_assign_owner(people["director"], case, leader=people["leader"])
    quiet()
    return case


def quiet():
    """The hand-over notices (交办, 包案: tests/test_notify_handoffs.py) out of the way: supervision starts from an
    empty inbox and outbox."""
    Notification.objects.filter(kind=Notification.Kind.NOTICE, supervision__isnull=True).delete()


@pytest.fixture
def petition(org, people, village_clerk):
    return handled_petition(org, people)


def handling(case):
    return case.deadlines.get(rule__code="handling")


def received(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


# The days the rules fire on, straight from the official schedule ----------------------------------------------------


def first_firing_day(rule, due):
    calendar = WorkCalendar([2026])
    day = due - dt.timedelta(days=25)
    while not fires(rule, due, day, fire_before(rule, day, calendar)):
        day += dt.timedelta(days=1)
    return day


@pytest.mark.parametrize("due, expected", [
    (dt.date(2026, 6, 15), dt.date(2026, 6, 10)),  # due Mon: Thu, Fri, Mon remain from Wed, over the weekend
    (dt.date(2026, 5, 6), dt.date(2026, 4, 28)),  # over the Labour Day holiday
    (dt.date(2026, 5, 11), dt.date(2026, 5, 7)),  # Sat 05-09 is a make-up working day and counts
    (dt.date(2026, 10, 8), dt.date(2026, 9, 28)),  # over the National Day holiday
])
def test_a_reminder_fires_three_working_days_before_the_due_day(db, due, expected):
    rule = SupervisionRule(kind=SupervisionRule.Kind.REMINDER, working_days=3)
    assert first_firing_day(rule, due) == expected


@pytest.mark.parametrize("due, expected", [
    (dt.date(2026, 5, 6), dt.date(2026, 5, 7)),
    (dt.date(2026, 6, 12), dt.date(2026, 6, 15)),  # due Fri: not on the weekend, on Monday
    (dt.date(2026, 9, 30), dt.date(2026, 10, 8)),  # not during the National Day holiday
    (dt.date(2026, 9, 24), dt.date(2026, 9, 28)),  # nor during the Mid-autumn holiday
])
def test_an_escalation_fires_on_the_first_working_day_overdue(db, due, expected):
    rule = SupervisionRule(kind=SupervisionRule.Kind.ESCALATION, working_days=1)
    assert first_firing_day(rule, due) == expected


# Reminders --------------------------------------------------------------------------------------------------------


def test_the_reminder_comes_on_its_working_day_to_the_handlers_and_the_owning_leader(petition, people, village_clerk):
    assert handling(petition).due_on == DUE

    report = supervise_on(REMINDER_DAY - dt.timedelta(days=1))
    assert report.reminded == 0 and not Notification.objects.exists()

    report = supervise_on(REMINDER_DAY)
    assert report.reminded == 1
    told = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert told == sorted(["handler", "village_clerk", "leader"])
    reminder = Notification.objects.get(recipient=people["handler"])
    assert reminder.kind == Notification.Kind.REMINDER and reminder.case == petition
    assert reminder.title == f"到期提醒：{petition.number} 办理期限还剩3个工作日"
    assert "2026-05-06（周三）" in reminder.body
    assert reminder.link == reverse("case_detail", args=[petition.number])
    assert not received(people["director"], Notification.Kind.REMINDER)
    assert not received(people["other_handler"], Notification.Kind.REMINDER)


def test_a_recused_handler_is_not_reminded(petition, people, village_clerk):
    from jiefen.cases.steps import do_recuse

    do_recuse(people["leader"], petition, person=village_clerk, reason="与信访人系近亲属")
    supervise_on(REMINDER_DAY)
    told = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert told == sorted(["handler", "leader"])


def test_a_reminder_is_sent_once_however_often_the_worker_runs(petition, people):
    supervise_on(REMINDER_DAY)
    supervise_on(REMINDER_DAY, hour=15)
    supervise_on(REMINDER_DAY + dt.timedelta(days=1))
    assert Notification.objects.filter(kind=Notification.Kind.REMINDER).count() == 3
    assert Supervision.objects.count() == 1
    assert Delivery.objects.count() == 3 * len(Delivery.Channel)


def test_a_worker_that_was_down_catches_up_before_the_due_day_but_not_after(org, people):
    late = handled_petition(org, people)
    supervise_on(DUE)
    assert Notification.objects.get(recipient=people["handler"]).title.endswith("办理期限今日届满")
    Notification.objects.all().delete()
    Supervision.objects.all().delete()
    report = supervise_on(FIRST_DAY_OVERDUE)
    assert report.reminded == 0 and report.escalated == 1
    assert not Notification.objects.filter(case=late, kind=Notification.Kind.REMINDER).exists()


def test_an_extension_earns_the_clock_a_new_reminder(petition, people):
    supervise_on(REMINDER_DAY)
    with on(dt.date(2026, 4, 29), 10):
        do_extend_deadline(
            people["handler"], petition, expected_version=petition.version, days=10, reason="需现场测量",
            approver=people["leader"],
        )
    assert handling(petition).due_on == dt.date(2026, 5, 15)
    assert supervise_on(dt.date(2026, 5, 11)).reminded == 0
    assert supervise_on(dt.date(2026, 5, 12)).reminded == 1
    assert len(received(people["handler"], Notification.Kind.REMINDER)) == 2
    assert not Event.objects.filter(case=petition, kind="supervise").exists()


def test_a_case_not_yet_assigned_reminds_the_clerk_who_registered_it(org, people):
    # Registered Mon 06-01: the 15-day acceptance clock ends Tue 06-16; three working days before is Thu 06-11.
    with on(dt.date(2026, 6, 1), 10):
        case = register(people["clerk"], village=org["village_a"])
    assert case.deadlines.get(rule__code="acceptance").due_on == dt.date(2026, 6, 16)
    assert supervise_on(dt.date(2026, 6, 10)).reminded == 0
    supervise_on(dt.date(2026, 6, 11))
    assert [n.title for n in received(people["clerk"], Notification.Kind.REMINDER)] == [
        f"到期提醒：{case.number} 受理告知期限还剩3个工作日"
    ]


def test_rules_are_configuration(petition, people):
    reminder = SupervisionRule.objects.get(kind=SupervisionRule.Kind.REMINDER)
    reminder.clocks.set([ClockRule.objects.get(code="acceptance")])
    assert supervise_on(REMINDER_DAY).reminded == 0

    reminder.clocks.clear()
    reminder.working_days = 5
    reminder.to_handlers = False
    reminder.save()
    # Five working days before 05-06 is Fri 04-24: 04-27 … 04-30 and 05-06 remain.
    assert supervise_on(dt.date(2026, 4, 23)).reminded == 0
    assert supervise_on(dt.date(2026, 4, 24)).reminded == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["leader"]

    SupervisionRule.objects.update(active=False)
    assert supervise_on(FIRST_DAY_OVERDUE).escalated == 0


# Escalation -------------------------------------------------------------------------------------------------------


def test_an_overdue_clock_is_escalated_to_the_director_once_with_a_supervision_notice(petition, people):
    assert supervise_on(DUE, hour=17).escalated == 0
    version = petition.version

    report = supervise_on(FIRST_DAY_OVERDUE)
    assert report.escalated == 1
    escalation = received(people["director"], Notification.Kind.ESCALATION)
    assert len(escalation) == 1
    assert escalation[0].title == f"超期督办：{petition.number} 办理期限已超期1个工作日"
    assert len(received(people["handler"], Notification.Kind.ESCALATION)) == 1
    assert len(received(people["leader"], Notification.Kind.ESCALATION)) == 1

    event = Event.objects.get(case=petition, kind="supervise")
    assert event.summary == "超期督办：办理期限已超期1个工作日"
    assert event.actor is None and event.at == at(FIRST_DAY_OVERDUE) and not event.public
    audit = AuditRecord.objects.get(action="case.supervise")
    assert audit.object_ref == petition.number and audit.details["overdue_working_days"] == 1
    petition.refresh_from_db()
    assert petition.version == version  # not a transition: nobody with the case open is told it changed

    supervision = Supervision.objects.get(kind=SupervisionRule.Kind.ESCALATION)
    assert supervision.event == event and escalation[0].supervision == supervision
    pdf = PdfReader(supervision.notice.open("rb"))
    assert len(pdf.pages) == 1
    text = "".join(pdf.pages[0].extract_text().split())
    assert petition.number in text
    assert "超期督办单" in text and "东村" in text and "2026年5月6日" in text and "超期1个工作日" in text
    assert "李书记" in text  # the owning leader
    assert "陈大山" not in text  # an internal document: no petitioner

    supervise_on(FIRST_DAY_OVERDUE, hour=15)
    supervise_on(dt.date(2026, 5, 20))
    assert Event.objects.filter(kind="supervise").count() == 1
    assert Supervision.objects.filter(kind=SupervisionRule.Kind.ESCALATION).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.ESCALATION).count() == 4  # 2 handlers, owner, director


def test_the_notice_counts_working_days_overdue_on_the_day_it_is_issued(petition, people):
    # 05-07, 05-08, the make-up Saturday 05-09 and Monday 05-11.
    supervise_on(dt.date(2026, 5, 11))
    assert Event.objects.get(kind="supervise").summary == "超期督办：办理期限已超期4个工作日"
    notice = Supervision.objects.get(kind=SupervisionRule.Kind.ESCALATION).notice
    assert "超期4个工作日" in "".join(PdfReader(notice.open("rb")).pages[0].extract_text().split())


def test_the_notice_can_be_rendered_for_any_overdue_clock_on_the_day(petition):
    with on(dt.date(2026, 5, 11)):
        pdf = render_supervision_notice(petition, handling(petition))
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert petition.number in text and "截至2026年5月11日已超期4个工作日" in text


def test_a_clock_met_meanwhile_is_not_escalated(petition, people):
    with on(DUE, 16):
        reply_signed_off(
            people["handler"], petition, expected_version=petition.version, outcome="support", served_on=DUE,
            content="已协调支付。",
        )
    assert supervise_on(FIRST_DAY_OVERDUE).escalated == 0
    assert not Supervision.objects.filter(kind=SupervisionRule.Kind.ESCALATION).exists()


# Exactly once, with two workers ------------------------------------------------------------------------------------


def test_a_firing_already_claimed_is_not_repeated(petition, people):
    rule = SupervisionRule.objects.get(kind=SupervisionRule.Kind.REMINDER)
    deadline = handling(petition)
    calendar = WorkCalendar([2026])
    first = remind(deadline, rule=rule, now=at(REMINDER_DAY), calendar=calendar)
    # A second worker that read the same clock in its pass, before the first committed.
    second = remind(deadline, rule=rule, now=at(REMINDER_DAY), calendar=calendar)
    assert first is not None and second is None
    assert Notification.objects.count() == 3


def test_the_dedupe_key_holds_on_its_own(people):
    key = "reminder:test"
    assert notify(people["handler"], kind=Notification.Kind.REMINDER, title="一", dedupe_key=key) is not None
    assert notify(people["handler"], kind=Notification.Kind.REMINDER, title="二", dedupe_key=key) is None
    assert notify(people["handler"], kind=Notification.Kind.NOTICE, title="三") is not None
    assert notify(people["handler"], kind=Notification.Kind.NOTICE, title="四") is not None
    assert Notification.objects.count() == 3


def in_two_workers(now):
    """Run supervise(now) in two threads at once, each with its own database connection, as two workers would."""
    barrier = threading.Barrier(2)
    errors = []

    def work():
        try:
            barrier.wait()
            supervise(now)
        except Exception as error:  # noqa: BLE001 (reported below: an exception in a thread would pass silently)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent workers need a server database; SQLite serialises writers (IMMEDIATE transactions)",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_and_escalate_once(seeded, org, people):
    village_clerk = person("village_clerk", Role.HANDLER, org["village_a"], "吴文书")
    case = handled_petition(org, people)
    with on(REMINDER_DAY):
        in_two_workers(at(REMINDER_DAY))
    with on(FIRST_DAY_OVERDUE):
        in_two_workers(at(FIRST_DAY_OVERDUE))
    for user in (people["handler"], village_clerk, people["leader"]):
        assert len(received(user, Notification.Kind.REMINDER)) == 1
        assert len(received(user, Notification.Kind.ESCALATION)) == 1
    assert len(received(people["director"], Notification.Kind.ESCALATION)) == 1
    assert Event.objects.filter(case=case, kind="supervise").count() == 1
    assert AuditRecord.objects.filter(action="case.supervise").count() == 1
    assert Supervision.objects.count() == 2


# The outbox -------------------------------------------------------------------------------------------------------


def test_notifications_go_out_after_commit(petition, people, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        supervise_on(REMINDER_DAY)
    assert sorted(user for _channel, user, _title in outbox) == ["handler", "leader", "village_clerk"]
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_nothing_is_sent_for_a_firing_that_rolled_back(petition, people, outbox, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("字体缺失")

    monkeypatch.setattr("jiefen.notify.actions.render_supervision_notice", broken)
    report = supervise_on(FIRST_DAY_OVERDUE)
    assert report.errors == 1 and report.escalated == 0
    assert not Supervision.objects.filter(kind=SupervisionRule.Kind.ESCALATION).exists()
    assert not Event.objects.filter(kind="supervise").exists()
    assert not Notification.objects.filter(kind=Notification.Kind.ESCALATION).exists()
    monkeypatch.undo()
    assert supervise_on(FIRST_DAY_OVERDUE, hour=10).escalated == 1  # tried again next round


def test_a_failing_backend_is_retried_with_a_growing_pause_and_the_error_kept(people, settings):
    settings.NOTIFY_BACKENDS = {"sms": "tests.test_supervision.FailingBackend"}
    t0 = at(REMINDER_DAY)
    with on(REMINDER_DAY):
        notify(people["handler"], kind=Notification.Kind.REMINDER, title="到期提醒")
    delivery = Delivery.objects.get()

    report = deliver(now=t0)
    assert (report.sent, report.failed) == (0, 1)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.sent_at is None and delivery.given_up_at is None
    assert delivery.last_error == "ConnectionError: 短信网关无响应"
    assert delivery.next_attempt_at == t0 + dt.timedelta(minutes=1)

    assert deliver(now=t0 + dt.timedelta(seconds=30)).failed == 0  # not due yet
    deliver(now=t0 + dt.timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at == t0 + dt.timedelta(minutes=3)

    settings.NOTIFY_BACKENDS = {"sms": "tests.test_supervision.RecordingBackend"}
    RecordingBackend.sent.clear()
    assert deliver(now=t0 + dt.timedelta(minutes=3)).sent == 1
    delivery.refresh_from_db()
    assert delivery.sent_at == t0 + dt.timedelta(minutes=3) and delivery.last_error == "" and delivery.attempts == 3
    assert RecordingBackend.sent == [("sms", "handler", "到期提醒")]
    assert deliver(now=t0 + dt.timedelta(hours=1)).sent == 0  # sent once


def test_a_delivery_is_given_up_after_the_last_attempt_or_at_once_when_undeliverable(people, settings):
    settings.NOTIFY_BACKENDS = {"sms": "tests.test_supervision.FailingBackend"}
    settings.NOTIFY_MAX_ATTEMPTS = 2
    t0 = at(REMINDER_DAY)
    with on(REMINDER_DAY):
        notify(people["handler"], kind=Notification.Kind.NOTICE, title="一")
    deliver(now=t0)
    report = deliver(now=t0 + dt.timedelta(minutes=1))
    assert report.given_up == 1
    assert deliver(now=t0 + dt.timedelta(days=1)).failed == 0
    assert Delivery.objects.get().given_up_at == t0 + dt.timedelta(minutes=1)

    settings.NOTIFY_BACKENDS = {"sms": "tests.test_supervision.NoAddressBackend"}
    with on(REMINDER_DAY):
        notify(people["director"], kind=Notification.Kind.NOTICE, title="二")
    assert deliver(now=t0).given_up == 1
    gave_up = Delivery.objects.get(notification__title="二")
    assert gave_up.attempts == 1 and gave_up.last_error == "Undeliverable: 张主任未登记手机号码"


def test_the_console_prints_and_the_email_backend_mails(people, settings, capsys, mailoutbox):
    settings.NOTIFY_BACKENDS = {
        "sms": "jiefen.notify.backends.ConsoleBackend", "email": "jiefen.notify.backends.EmailBackend",
    }
    people["handler"].email = "zhao@example.cn"
    people["handler"].save(update_fields=["email"])
    with on(REMINDER_DAY):
        notify(
            people["handler"],
            kind=Notification.Kind.REMINDER,
            title="到期提醒：办理期限还剩3个工作日",
            body="请抓紧办理",
        )
        notify(people["director"], kind=Notification.Kind.NOTICE, title="通知")
    report = deliver(now=at(REMINDER_DAY))
    assert (report.sent, report.given_up) == (3, 1)  # the director has no e-mail address
    printed = capsys.readouterr().out
    assert "[sms] → 赵村干 <未登记>\n到期提醒：办理期限还剩3个工作日\n请抓紧办理" in printed
    assert [(m.to, m.subject) for m in mailoutbox] == [(["zhao@example.cn"], "到期提醒：办理期限还剩3个工作日")]
    assert (
        Delivery.objects.get(channel="email", given_up_at__isnull=False).last_error
        == "Undeliverable: 张主任未登记电子邮箱"
    )


def test_two_workers_never_send_the_same_delivery(people, settings):
    settings.NOTIFY_BACKENDS = {"sms": "tests.test_supervision.RecordingBackend"}
    now = at(REMINDER_DAY)
    with on(REMINDER_DAY):
        notify(people["handler"], kind=Notification.Kind.NOTICE, title="一")
    seen_by_one, seen_by_other = Delivery.objects.get(), Delivery.objects.get()
    assert Delivery.objects.claim(seen_by_one, now, dt.timedelta(minutes=5))
    assert not Delivery.objects.claim(seen_by_other, now, dt.timedelta(minutes=5))
    # A worker that died while sending leaves the row to another once its claim runs out.
    assert Delivery.objects.claim(Delivery.objects.get(), now + dt.timedelta(minutes=5), dt.timedelta(minutes=5))


# The worker -------------------------------------------------------------------------------------------------------


# Transactional: the worker closes connections past their age between rounds, which a test's transaction forbids.
@pytest.mark.django_db(transaction=True)
def test_run_worker_once_supervises_and_delivers(seeded, petition, people, outbox):
    out = io.StringIO()
    with on(REMINDER_DAY):
        call_command("run_worker", "--once", stdout=out)
    assert "到期提醒 1 件，超期督办 0 件" in out.getvalue() and "通知发送 3 条" in out.getvalue()
    assert len(outbox) == 3


def test_the_worker_loop_stops_when_asked_without_waiting_out_its_pause(monkeypatch):
    stop, first_round = threading.Event(), threading.Event()
    rounds = []

    def run_round():
        rounds.append("round")
        first_round.set()
        return SupervisionReport(), DeliveryReport()

    monkeypatch.setattr(worker, "run_round", run_round)
    thread = threading.Thread(target=worker.run, kwargs={"stop": stop, "interval": 3600, "log": rounds.append})
    thread.start()
    assert first_round.wait(timeout=5)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive() and rounds == ["round"]


def test_run_worker_stops_cleanly_on_sigterm(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}", "PYTHONUNBUFFERED": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    process = subprocess.Popen(
        [*manage, "run_worker", "--interval", "3600"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert "已启动" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert "已停止" in process.stdout.read()
    finally:
        process.kill()


# Pages ------------------------------------------------------------------------------------------------------------


def bell(client):
    return client.get(reverse("notification_bell")).content.decode()


def test_the_bell_shows_the_unread_count(client, petition, people):
    supervise_on(FIRST_DAY_OVERDUE)
    client.force_login(people["handler"])
    page = client.get(reverse("case_list")).content.decode()
    assert 'id="bell"' in page and 'class="badge">1<' in page
    assert 'class="badge">1<' in bell(client)

    notification = Notification.objects.get(recipient=people["handler"])
    response = client.post(reverse("notification_read", args=[notification.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'hx-swap-oob="true"' in fragment and "badge" not in fragment  # the bell, updated in the same answer
    assert "badge" not in bell(client)


def test_the_bell_falls_silent_when_the_session_ends(client):
    assert client.get(reverse("notification_bell")).status_code == 286


def test_the_notification_page_needs_a_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_people_see_only_their_own_notifications(client, petition, people):
    supervise_on(REMINDER_DAY)
    mine = Notification.objects.get(recipient=people["handler"])
    theirs = Notification.objects.get(recipient=people["leader"])

    client.force_login(people["handler"])
    page = client.get(reverse("notifications")).content.decode()
    assert mine.title in page and f"notification-{theirs.pk}" not in page
    assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notification_read_all"))
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is not None

    client.force_login(people["director"])
    assert petition.number not in client.get(reverse("notifications")).content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(client, petition, people):
    supervise_on(REMINDER_DAY)
    notification = Notification.objects.get(recipient=people["leader"])
    client.force_login(people["leader"])
    unread = client.get(reverse("notifications") + "?show=unread").content.decode()
    assert notification.title in unread
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[petition.number])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert notification.title not in client.get(reverse("notifications") + "?show=unread").content.decode()


def test_the_supervision_notice_is_served_within_the_case_scope(client, petition, people):
    url = reverse("supervision_notice", args=[petition.number])
    client.force_login(people["handler"])
    assert client.get(url).status_code == 404  # not escalated yet
    supervise_on(FIRST_DAY_OVERDUE)

    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert petition.number in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")

    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404
    client.force_login(people["other_handler"])
    assert client.get(url).status_code == 404
    client.force_login(people["supervisor"])  # the county reads
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302

    client.force_login(people["director"])
    page = client.get(reverse("notifications")).content.decode()
    supervision = Supervision.objects.get(kind=SupervisionRule.Kind.ESCALATION)
    assert reverse("supervision_notice_of", args=[petition.number, supervision.pk]) in page
