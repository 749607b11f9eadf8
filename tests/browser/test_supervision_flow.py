"""The bell and the notification page in a real browser, after a reminder and an escalation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiefen.cases.steps import do_accept_case, do_assign_case, do_sign_for_case
from jiefen.leadership.steps import do_assign_owner
from jiefen.notify.models import Notification
from jiefen.notify.supervision import supervise

from ..factories import build_org, build_personas, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day):
    return dt.datetime.combine(day, dt.time(9), SHANGHAI)


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = build_org()
    people = build_personas(org)
    # Accepted Fri 2026-03-06: the handling clock ends Wed 05-06, reminded on Tue 04-28, escalated on Thu 05-07.
    with time_machine.travel(at(dt.date(2026, 3, 6)), tick=False):
        case = register(people["clerk"], village=org["village_a"], request="要求支付拖欠的工程款")
        do_accept_case(people["leader"], case, expected_version=case.version)
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
        do_sign_for_case(people["handler"], case, expected_version=case.version)
        do_assign_owner(people["director"], case, leader=people["leader"])
    supervise(at(dt.date(2026, 4, 28)))
    supervise(at(dt.date(2026, 5, 7)))
    return case, people


def test_the_handler_reads_a_reminder_and_an_escalation_under_the_bell(world, login_page, live_server, shoot):
    case, people = world
    handler = login_page(people["handler"])
    # The hand-over (交办待签收) told the village first; then the reminder and the escalation.
    assert handler.inner_text("#bell .badge") == "3"
    shoot(handler, "supervision-01-bell")

    handler.click("#bell")
    handler.wait_for_load_state()
    assert handler.url.endswith("/notifications/")
    items = handler.locator("li.notification")
    assert items.count() == 3
    assert "超期督办" in items.nth(0).inner_text() and "到期提醒" in items.nth(1).inner_text()
    assert "交办待签收" in items.nth(2).inner_text()
    assert handler.locator(f"a[href^='/cases/{case.number}/supervision/']").count() == 1
    shoot(handler, "supervision-02-notifications")

    # Marked read in place: the item loses its highlight and the bell counts down, without leaving the page.
    items.nth(1).locator("button:has-text('标为已读')").click()
    handler.wait_for_selector("#bell .badge:has-text('2')")
    assert "已读" in handler.locator("li.notification").nth(1).inner_text()
    assert Notification.objects.filter(recipient=people["handler"], read_at__isnull=True).count() == 2

    handler.locator("li.notification").nth(0).locator("a", has_text="查看案件").click()
    handler.wait_for_load_state()
    assert handler.url.endswith(f"/cases/{case.number}/")
    assert "超期督办：办理期限已超期1个工作日" in handler.inner_text("ol.timeline")
    assert handler.inner_text("#bell .badge") == "1"  # the hand-over notice, still unread
    shoot(handler, "supervision-03-case-timeline")
