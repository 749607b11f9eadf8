"""Accounts: audited logins, lockout per (username, address), one-time passwords, session timeouts, hashing,
production settings and CSRF."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

import jiefen.settings as base_settings
from jiefen.accounts.models import LoginAttempt
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case

from .test_views import intake_post

PASSWORD = "pass-1234-word"
VILLAGE = "203.0.113.20"  # one address shared by a whole village
ELSEWHERE = "198.51.100.9"
ROOT = Path(__file__).resolve().parents[1]
LOGIN = "/accounts/login/"


def log_in(client, username, password=PASSWORD, address=VILLAGE, **data):
    return client.post(LOGIN, {"username": username, "password": password, **data}, REMOTE_ADDR=address)


def code(device):
    """The code the person's phone shows now."""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = timezone.now().timestamp()
    return f"{clock.token():06d}"


def wrong_code(device):
    return "000000" if code(device) != "000000" else "111111"


@pytest.fixture
def client():
    """A browser in the village: every request comes from the village's one address unless told otherwise."""
    return Client(REMOTE_ADDR=VILLAGE)


@pytest.fixture
def frozen():
    """Frozen time that a test moves on by hand."""
    morning = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(morning, tick=False) as t:
        yield t


# --- hashing ---------------------------------------------------------------------------------------------------


def test_argon2_hashes_new_passwords_in_the_real_settings(settings):
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS
    assert make_password("长口令-2026").startswith("argon2$argon2id$")


# --- logging in and out, audited -------------------------------------------------------------------------------


def test_a_login_is_audited_with_address_and_never_the_password(client, people):
    response = log_in(client, "clerk")
    assert response.status_code == 302 and response["Location"] == "/"
    audit = AuditRecord.objects.get(action="auth.login")
    assert (audit.actor, audit.result, audit.address, audit.details["username"]) == (
        people["clerk"], "ok", VILLAGE, "clerk")
    assert LoginAttempt.objects.get().result == "ok"


def test_a_failed_login_is_audited_with_the_username_tried_and_never_the_password(client, people):
    response = log_in(client, "clerk", "wrong-guess-77")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    audit = AuditRecord.objects.get(action="auth.login")
    assert (audit.actor, audit.result, audit.details["username"]) == (None, "failed", "clerk")
    assert not any("wrong-guess-77" in str(r.details) for r in AuditRecord.objects.all())
    assert "_auth_user_id" not in client.session


def test_logout_is_audited_and_must_be_a_post(client, people):
    log_in(client, "clerk")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    audit = AuditRecord.objects.get(action="auth.logout")
    assert (audit.actor, audit.details["reason"]) == (people["clerk"], "user")
    assert client.get("/").status_code == 302


def test_the_admin_login_is_the_same_login_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/"


# --- lockout ---------------------------------------------------------------------------------------------------


def fail(client, username, times, address=VILLAGE):
    return [log_in(client, username, "wrong", address) for _ in range(times)]


def test_five_failures_lock_the_username_at_that_address(client, people, frozen):
    responses = fail(client, "leader", 5)
    assert "暂时锁定" in responses[-1].content.decode() and "09:15" in responses[-1].content.decode()
    refused = log_in(client, "leader")  # even the right password
    assert refused.status_code == 200 and "暂时锁定" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="auth.lockout", details__username="leader").count() == 1
    assert AuditRecord.objects.filter(action="auth.login", result="locked").count() == 1


def test_a_lock_does_not_lock_out_the_rest_of_the_village(client, people, frozen):
    fail(client, "leader", 5)
    assert log_in(Client(), "clerk", address=VILLAGE).status_code == 302
    assert log_in(Client(), "leader", address=ELSEWHERE).status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client, people, frozen):
    fail(client, "leader", 5)
    frozen.shift(dt.timedelta(minutes=14))
    assert log_in(client, "leader").status_code == 200
    frozen.shift(dt.timedelta(minutes=1, seconds=1))
    assert log_in(client, "leader").status_code == 302


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, people, frozen):
    for _ in range(5):
        fail(client, "leader", 1)
        frozen.shift(dt.timedelta(minutes=4))
    assert log_in(client, "leader").status_code == 302


def test_a_successful_login_clears_earlier_failures(client, people, frozen):
    fail(client, "clerk", 4)
    assert log_in(client, "clerk").status_code == 302
    client.post("/accounts/logout/")
    fail(client, "clerk", 4)
    assert log_in(client, "clerk").status_code == 302


def test_the_username_is_matched_without_regard_to_case(client, people, frozen):
    fail(client, "Leader", 3)
    fail(client, "LEADER", 2)
    assert "暂时锁定" in log_in(client, "leader").content.decode()


def test_a_username_that_does_not_exist_locks_the_same_way(client, people, frozen):
    responses = fail(client, "nobody", 5)
    assert "暂时锁定" in responses[-1].content.decode()


# --- one-time passwords ----------------------------------------------------------------------------------------


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED = True


def enrol(client, user, frozen):
    """Log in with the password and enrol a device through the set-up page; return the device."""
    response = log_in(client, user.username)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/setup/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(response["Location"], {"token": code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_director_must_enrol_before_seeing_any_page_when_otp_is_required(client, people, otp_required, frozen):
    director = people["director"]
    log_in(client, "director")
    for path in ("/", "/cases/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/setup/")
    page = client.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=director, confirmed=False)
    assert "密钥" in page.content.decode()
    response = client.post("/accounts/otp/setup/?next=/cases/", {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert AuditRecord.objects.filter(action="auth.otp_enrol", actor=director).count() == 1
    assert AuditRecord.objects.filter(action="auth.login", details__stage="otp", result="ok").count() == 1


def test_an_enrolled_leader_gives_the_code_after_the_password(client, people, otp_required, frozen):
    device = enrol(client, people["leader"], frozen)
    client.post("/accounts/logout/")
    frozen.shift(dt.timedelta(minutes=5))
    response = log_in(client, "leader", next="/cases/")
    assert response["Location"].startswith("/accounts/otp/?")
    assert client.get("/cases/")["Location"].startswith("/accounts/otp/?")
    wrong = client.post(response["Location"], {"token": wrong_code(device)})
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    too_soon = client.post(response["Location"], {"token": code(device)})
    assert "尝试过于频繁" in too_soon.content.decode()  # django-otp's own growing delay after a wrong code
    frozen.shift(dt.timedelta(seconds=2))
    right = client.post(response["Location"], {"token": code(device)})
    assert right.status_code == 302 and right["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_wrong_codes_count_towards_the_lockout_and_end_the_session(client, people, otp_required, frozen):
    device = enrol(client, people["leader"], frozen)
    client.post("/accounts/logout/")
    frozen.shift(dt.timedelta(minutes=5))
    log_in(client, "leader")
    bad = wrong_code(device)
    for _ in range(5):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # django-otp's own delay aside
        last = client.post("/accounts/otp/", {"token": bad})
    assert last.status_code == 302 and last["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="auth.logout", details__reason="locked").count() == 1
    assert "暂时锁定" in log_in(client, "leader").content.decode()


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(client, people, otp_required, frozen):
    device = enrol(client, people["leader"], frozen)
    client.post("/accounts/logout/")
    frozen.shift(dt.timedelta(minutes=5))
    bad = wrong_code(device)
    for _ in range(4):
        log_in(client, "leader")
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client.post("/accounts/otp/", {"token": bad})
        client.post("/accounts/logout/")
    log_in(client, "leader")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert client.post("/accounts/otp/", {"token": bad})["Location"] == LOGIN


def test_no_second_device_can_be_added_with_the_password_alone(client, people, otp_required, frozen):
    enrol(client, people["leader"], frozen)
    client.post("/accounts/logout/")
    log_in(client, "leader")
    response = client.get("/accounts/otp/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/?")
    assert TOTPDevice.objects.filter(user=people["leader"]).count() == 1


def test_a_clerk_is_not_asked_for_a_code(client, people, otp_required):
    assert log_in(client, "clerk")["Location"] == "/"
    assert client.get("/cases/").status_code == 200


def test_a_session_made_without_the_login_page_is_held_at_the_gate_too(client, people, otp_required):
    client.force_login(people["director"])
    assert client.get("/cases/")["Location"].startswith("/accounts/otp/setup/")
    htmx = client.get("/cases/", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith("/accounts/otp/setup/")


def test_without_the_requirement_a_director_logs_in_with_the_password(client, people):
    assert log_in(client, "director")["Location"] == "/"


def test_whoever_enrols_of_their_own_accord_is_asked_from_then_on(client, people, frozen):
    log_in(client, "clerk")
    client.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=people["clerk"])
    client.post("/accounts/otp/setup/", {"token": code(device)})
    client.post("/accounts/logout/")
    frozen.shift(dt.timedelta(minutes=2))
    assert log_in(client, "clerk")["Location"].startswith("/accounts/otp/?")


def test_the_otp_pages_need_a_login(client, db):
    for path in ("/accounts/otp/", "/accounts/otp/setup/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- session timeouts ------------------------------------------------------------------------------------------


def test_thirty_minutes_without_a_request_end_the_session(client, people, frozen):
    log_in(client, "clerk")
    frozen.shift(dt.timedelta(minutes=29))
    assert client.get("/cases/").status_code == 200
    frozen.shift(dt.timedelta(minutes=29))
    assert client.get("/cases/").status_code == 200  # counted from the last request, not from the login
    frozen.shift(dt.timedelta(minutes=31))
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fcases%2F"
    assert "30分钟未操作" in client.get(response["Location"]).content.decode()
    assert AuditRecord.objects.get(action="auth.logout").details["reason"] == "idle"


def test_twelve_hours_after_login_the_session_ends_however_busy(client, people, frozen):
    log_in(client, "clerk")
    for _ in range(12 * 3):
        frozen.shift(dt.timedelta(minutes=20))
        assert client.get("/cases/").status_code == 200
    frozen.shift(dt.timedelta(minutes=1))
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditRecord.objects.get(action="auth.logout").details["reason"] == "absolute"


def test_an_htmx_request_after_the_timeout_reloads_the_login_page(client, people, frozen):
    log_in(client, "clerk")
    frozen.shift(dt.timedelta(minutes=31))
    response = client.get("/cases/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(LOGIN)


# --- production settings ---------------------------------------------------------------------------------------


def production_env(**overrides):
    from cryptography.fernet import Fernet

    # Only what a production server has: not the test-only switches (DJANGO_ALLOW_ASYNC_UNSAFE of the browser tests).
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_SETTINGS_MODULE="jiefen.settings_production",
        SECRET_KEY="x7!" + "kq2P9vZ4mW8rT1yB6nC3hJ5dF0gL" * 3,
        ALLOWED_HOSTS="jiefen.example.gov.cn",
        PERSONAL_DATA_KEYS=Fernet.generate_key().decode(),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_check_deploy_is_clean_with_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env=production_env(SECRET_KEY=None))
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_settings_require_one_time_passwords_and_secure_cookies():
    probe = ("from django.conf import settings as s; "
             "print(s.OTP_REQUIRED, s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)")
    result = manage("shell", "-c", probe, env=production_env())
    assert result.stdout.splitlines()[-1].split() == ["True", "False", "True", "True", "31536000"], result.stderr


# --- CSRF ------------------------------------------------------------------------------------------------------


def test_a_login_post_without_the_csrf_token_is_refused():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(LOGIN, {"username": "clerk", "password": PASSWORD}).status_code == 403


def test_a_login_post_with_the_csrf_token_passes(people):
    strict = Client(enforce_csrf_checks=True)
    strict.get(LOGIN)
    token = strict.cookies["csrftoken"].value
    response = strict.post(LOGIN, {"username": "clerk", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_desk_post_without_the_csrf_token_is_refused_and_registers_nothing(org, people):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["clerk"])
    assert strict.post("/desk/", intake_post(org)).status_code == 403
    assert not Case.objects.exists()


def test_a_desk_post_with_the_csrf_token_registers_the_case(org, people):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["clerk"])
    strict.get("/desk/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/desk/", {**intake_post(org), "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Case.objects.count() == 1


def test_an_htmx_post_carries_the_csrf_token_in_its_header(org, people):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["clerk"])
    strict.get("/desk/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/desk/", intake_post(org), HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
    assert response.status_code != 403 and Case.objects.count() == 1


def test_the_settings_module_under_test_keeps_csrf_middleware():
    assert "django.middleware.csrf.CsrfViewMiddleware" in django_settings.MIDDLEWARE
