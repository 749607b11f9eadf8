from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.audit.context import client_address

from .actions import do_record_login_failure, do_refuse_locked, lockout_until

LOCKED_MESSAGE = _("登录失败次数过多，此账号在本地址已暂时锁定，请于 %(time)s 之后再试，或联系系统管理员。")


def locked_message(until):
    return LOCKED_MESSAGE % {"time": timezone.localtime(until).strftime("%H:%M")}


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a locked (username, address) before it looks at the password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确，请重新输入。连续输错多次，账号将在本地址暂时锁定。"),
        "locked": LOCKED_MESSAGE,
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        address = client_address(self.request)
        until = lockout_until(username, address)
        if until:
            do_refuse_locked(username, address, until)
            raise forms.ValidationError(locked_message(until), code="locked")
        try:
            return super().clean()
        except forms.ValidationError as error:
            until = do_record_login_failure(username, address)
            if until:
                raise forms.ValidationError(locked_message(until), code="locked") from error
            raise


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态口令"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
        error_messages={"required": _("请输入6位动态口令"), "min_length": _("请输入6位动态口令"),
                        "max_length": _("请输入6位动态口令")},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("动态口令为6位数字"))
        return token
