"""Forms of the desk, the case list filters and each workflow step. Validation only: actions do the work."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from jiefen.org import authz
from jiefen.org.models import Unit, User

from .access import cases_for
from .actions.handover import next_doc_number
from .actions.intake import Intake
from .errors import ActionError
from .filters import CaseFilter
from .inputs import centre_leaders, centre_villages
from .models import Case, Category, Channel, Handover, LegalClass, Party
from .personal import clean_id_number, clean_phone
from .widgets import DateInput


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("来源渠道"), choices=Channel.choices, initial=Channel.VISIT, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(
        label=_("类别"), choices=Case.Kind.choices, initial=Case.Kind.PETITION, widget=forms.RadioSelect
    )
    legal_class = forms.ChoiceField(label=_("性质"), choices=LegalClass.choices, initial=LegalClass.CLAIM)
    category = forms.ModelChoiceField(label=_("事项分类"), queryset=Category.objects.all(), empty_label=_("请选择"))
    village = forms.ModelChoiceField(
        label=_("所属村（社区）"), queryset=Unit.objects.none(), required=False, empty_label=_("不属于具体村（社区）")
    )
    head_count = forms.IntegerField(label=_("来访人数"), min_value=1, max_value=9999, initial=1)
    request = forms.CharField(label=_("诉求"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    facts = forms.CharField(
        label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000
    )
    identity_unknown = forms.BooleanField(label=_("信访人姓名或住址不清"), required=False)
    accused_unit = forms.ModelChoiceField(
        label=_("被检举控告单位"), queryset=Unit.objects.none(), required=False, empty_label=_("无")
    )
    receiving_leader = forms.ModelChoiceField(
        label=_("接待领导"), queryset=User.objects.none(), required=False, empty_label=_("无")
    )
    # Set when the clerk has seen the open cases of these people and still wants a new case.
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # When these people have a 终结 case (queries.final_cases_of) the clerk says which it is, with one of the buttons
    # of that warning: the same facts and reasons as the earlier case chosen here (终结后重复信访: the intake checks
    # that it is one of theirs), or a new matter (final_new), registered normally.
    final_repeat_of: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("系同一事实和理由：登记为终结后重复信访"), queryset=None, required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("所选的原案件不是该信访人已终结的同一事项，请重新选择")},
    )
    final_new = forms.BooleanField(label=_("确属新的事项，正常登记"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["village"].queryset = centre_villages(user)
        township = authz.scope_of(user).centre
        self.fields["accused_unit"].queryset = (
            Unit.objects.filter(path__startswith=township.path).exclude(kind=Unit.Kind.TOWNSHIP)
            if township else Unit.objects.none()
        )
        self.fields["receiving_leader"].queryset = centre_leaders(user)
        # The cases `user` sees, never listed: the warning offers the matches, the intake checks the choice.
        self.fields["final_repeat_of"].queryset = cases_for(user)

    def intake(self, parties):
        """The matter as the intake checks it (actions.intake.Intake), from this form and the valid party formset
        `parties`; None after putting the intake's refusal on the field (or the party) it is about."""
        data = self.cleaned_data
        fields = {name: data[name] for name in INTAKE_FIELDS if name in data}
        try:
            return Intake.build(self.user, parties=parties.parties(), **fields)
        except ActionError as error:
            if not parties.add_intake_error(error):
                self.add_error(error.field if error.field in self.fields else None, error.message)
            return None


# The desk's fields that are fields of the intake (the rest, like confirm_new and final_new, are the page's own).
INTAKE_FIELDS = (
    "kind", "channel", "legal_class", "category", "village", "head_count", "request", "facts", "identity_unknown",
    "accused_unit", "receiving_leader", "final_repeat_of",
)


class HandDownForm(forms.Form):
    """交办、转送 an item to a township below (jiefen.cases.actions.handover): the matter as the desk takes it, and
    the 交办单: the township, the way, its number, the deadline and what the sender asks for."""

    centre = forms.ModelChoiceField(
        label=_("交办给"), queryset=Unit.objects.none(), empty_label=_("请选择乡镇（街道）"),
    )
    mode = forms.ChoiceField(label=_("方式"), choices=Handover.Mode.choices, initial=Handover.Mode.ASSIGN,
                             widget=forms.RadioSelect)
    doc_number = forms.CharField(label=_("交办单编号"), max_length=60)
    due_on = forms.DateField(label=_("办理期限"), required=False, widget=DateInput,
                             help_text=_("交办事项须规定期限，到期前办结并报结"))
    legal_class = forms.ChoiceField(
        label=_("性质"), initial=LegalClass.CLAIM,
        choices=[(c.value, c.label) for c in LegalClass if c != LegalClass.DISPUTE],
    )
    category = forms.ModelChoiceField(label=_("事项分类"), queryset=Category.objects.all(), empty_label=_("请选择"))
    request = forms.CharField(label=_("诉求"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    facts = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                            max_length=10000)
    requirements = forms.CharField(label=_("办理要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                   max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["centre"].queryset = Unit.objects.filter(pk__in=authz.scope_of(user).centre_ids)
        if not self.is_bound:
            self.initial.setdefault("doc_number", next_doc_number(user))

    def intake(self, parties):
        """The matter as the intake checks it, for the township chosen; None after putting the refusal on its
        field (or party)."""
        data = self.cleaned_data
        try:
            return Intake.build(
                self.user, centre=data["centre"], kind=Case.Kind.PETITION, channel=Channel.ASSIGNED,
                legal_class=data["legal_class"], category=data["category"], request=data["request"],
                facts=data["facts"], parties=parties.parties(),
            )
        except ActionError as error:
            if not parties.add_intake_error(error):
                self.add_error(error.field if error.field in self.fields else None, error.message)
            return None


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=Party.Role.choices, initial=Party.Role.PETITIONER)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    sms_consent = forms.BooleanField(label=_("同意以短信告知办理进展"), required=False)

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        filled = any(data.get(f) for f in ("id_number", "phone", "address"))
        if filled and not data.get("name"):
            self.add_error("name", _("请填写姓名"))
        return data


class BasePartyFormSet(forms.BaseFormSet):
    """The parties typed at the desk; the rules on them (how many representatives, the same ID twice) are the
    intake's (actions.intake.Intake)."""

    def named_forms(self):
        return [f for f in self.forms if f.cleaned_data.get("name")]

    def parties(self):
        return [f.cleaned_data for f in self.named_forms()]

    def add_intake_error(self, error):
        """Put an intake refusal about the parties on the party it names ("parties.1.id_number"), or on the whole
        list ("parties"); False if it is about something else."""
        field = error.field or ""
        if field == "parties":
            self._non_form_errors = self.error_class([*self.non_form_errors(), error.message], error_class="nonform")
            return True
        where = field.split(".")
        if len(where) != 3 or where[0] != "parties" or not where[1].isdigit():
            return False
        named = self.named_forms()
        index = int(where[1])
        if index >= len(named) or where[2] not in named[index].fields:
            self._non_form_errors = self.error_class([*self.non_form_errors(), error.message], error_class="nonform")
        else:
            named[index].add_error(where[2], error.message)
        return True


PartyFormSet = formset_factory(PartyForm, formset=BasePartyFormSet, extra=0, min_num=1, max_num=20, validate_max=True)


def CaseFilterForm(data=None, *, user):
    """The case list's filter form as `user` sees it: the form of filters.CaseFilter."""
    return CaseFilter(data, user=user).form
