"""Forms of the figures pages and the analysis meeting. Validation only: actions (meetings.py) do the work."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import Category, Channel
from jiefen.cases.widgets import DateInput
from jiefen.org.models import Unit, User

MAX_PERIOD_DAYS = 366 * 5


def default_period(today=None):
    """This year up to today."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("期间自"), required=False, widget=DateInput)
    end = forms.DateField(label=_("至"), required=False, widget=DateInput)
    village = forms.ModelChoiceField(label=_("村（社区）"), queryset=Unit.objects.none(), required=False,
                                     empty_label=_("全部村（社区）"))
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )
    category = forms.ModelChoiceField(label=_("分类"), queryset=Category.objects.all(), required=False,
                                      empty_label=_("全部分类"))
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部渠道"))] + list(Channel.choices))

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        if len(centres) == 1:
            township = centres[0]
            self.fields["village"].queryset = Unit.objects.filter(
                path__startswith=township.path, kind=Unit.Kind.VILLAGE
            )
            self.fields["unit"].queryset = Unit.objects.filter(
                path__startswith=township.path, kind__in=[Unit.Kind.VILLAGE, Unit.Kind.DEPARTMENT]
            )
        else:
            # A county's hundreds of villages make no usable select: it compares townships instead.
            del self.fields["village"], self.fields["unit"]

    def clean(self):
        data = super().clean()
        start, end = default_period()
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or (max(end, data["start"]))
        if data["start"] > data["end"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        elif (data["end"] - data["start"]).days > MAX_PERIOD_DAYS:
            self.add_error("end", _("统计期间不能超过五年"))
        return data

    def filters(self):
        data = self.cleaned_data
        return {
            "village": data.get("village"), "unit": data.get("unit"), "category": data.get("category"),
            "channel": data.get("channel") or None,
        }


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=100)
    period_start = forms.DateField(label=_("研判期间自"), widget=DateInput)
    period_end = forms.DateField(label=_("至"), widget=DateInput)
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_start"] > data["period_end"]:
            self.add_error("period_end", _("结束日期不能早于开始日期"))
        return data


class NotesForm(forms.Form):
    """The leaders' words on each section of the pack; fields are added per section."""

    def __init__(self, *args, sections, notes, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in sections:
            self.fields[code] = forms.CharField(
                label=label, required=False, max_length=4000, initial=notes.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("议定事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), empty_label=_("请选择"))
    due_on = forms.DateField(label=_("完成期限"), widget=DateInput)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners_of(centre)


def owners_of(centre):
    """Staff of the centre (township and its departments and villages) who can own a decision."""
    return User.objects.filter(is_active=True, unit__path__startswith=centre.path).order_by("role", "full_name", "id")


class DecisionDoneForm(forms.Form):
    note = forms.CharField(
        label=_("落实情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
