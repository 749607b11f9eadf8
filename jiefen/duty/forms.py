"""Forms of the roster pages. Validation only: duty.services does the work."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiefen.org import authz

from .queries import add_months, read_month, swap_candidates
from .services import day_label, eligible_leaders


class MonthInput(forms.TextInput):
    input_type = "month"


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class LeadersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class GenerateForm(forms.Form):
    month = forms.CharField(label=_("月份"), widget=MonthInput, max_length=7)
    leaders = LeadersField(
        label=_("轮值领导"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名值班领导")},
        help_text=_("按列出的顺序轮流值班，接着上月最后一名值班领导往下排"),
    )
    overwrite = forms.BooleanField(label=_("覆盖本月已有安排（含已调整、调换的日子）"), required=False)

    def __init__(self, *args, centre, today, **kwargs):
        super().__init__(*args, **kwargs)
        leaders = eligible_leaders(centre)
        self.fields["leaders"].queryset = leaders
        year, month = add_months(today.year, today.month, 1)
        self.fields["month"].initial = f"{year}-{month:02d}"
        self.fields["leaders"].initial = [u.pk for u in leaders if authz.in_roles(u, authz.ON_DUTY)]

    def clean_month(self):
        month = read_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("请选择月份，如 2026-12"))
        return month


class EditDayForm(forms.Form):
    leader = LeaderChoiceField(label=_("值班领导"), queryset=None, required=False, empty_label=_("无人值班"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False,
                           help_text=_("如接访地点、时段；会显示在内部值班表上，不对外公开"))
    reason = forms.CharField(label=_("调整原因"), max_length=200, required=False)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = eligible_leaders(centre)


class ShiftChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, shift):
        return f"{day_label(shift.date)} · {shift.leader.display_name}"


class SwapForm(forms.Form):
    other = ShiftChoiceField(label=_("与哪一天调换"), queryset=None, empty_label=_("请选择"))
    reason = forms.CharField(
        label=_("调班原因"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("请填写调班原因")},
    )

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = swap_candidates(shift)
