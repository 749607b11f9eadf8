"""Forms of leaders' visits (下访) and of taking a matter heard there onto a case. Validation only."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.cases.forms import IntakeForm, PartyForm, centre_villages
from jiefen.cases.widgets import DateInput
from jiefen.org import authz
from jiefen.org.models import Unit, User

from .queries import leaders_of


class LeaderVisitForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("下访领导"), queryset=User.objects.none(), empty_label=_("请选择"))
    visited_on = forms.DateField(label=_("下访日期"), widget=DateInput, initial=timezone.localdate)
    village = forms.ModelChoiceField(label=_("村（社区）"), queryset=Unit.objects.none(), empty_label=_("请选择"))
    people_met = forms.CharField(label=_("接谈对象"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                                 help_text=_("如：村两委干部、群众代表王某某等"))
    head_count = forms.IntegerField(label=_("接谈人数"), min_value=1, max_value=9999, initial=1)
    matters = forms.CharField(label=_("听取的问题"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000,
                              help_text=_("需要立案办理的，保存后可在下访记录页一步登记为案件或记入已有案件"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        centre = authz.scope_of(user).centre
        self.fields["leader"].queryset = leaders_of(centre) if centre else User.objects.none()
        self.fields["village"].queryset = centre_villages(user)
        if authz.in_roles(user, authz.LEADERSHIP) and not self.is_bound:
            self.initial.setdefault("leader", user.pk)


class VisitCaseForm(IntakeForm):
    """A matter heard on a visit, registered as a new case: the desk's form without what the visit already says
    (channel 来访, the village, the receiving leader)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("channel", "village", "receiving_leader", "confirm_new", "final_repeat_of", "final_new"):
            del self.fields[name]


class VisitPartyForm(PartyForm):
    def clean(self):
        data = super().clean()
        if not data.get("name"):
            self.add_error("name", _("请填写信访人（当事人）姓名"))
        return data


class VisitContactForm(forms.Form):
    number = forms.CharField(
        label=_("案件编号"),
        max_length=32,
        widget=forms.TextInput(attrs={"list": "village-cases"}),
        help_text=_("可从本村未办结案件中选择"),
    )
    head_count = forms.IntegerField(label=_("人数"), min_value=1, max_value=9999, initial=1)
    note = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
