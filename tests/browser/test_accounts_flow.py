"""Accounts in a real browser: a director enrols a one-time password on a phone, a mistyped password locks the
account at one address, and no page raises a Content-Security-Policy violation on the way."""

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiefen.audit.models import AuditRecord
from jiefen.duty.models import DutyShift

from ..factories import build_org, build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(transactional_db):
    return build_personas(build_org())


def current_code(device):
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = timezone.now().timestamp()
    return f"{clock.token():06d}"


def new_page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/")
    return context, page, violations


def test_a_director_enrols_a_one_time_password_on_a_phone(browser, live_server, people, settings, shoot):
    settings.OTP_REQUIRED = True
    context, page, violations = new_page(browser, live_server, PHONE)
    page.fill("input[name=username]", "director")
    page.fill("input[name=password]", "pass-1234-word")
    page.click("button:has-text('登录')")
    page.wait_for_url("**/accounts/otp/setup/**")
    assert page.locator(".otp-qr svg").is_visible()
    shoot(page, "accounts-01-otp-setup-phone")
    device = TOTPDevice.objects.get(user=people["director"], confirmed=False)
    page.fill("input[name=token]", current_code(device))
    page.click("button:has-text('启用')")
    page.wait_for_url(f"{live_server.url}/")
    assert "动态口令已启用" in page.inner_text(".messages")
    shoot(page, "accounts-02-enrolled-home-phone")
    page.goto(f"{live_server.url}/leadership/mine/")
    assert violations == []
    context.close()
    assert AuditRecord.objects.filter(action="auth.otp_enrol").count() == 1


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(browser, live_server, people, shoot):
    context, page, violations = new_page(browser, live_server, PHONE)
    for _ in range(5):
        page.fill("input[name=username]", "leader")
        page.fill("input[name=password]", "wrong-password")
        page.click("button:has-text('登录')")
        page.wait_for_load_state()
    assert "暂时锁定" in page.inner_text(".error")
    shoot(page, "accounts-03-locked-phone")
    assert violations == []
    context.close()


def test_pages_with_scripts_run_them_without_a_policy_violation(browser, live_server, people, login_page):
    leader = people["leader"]
    DutyShift.objects.create(centre=leader.unit, date=timezone.localdate(), leader=leader)
    page = login_page(people["director"])
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for path in ("/desk/", "/cases/", "/duty/", "/leadership/mine/"):
        page.goto(f"{live_server.url}{path}")
    page.goto(f"{live_server.url}/public/duty/{leader.unit.code}/")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("[data-print]")
    assert page.evaluate("window.printed") is True  # the print button works through js/print.js
    assert violations == []
