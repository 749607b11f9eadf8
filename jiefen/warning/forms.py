from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Grade


class WarningFilter(forms.Form):
    """The list's narrowings; the figures link here with ?village= and ?grade= (a figure's drill-down)."""

    grade = forms.TypedChoiceField(
        label=_("等级"), required=False, coerce=int, empty_value=None,
        choices=[("", _("全部预警"))] + [(g.value, g.label) for g in Grade if g != Grade.GREEN],
    )
    village = forms.TypedChoiceField(label=_("村（社区）"), required=False, coerce=int, empty_value=None)
    owner = forms.TypedChoiceField(label=_("包案领导"), required=False, coerce=int, empty_value=None)
    pending = forms.BooleanField(label=_("只看未研判"), required=False)

    def __init__(self, data, *, villages, leaders):
        super().__init__(data)
        self.fields["village"].choices = [("", _("全部"))] + [(v.pk, v.name) for v in villages]
        self.fields["owner"].choices = [("", _("全部"))] + [(u.pk, u.display_name) for u in leaders]


class AcknowledgeForm(forms.Form):
    measures = forms.CharField(
        label=_("研判意见和措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写研判意见和措施")},
    )
