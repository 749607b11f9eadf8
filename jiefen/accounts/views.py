"""Login, logout and the one-time password steps (verification, enrolment)."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiefen.audit.context import client_address

from .actions import do_log_in, do_log_out, do_pass_otp, do_record_login_failure, do_start_enrolment, lockout_until
from .forms import LoginForm, TokenForm, locked_message


def _next(request, fallback="home"):
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(fallback)


def otp_step_url(user, next_url):
    """Where a session still owing a one-time password goes: verification, or enrolment if it has no device."""
    name = "otp_verify" if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "otp_setup"
    return f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if do_log_in(self.request, user, client_address(self.request)):
            return redirect(otp_step_url(user, self.get_success_url()))
        return redirect(self.get_success_url())


@require_POST
def logout_view(request):
    do_log_out(request)
    return redirect("login")


def _refuse_token(request, user, form):
    """Count a wrong code like a wrong password; at the lock, end the half-open session."""
    until = do_record_login_failure(user.username, client_address(request), stage="otp")
    if until:
        do_log_out(request, reason="locked")
        messages.error(request, locked_message(until))
        return redirect("login")
    form.add_error("token", _("动态口令不正确或已过期，请重新输入。"))
    return None


def _locked_out(request, user):
    until = lockout_until(user.username, client_address(request))
    if until:
        do_log_out(request, reason="locked")
        messages.error(request, locked_message(until))
        return redirect("login")
    return None


@login_required
def otp_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(otp_step_url(request.user, _next(request)))
    if request.user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        refused = _locked_out(request, request.user)
        if refused:
            return refused
        if form.is_valid():
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", _("尝试过于频繁，请稍候片刻再输入。"))
            elif verify_token(request.user, device.persistent_id, form.cleaned_data["token"]):
                do_pass_otp(request, device, client_address(request))
                return redirect(_next(request))
            else:
                refused = _refuse_token(request, request.user, form)
                if refused:
                    return refused
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
def otp_setup(request):
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if confirmed and not request.user.is_verified():
        # A second device may be added only by someone who has passed the first.
        return redirect(otp_step_url(request.user, _next(request)))
    if confirmed:
        return render(request, "accounts/otp_setup.html", {"enrolled": True})
    device = do_start_enrolment(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        refused = _locked_out(request, request.user)
        if refused:
            return refused
        if form.is_valid():
            if device.verify_token(form.cleaned_data["token"]):
                do_pass_otp(request, device, client_address(request), enrolled=True)
                messages.success(request, _("动态口令已启用，今后登录时请输入手机验证器上的6位数字。"))
                return redirect(_next(request))
            refused = _refuse_token(request, request.user, form)
            if refused:
                return refused
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": qr.svg_inline(scale=5, dark="#1f2937", title=_("动态口令二维码")),
        "secret": " ".join(_chunks(b32encode(device.bin_key).decode(), 4)),
    }
    return render(request, "accounts/otp_setup.html", context)


def _chunks(text, size):
    return [text[i : i + size] for i in range(0, len(text), size)]
