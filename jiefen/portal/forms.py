"""Forms of the public portal. Validation only: portal.actions and the case actions do the work."""

import secrets

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import SATISFACTION, Category, LegalClass
from jiefen.cases.personal import clean_id_number, clean_phone
from jiefen.org.models import Unit

KEY_SIGNER = signing.Signer(salt="jiefen.portal.submission")
ACCEPTED_TYPES = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


def new_key():
    return KEY_SIGNER.sign(secrets.token_hex(8))  # 60 characters: fits Submission.key


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the type is judged later from their content (cases.uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class PetitionForm(forms.Form):
    # Generated for each rendering of the form and posted back: the same key twice is the same submission.
    # Signed, so only a key this server handed out is taken: a replayed key shows its case (number and query
    # code) again, and nobody can pick a key that is someone else's.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    phone = forms.CharField(label=_("手机号码"), max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    sms_consent = forms.BooleanField(label=_("同意以短信告知办理进展（受理、转送、延期、答复送达等）"), required=False)
    village = forms.ModelChoiceField(label=_("所在村（社区）"), queryset=Unit.objects.none(), empty_label=_("请选择"))
    category = forms.ModelChoiceField(label=_("事项类别"), queryset=Category.objects.all(), empty_label=_("请选择"))
    legal_class = forms.ChoiceField(
        label=_("反映形式"), widget=forms.RadioSelect, initial=LegalClass.CLAIM,
        choices=[(c, label) for c, label in LegalClass.choices if c != LegalClass.DISPUTE],
    )
    # 检举控告: whom it concerns, picked by name among the township's departments, villages and grids. The
    # accused unit and everyone under or directly above it never see the matter (jiefen.cases.access).
    accused_unit = forms.ModelChoiceField(
        label=_("检举控告的单位"), queryset=Unit.objects.none(), required=False, empty_label=_("请选择"),
        help_text=_("检举控告时必选：您反映的是哪个村（社区）、网格或部门的问题。您的身份依法保密，不会告知被检举控告单位"),
    )
    request = forms.CharField(label=_("诉求"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("希望解决什么问题"))
    facts = forms.CharField(label=_("事实和理由"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(
        label=_("证明材料"), required=False,
        help_text=_("可选。只接受JPG、PNG图片和PDF文件，每个不超过10 MB，最多5个"),
    )
    truthful = forms.BooleanField(label=_("本人承诺所反映情况真实，并对其真实性负责"))

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Unit.objects.filter(
            path__startswith=centre.path, kind=Unit.Kind.VILLAGE
        ).order_by("sort", "name")
        self.fields["accused_unit"].queryset = Unit.objects.filter(
            path__startswith=centre.path, kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.VILLAGE, Unit.Kind.GRID]
        ).order_by("path")
        if not self.is_bound:
            self.initial["key"] = new_key()

    def clean_key(self):
        try:
            KEY_SIGNER.unsign(self.cleaned_data["key"])
        except signing.BadSignature:
            raise forms.ValidationError(_("提交标识无效，请刷新页面后重新提交")) from None
        return self.cleaned_data["key"]

    def clean(self):
        data = super().clean()
        if data.get("legal_class") == LegalClass.ACCUSATION and not data.get("accused_unit"):
            self.add_error("accused_unit", _("检举控告请选择被检举控告的单位"))
        elif data.get("legal_class") != LegalClass.ACCUSATION:
            data["accused_unit"] = None  # only an accusation names a unit
        return data

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_phone(self):
        phone = clean_phone(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(_("请填写联系电话"))
        return phone

    def party(self):
        data = self.cleaned_data
        return {k: data[k] for k in ("name", "id_number", "phone", "address", "sms_consent")}


class TrackForm(forms.Form):
    number = forms.CharField(label=_("案件编号"), max_length=32,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    code = forms.CharField(label=_("查询码"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("您对办理结果是否满意"), choices=[(r, r) for r in SATISFACTION],
                               widget=forms.RadioSelect)
    reason = forms.CharField(label=_("原因或意见"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text=_("选择基本满意或不满意时请填写原因"))
