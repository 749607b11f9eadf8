"""Forms of the grid module. Validation only: the actions in jiefen.grid.actions do the work."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import Party
from jiefen.cases.personal import clean_id_number, clean_phone
from jiefen.cases.widgets import DateInput
from jiefen.org import authz
from jiefen.org.models import User

from .access import grids_for, households_for, villages_for, visitors_for
from .models import DisputeKind, Finding, KeyPerson, RiskLevel, Visitor
from .queries import LEDGER_STATUS, own_visitor


def _visitors(user):
    return visitors_for(user).filter(active=True).order_by("kind", "name")


class BigRadioSelect(forms.RadioSelect):
    """Radio buttons drawn as big touch targets (grid.css .big-radios)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "big-radio", **(attrs or {})}, choices)


class HouseholdVisitForm(forms.Form):
    # Rendered by the htmx picker (_household_picker.html) as radio buttons; only households in scope are valid.
    household = forms.ModelChoiceField(label=_("住户"), queryset=None, widget=forms.HiddenInput,
                                       error_messages={"required": _("请选择走访的住户"),
                                                       "invalid_choice": _("请选择您负责网格内的在册住户")})
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput, initial=timezone.localdate)
    visitor = forms.ModelChoiceField(label=_("走访人"), queryset=None, empty_label=_("请选择"))
    finding = forms.ChoiceField(label=_("走访情况"), choices=Finding.choices, initial=Finding.NOTHING,
                                widget=BigRadioSelect)
    note = forms.CharField(label=_("情况记录"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("发现隐患或纠纷的，简要记录情况")}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households_for(user).filter(active=True)
        self.fields["visitor"].queryset = _visitors(user)
        if not self.is_bound and "visitor" not in self.initial:
            mine = own_visitor(user)
            if mine is not None:
                self.initial["visitor"] = mine.pk


class DisputeForm(forms.Form):
    """A dispute for the ledger, with the two sides; from a visit (the village is the household's) or not."""

    village = forms.ModelChoiceField(label=_("所在村（社区）"), queryset=None, empty_label=_("请选择"))
    dispute_kind = forms.ChoiceField(label=_("纠纷类型"), choices=DisputeKind.choices)
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices, initial=RiskLevel.LOW,
                                   widget=BigRadioSelect)
    found_on = forms.DateField(label=_("排查日期"), widget=DateInput, initial=timezone.localdate)
    mediator = forms.ModelChoiceField(label=_("责任调解员"), queryset=None, required=False, empty_label=_("暂不指定"))
    request = forms.CharField(label=_("纠纷情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("当事人之间争议的事项和诉求"))
    facts = forms.CharField(label=_("起因和经过"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    applicant_name = forms.CharField(label=_("当事人（申请方）姓名"), max_length=50)
    applicant_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                                      widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    applicant_id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False,
                                          widget=forms.TextInput(attrs={"autocomplete": "off"}))
    applicant_address = forms.CharField(label=_("住址"), max_length=200, required=False)
    respondent_name = forms.CharField(label=_("对方当事人姓名（名称）"), max_length=50, required=False)
    respondent_phone = forms.CharField(label=_("对方联系电话"), max_length=20, required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    respondent_address = forms.CharField(label=_("对方住址"), max_length=200, required=False)

    def __init__(self, *args, user, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = _visitors(user)
        if visit is not None:
            del self.fields["village"]
            self.initial.setdefault("found_on", visit.visited_on)
            self.initial.setdefault("applicant_name", visit.household.head_name)
            self.initial.setdefault("applicant_address", visit.household.address)
            self.initial.setdefault("request", visit.note)
        else:
            self.fields["village"].queryset = villages_for(user).order_by("sort", "name")

    def clean_applicant_phone(self):
        return clean_phone(self.cleaned_data["applicant_phone"])

    def clean_respondent_phone(self):
        return clean_phone(self.cleaned_data["respondent_phone"])

    def clean_applicant_id_number(self):
        return clean_id_number(self.cleaned_data["applicant_id_number"])

    def parties(self):
        data = self.cleaned_data
        parties = [{
            "role": Party.Role.PETITIONER, "name": data["applicant_name"], "phone": data["applicant_phone"],
            "id_number": data["applicant_id_number"], "address": data["applicant_address"],
        }]
        if data.get("respondent_name"):
            parties.append({"role": Party.Role.RESPONDENT, "name": data["respondent_name"],
                            "phone": data["respondent_phone"], "address": data["respondent_address"]})
        return parties

    def action_kwargs(self):
        data = self.cleaned_data
        kwargs = {k: data[k] for k in ("dispute_kind", "risk_level", "found_on", "mediator", "request", "facts")}
        if "village" in data:
            kwargs["village"] = data["village"]
        return {**kwargs, "parties": self.parties()}


class HouseholdForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("网格"), queryset=None, empty_label=_("请选择"))
    head_name = forms.CharField(label=_("户主姓名"), max_length=50)
    address = forms.CharField(label=_("住址"), max_length=200)
    members = forms.IntegerField(label=_("家庭人口"), min_value=1, max_value=99, initial=1)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    active = forms.BooleanField(label=_("在册"), required=False, initial=True,
                                help_text=_("迁出、合户的，取消勾选；走访记录保留"))

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_for(user).select_related("parent").order_by("path")
        self.fields["grid"].label_from_instance = lambda g: f"{g.parent.name} · {g.name}"
        if not editing:
            del self.fields["active"]

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.unit}，{obj.get_role_display()}）"


class VisitorForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    kind = forms.ChoiceField(label=_("类别"), choices=Visitor.Kind.choices)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    grids = forms.ModelMultipleChoiceField(label=_("负责网格"), queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    specialities = forms.CharField(label=_("擅长领域"), max_length=200, required=False,
                                   help_text=_("如：土地纠纷、婚姻家庭"))
    account = StaffChoiceField(label=_("系统账号"), queryset=None, required=False, empty_label=_("无（不登录系统）"))
    active = forms.BooleanField(label=_("在岗"), required=False, initial=True)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        centre = authz.scope_of(user).centre
        self.fields["grids"].queryset = grids_for(user).select_related("parent").order_by("path")
        self.fields["grids"].label_from_instance = lambda g: f"{g.parent.name}{g.name.removeprefix(g.parent.name)}"
        staff = User.objects.none()
        if centre is not None:
            staff = User.objects.filter(is_active=True, unit__path__startswith=centre.path)
        self.fields["account"].queryset = staff.select_related("unit").order_by("unit__path", "id")
        if not editing:
            del self.fields["active"]

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, initial=_("矛盾纠纷大排查、大起底、大化解专项行动"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput)
    villages = forms.ModelMultipleChoiceField(label=_("参加村（社区）"), queryset=None,
                                              widget=forms.CheckboxSelectMultiple)
    target_coverage = forms.IntegerField(label=_("走访覆盖率目标（%）"), min_value=0, max_value=100, initial=100)
    target_resolution = forms.IntegerField(label=_("化解率目标（%）"), min_value=0, max_value=100, initial=90)
    description = forms.CharField(label=_("工作要求"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages_for(user).order_by("sort", "name")


class KeyPersonForm(forms.Form):
    village = forms.ModelChoiceField(label=_("村（社区）"), queryset=None, empty_label=_("请选择"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    group = forms.ChoiceField(label=_("人群类别"), choices=KeyPerson.Group.choices)
    reason = forms.CharField(label=_("列管原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    interval_days = forms.IntegerField(label=_("走访周期（天）"), min_value=1, max_value=366, initial=30)
    responsible = forms.ModelChoiceField(label=_("责任人"), queryset=None, required=False, empty_label=_("暂不指定"))
    listed_on = forms.DateField(label=_("列管日期"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(user).order_by("sort", "name")
        self.fields["responsible"].queryset = _visitors(user)

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class KeyPersonVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput, initial=timezone.localdate)
    visitor = forms.ModelChoiceField(label=_("走访人"), queryset=None, empty_label=_("请选择"))
    note = forms.CharField(label=_("走访情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = _visitors(user)
        if not self.is_bound:
            # Who went: the user's own row of the register, else the person's responsible visitor.
            mine = own_visitor(user)
            default = mine.pk if mine else person.responsible_id if person is not None else None
            if default is not None:
                self.initial.setdefault("visitor", default)


class UnlistForm(forms.Form):
    reason = forms.CharField(label=_("解除列管原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("起"), widget=DateInput, required=False)
    end = forms.DateField(label=_("止"), widget=DateInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("结束日期不能早于开始日期"))
        return data


class LedgerFilterForm(forms.Form):
    village = forms.ModelChoiceField(label=_("村（社区）"), queryset=None, required=False, empty_label=_("全部"))
    dispute_kind = forms.ChoiceField(
        label=_("纠纷类型"), choices=[("", _("全部"))] + DisputeKind.choices, required=False
    )
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=[("", _("全部"))] + RiskLevel.choices, required=False)
    status = forms.ChoiceField(label=_("办理情况"), required=False,
                               choices=[("", _("全部"))] + [(k, v[0]) for k, v in LEDGER_STATUS.items()])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(user).order_by("sort", "name")

    def filters(self):
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}

