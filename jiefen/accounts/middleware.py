"""Session timeouts and the one-time password gate; both placed after authentication and messages."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .actions import LAST_SEEN, LOGIN_AT, OTP_PENDING, do_log_out, otp_role
from .views import otp_step_url

# Seen-time is written at most this often, so a busy session is not saved on every request.
SEEN_RESOLUTION = 60


def _to(request, url):
    """Redirect; an htmx request is told to load the page in full rather than swap a login form into a fragment."""
    if request.headers.get("HX-Request") == "true":  # django-htmx's middleware runs after this one
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _login_url(request):
    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()}) if request.method == "GET" else ""
    return reverse("login") + (f"?{query}" if query else "")


class SessionTimeoutMiddleware:
    """Log out after settings.SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_TIMEOUT seconds
    after the password was given, however busy the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            reason = None
            if now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason, text = "absolute", _("登录已超过%(hours)d小时，为安全起见请重新登录。") % {
                    "hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600}
            elif now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                reason, text = "idle", _("您已%(minutes)d分钟未操作，为安全起见请重新登录。") % {
                    "minutes": settings.SESSION_IDLE_TIMEOUT // 60}
            if reason:
                url = _login_url(request)
                do_log_out(request, reason=reason)
                messages.info(request, text)
                return _to(request, url)
            if LAST_SEEN not in session or now - last_seen >= SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)


class OTPRequiredMiddleware:
    """A session that still owes a one-time password reaches only the verification, enrolment and logout pages.

    Whether it owes one is decided at login (jiefen.accounts.actions.do_log_in) and kept in the session; a session
    made some other way (force_login in tests, an old session) is judged by role, so no query is added per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.otp_pending = False
        if user.is_authenticated and self._owes_otp(request, user) and not user.is_verified():
            request.otp_pending = True
            open_paths = {reverse("otp_verify"), reverse("otp_setup"), reverse("logout")}
            if request.path not in open_paths:
                return _to(request, otp_step_url(user, request.get_full_path() if request.method == "GET" else "/"))
        return self.get_response(request)

    @staticmethod
    def _owes_otp(request, user):
        pending = request.session.get(OTP_PENDING)
        if pending is None:
            return settings.OTP_REQUIRED and otp_role(user)
        return pending or (settings.OTP_REQUIRED and otp_role(user))
