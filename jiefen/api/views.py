"""接口令牌: the centre's director makes tokens for other systems (shown once), sees when each was last used, and
revokes them. Every change goes through jiefen.api.tokens (one audit record each)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiefen.cases.actions import ActionError
from jiefen.org import authz
from jiefen.org.models import User

from .models import ApiToken, Scope
from .tokens import do_create_api_token, do_revoke_api_token


def _centre(user):
    centre = authz.scope_of(user).centre
    if centre is None or not authz.in_roles(user, authz.DIRECTORS):
        raise PermissionDenied(_("只有乡镇（街道）中心主任可以管理接口令牌"))
    return centre


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}，{obj.unit.name}）"


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("令牌名称"), max_length=100,
                           help_text=gettext_lazy("使用该令牌的系统，如：12345政务服务热线"))
    user = StaffChoice(label=gettext_lazy("代表账号"), queryset=User.objects.none(), empty_label=gettext_lazy("请选择"),
                       help_text=gettext_lazy("令牌以该账号的角色和数据范围办理；建议为对接系统单设账号"))
    scopes = forms.MultipleChoiceField(label=gettext_lazy("权限"), choices=Scope.choices,
                                       widget=forms.CheckboxSelectMultiple, initial=[Scope.READ])

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, unit__path__startswith=centre.path).select_related("unit")
            .order_by("unit__path", "id")
        )


def _tokens(centre):
    return ApiToken.objects.filter(user__unit__path__startswith=centre.path).select_related("user", "created_by")


def _listed(centre):
    labels = dict(Scope.choices)
    rows = list(_tokens(centre))
    for row in rows:
        row.scope_labels = "、".join(str(labels.get(s, s)) for s in row.scopes)
    return rows


@login_required
def tokens(request):
    """The centre's tokens, newest first, and the form to make one; a new token is shown on this answer only."""
    centre = _centre(request.user)
    form = TokenForm(request.POST or None, centre=centre)
    shown = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, raw = do_create_api_token(data["user"], name=data["name"], scopes=data["scopes"],
                                             created_by=request.user)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            shown = {"token": token, "raw": raw}
            form = TokenForm(centre=centre)
    response = render(request, "api/tokens.html", {
        "form": form, "tokens": _listed(centre), "shown": shown,
    }, status=400 if request.method == "POST" and shown is None else 200)
    response["Cache-Control"] = "no-store"  # the page that shows a token is never kept by a browser or a proxy
    return response


@login_required
@require_POST
def revoke(request, pk):
    centre = _centre(request.user)
    token = _tokens(centre).filter(pk=pk).first()
    if token is None:
        raise Http404
    do_revoke_api_token(token, revoked_by=request.user)
    messages.success(request, _("已吊销令牌“%(name)s”，使用它的系统将无法再访问接口") % {"name": token.name})
    return redirect("api_tokens")
