"""Logging in and out, lockout and one-time passwords: every step writes its audit record here.

Lockout (settings.LOGIN_FAILURE_LIMIT failures of one username from one address within LOGIN_FAILURE_WINDOW lock
that pair for LOGIN_LOCKOUT seconds): attempts while locked are refused without checking the password and do not
extend the lock; a wrong one-time password counts as a failure too, and a right password does not clear failures
while the one-time password is still to come (else a stolen password would buy unlimited code guesses).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiefen.audit.records import record, record_login
from jiefen.org import authz

from .models import LoginAttempt

# Session keys: when the password was accepted (absolute timeout), when the user was last seen (idle timeout),
# and whether this session must pass a one-time password before anything else.
LOGIN_AT = "jiefen_login_at"
LAST_SEEN = "jiefen_last_seen"
OTP_PENDING = "jiefen_otp_pending"


def username_key(username):
    return (username or "").strip().casefold()[:150]


def lockout_until(username, address, now=None):
    """When the lock on (username, address) ends, or None if it is not locked."""
    now = now or timezone.now()
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    lockout = dt.timedelta(seconds=settings.LOGIN_LOCKOUT)
    limit = settings.LOGIN_FAILURE_LIMIT
    recent = (
        LoginAttempt.objects.filter(username=username_key(username), address=address, at__gte=now - window - lockout)
        .exclude(result=LoginAttempt.Result.LOCKED)
        .order_by("-at")
        .values_list("at", "result")[: limit]
    )
    failures = []
    for at, result in recent:
        if result == LoginAttempt.Result.OK:
            break
        failures.append(at)
    if len(failures) < limit or failures[0] - failures[-1] > window:
        return None
    until = failures[0] + lockout
    return until if until > now else None


@transaction.atomic
def do_refuse_locked(username, address, until):
    LoginAttempt.objects.create(username=username_key(username), address=address, result=LoginAttempt.Result.LOCKED)
    record_login(None, username, "locked", locked_until=until)


@transaction.atomic
def do_record_login_failure(username, address, *, stage="password"):
    """Count one failed attempt; return when the pair is now locked until, or None."""
    LoginAttempt.objects.create(username=username_key(username), address=address, result=LoginAttempt.Result.FAILED)
    record_login(None, username, "failed", stage=stage)
    until = lockout_until(username, address)
    if until:
        record(None, "auth.lockout", None, username=username_key(username), locked_until=until)
    return until


def otp_expected(user):
    """Whether a one-time password is asked of this user: required for leadership and administrators when
    settings.OTP_REQUIRED, and for anyone who enrolled a device of their own accord."""
    if settings.OTP_REQUIRED and otp_role(user):
        return True
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_role(user):
    return bool(user.is_superuser or user.is_staff or authz.in_roles(user, authz.LEADERSHIP))


def stamp_session(sender, request, user, **kwargs):
    """Receiver of user_logged_in: the session's clocks start at login, however the login happened (this form,
    force_login in tests), and are saved with the login itself rather than by the next request."""
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now


@transaction.atomic
def do_log_in(request, user, address):
    """The password was right: start the session; return True if a one-time password must follow."""
    auth_login(request, user)  # stamp_session starts the timeout clocks
    pending = otp_expected(user)
    request.session[OTP_PENDING] = pending
    if pending:
        record_login(user, user.username, "ok", stage="password", otp="pending")
    else:
        LoginAttempt.objects.create(username=username_key(user.username), address=address, result="ok")
        record_login(user, user.username, "ok")
    return pending


@transaction.atomic
def do_pass_otp(request, device, address, *, enrolled=False):
    """The one-time password was right: the session is now fully logged in."""
    user = request.user
    if enrolled:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        record(user, "auth.otp_enrol", None, device=device.pk)
    otp_login(request, device)
    request.session[OTP_PENDING] = False
    LoginAttempt.objects.create(username=username_key(user.username), address=address, result="ok")
    record_login(user, user.username, "ok", stage="otp")


@transaction.atomic
def do_start_enrolment(user):
    """The user's unconfirmed TOTP device, made if there is none: its secret is shown once, on the set-up page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="解纷", confirmed=False)
    return device


@transaction.atomic
def do_log_out(request, reason="user"):
    """End the session; `reason` is user, idle, absolute or locked."""
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        record(user, "auth.logout", None, reason=reason)
    auth_logout(request)
