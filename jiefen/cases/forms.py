"""Forms of the desk, the case list filters and each workflow step. Validation only: actions do the work."""

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.org.models import Role, Unit, User
from jiefen.routing.rules import propose_for_case

from . import access
from .actions.workflow import FOLLOW_UP_RESULTS, REFERRAL_ROUTES, SATISFACTION, extension_approvers
from .models import Case, Category, Channel, LegalClass, Party, ReplyOutcome, Status
from .personal import clean_id_number, clean_phone
from .uploads import size_text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # <input type=date> takes ISO dates whatever the locale.
        super().__init__(attrs, format="%Y-%m-%d")


def centre_villages(user):
    township = user.unit.township if user.unit_id else None
    if township is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=township.path, kind=Unit.Kind.VILLAGE).order_by("sort", "name")


def centre_leaders(user):
    township = user.unit.township if user.unit_id else None
    return User.objects.filter(is_active=True, role__in=[Role.LEADER, Role.DIRECTOR], unit=township).order_by("role", "id")


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices, initial=Channel.VISIT, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("类别"), choices=Case.Kind.choices, initial=Case.Kind.PETITION, widget=forms.RadioSelect)
    legal_class = forms.ChoiceField(label=_("性质"), choices=LegalClass.choices, initial=LegalClass.CLAIM)
    category = forms.ModelChoiceField(label=_("事项分类"), queryset=Category.objects.all(), empty_label=_("请选择"))
    village = forms.ModelChoiceField(label=_("所属村（社区）"), queryset=Unit.objects.none(), required=False, empty_label=_("不属于具体村（社区）"))
    head_count = forms.IntegerField(label=_("来访人数"), min_value=1, max_value=9999, initial=1)
    request = forms.CharField(label=_("诉求"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    facts = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000)
    identity_unknown = forms.BooleanField(label=_("信访人姓名或住址不清"), required=False)
    accused_unit = forms.ModelChoiceField(label=_("被检举控告单位"), queryset=Unit.objects.none(), required=False, empty_label=_("无"))
    receiving_leader = forms.ModelChoiceField(label=_("接待领导"), queryset=User.objects.none(), required=False, empty_label=_("无"))
    # Set when the clerk has seen the open cases of these people and still wants a new case.
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = centre_villages(user)
        township = user.unit.township if user.unit_id else None
        self.fields["accused_unit"].queryset = (
            Unit.objects.filter(path__startswith=township.path).exclude(kind=Unit.Kind.TOWNSHIP)
            if township else Unit.objects.none()
        )
        self.fields["receiving_leader"].queryset = centre_leaders(user)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Case.Kind.DISPUTE:
            data["legal_class"] = LegalClass.DISPUTE
        elif data.get("legal_class") == LegalClass.DISPUTE:
            self.add_error("legal_class", _("信访事项请选择建议意见、检举控告或申诉求决；民间纠纷请选择“矛盾纠纷”类别"))
        if data.get("accused_unit") and data.get("legal_class") != LegalClass.ACCUSATION:
            self.add_error("accused_unit", _("只有检举控告类事项才填写被检举控告单位"))
        return data


class RouteHintForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    village = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = centre_villages(user)


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=Party.Role.choices, initial=Party.Role.PETITIONER)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

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
    def clean(self):
        if any(self.errors):
            return
        parties = [f.cleaned_data for f in self.forms if f.cleaned_data.get("name")]
        if not parties:
            raise forms.ValidationError(_("请至少填写一名信访人（当事人）的姓名"))
        representatives = sum(1 for p in parties if p["role"] == Party.Role.REPRESENTATIVE)
        if representatives > 5:
            raise forms.ValidationError(_("集体访推选的代表不得超过5人"))
        ids = [p["id_number"] for p in parties if p.get("id_number")]
        if len(ids) != len(set(ids)):
            raise forms.ValidationError(_("同一身份证号填写了两次"))

    def parties(self):
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("name")]


PartyFormSet = formset_factory(PartyForm, formset=BasePartyFormSet, extra=0, min_num=1, max_num=20, validate_max=True)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": _("编号、姓名、诉求关键词"), "type": "search"}))
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), ("open", _("未办结"))] + list(Status.choices))
    flag = forms.ChoiceField(label=_("期限"), required=False,
                             choices=[("", _("全部")), ("soon", _("临期")), ("overdue", _("超期"))])
    category = forms.ModelChoiceField(label=_("分类"), queryset=Category.objects.all(), required=False, empty_label=_("全部分类"))
    village = forms.ModelChoiceField(label=_("村（社区）"), queryset=Unit.objects.none(), required=False, empty_label=_("全部村（社区）"))
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部渠道"))] + list(Channel.choices))
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位"))
    date_from = forms.DateField(label=_("登记自"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("至"), required=False, widget=DateInput)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[
        ("received", _("登记时间（新→旧）")), ("-received", _("登记时间（旧→新）")),
        ("due", _("期限（近→远）")), ("number", _("编号")),
    ])
    # From a figure down to its cases (jiefen.figures.drill): hidden, set by the figure's link.
    closed_from = forms.DateField(required=False, widget=forms.HiddenInput)
    closed_to = forms.DateField(required=False, widget=forms.HiddenInput)
    contacted_from = forms.DateField(required=False, widget=forms.HiddenInput)
    contacted_to = forms.DateField(required=False, widget=forms.HiddenInput)
    open_on = forms.DateField(required=False, widget=forms.HiddenInput)
    ledger_from = forms.DateField(required=False, widget=forms.HiddenInput)
    ledger_to = forms.DateField(required=False, widget=forms.HiddenInput)
    no_village = forms.BooleanField(required=False, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                                choices=[("", "")] + [(o, o) for o in ("resolved", "on_time", "late", "single", "repeat",
                                                                       "answered", "satisfied", "hard")])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        township = user.unit.township if user.unit_id else None
        if township is not None:
            self.fields["village"].queryset = Unit.objects.filter(path__startswith=township.path, kind=Unit.Kind.VILLAGE)
            self.fields["unit"].queryset = Unit.objects.filter(
                path__startswith=township.path, kind__in=[Unit.Kind.VILLAGE, Unit.Kind.DEPARTMENT]
            )
        else:
            # Above township level, a county's hundreds of villages make no usable select: pick the township.
            del self.fields["village"], self.fields["unit"]
            self.fields["centre"] = forms.ModelChoiceField(
                label=_("乡镇（街道）"), required=False, empty_label=_("全部乡镇"),
                queryset=Unit.objects.filter(path__startswith=user.unit.path, kind=Unit.Kind.TOWNSHIP)
                if user.unit_id else Unit.objects.none(),
            )
            self.order_fields(["centre"])

    def filters(self):
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        for key in ("category", "village", "unit", "centre"):
            data[key] = data[key].pk if data.get(key) else None
        data["sort"] = data.get("sort") or "received"
        return data


# ---- Workflow steps: one form per action code of transitions.TRANSITIONS. ----

class StepForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case, user, **kwargs):
        self.case, self.user = case, user
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expected_version", case.version)
        super().__init__(*args, **kwargs)

    def action_kwargs(self):
        return dict(self.cleaned_data)


class UnversionedStepForm(StepForm):
    def action_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("expected_version", None)
        return data


class AcceptForm(StepForm):
    note = forms.CharField(label=_("受理意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NotAcceptForm(StepForm):
    reason = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 2}))
    lawful_channel = forms.CharField(label=_("告知的法定途径"), help_text=_("如：向人民法院提起诉讼、申请劳动仲裁、申请行政复议"))


class ForwardForm(StepForm):
    organ = forms.CharField(label=_("转送机关（单位）"))
    reason = forms.CharField(label=_("转送说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(StepForm):
    unit = forms.ModelChoiceField(label=_("承办单位（牵头）"), queryset=Unit.objects.none(), empty_label=_("请选择"))
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=Unit.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}), help_text=_("跨单位事项可选协办单位（按住Ctrl多选）"),
    )
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = access.assignable_units(self.case).order_by("kind", "sort", "name")
        self.fields["unit"].queryset = self.fields["co_units"].queryset = units
        proposal = propose_for_case(self.case)
        if proposal and not proposal.forward:
            self.fields["unit"].help_text = _("建议：%(unit)s。%(reason)s") % {"unit": proposal.unit, "reason": proposal.reason}
            if not self.is_bound:
                self.initial.setdefault("unit", proposal.unit.pk)
        elif proposal:
            self.fields["unit"].help_text = _("建议转送%(unit)s。%(reason)s") % {"unit": proposal.unit, "reason": proposal.reason}
        elif self.case.village_id and not self.is_bound:
            self.initial.setdefault("unit", self.case.village_id)


class SignForForm(StepForm):
    """签收 takes nothing but the version the person saw."""


class ReturnForm(StepForm):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("如：不属于本单位职责，应由某部门办理"))


class RecuseForm(UnversionedStepForm):
    person = forms.ModelChoiceField(label=_("回避人员"), queryset=User.objects.none(), required=False,
                                    empty_label=_("本人"))
    reason = forms.CharField(label=_("回避理由"), help_text=_("如：与当事人有近亲属关系或其他利害关系"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user.role in (Role.LEADER, Role.DIRECTOR):
            self.fields["person"].queryset = User.objects.filter(
                is_active=True, unit__path__startswith=self.case.centre.path
            ).order_by("unit__path", "id")
        else:
            del self.fields["person"]


class NoteForm(UnversionedStepForm):
    text = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 3}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list. Their content is checked by the action (uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data] or super().clean(None, initial)
        return [super().clean(data, initial)]


class DocumentForm(UnversionedStepForm):
    title = forms.CharField(label=_("材料名称"), max_length=200)
    files = MultipleFileField(label=_("文件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("PDF、JPG/PNG图片、Word、Excel，每个不超过%(limit)s，一次最多%(n)s个") % {
            "limit": size_text(settings.UPLOAD_MAX_BYTES), "n": settings.UPLOAD_MAX_FILES,
        }


class ExtendForm(StepForm):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("延期理由（告知信访人）"), widget=forms.Textarea(attrs={"rows": 2}))
    approver = forms.ModelChoiceField(label=_("批准人"), queryset=User.objects.none(), empty_label=_("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = extension_approvers(self.case)


class WrittenDecisionForm(StepForm):
    outcome = forms.ChoiceField(label=_("处理意见"), choices=ReplyOutcome.choices, widget=forms.RadioSelect)
    served_on = forms.DateField(label=_("送达日期"), widget=DateInput, initial=timezone.localdate)
    content = forms.CharField(label=_("意见正文"), widget=forms.Textarea(attrs={"rows": 5}))


class CloseForm(StepForm):
    resolved = forms.TypedChoiceField(
        label=_("问题是否实际化解"), choices=[("1", _("已实际化解")), ("0", _("未实际化解"))],
        coerce=lambda v: v == "1", widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("办结说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(StepForm):
    requested_on = forms.DateField(label=_("申请日期"), widget=DateInput, initial=timezone.localdate)


class HearingForm(StepForm):
    on_date = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)


class MediationSessionForm(UnversionedStepForm):
    held_on = forms.DateField(label=_("调解日期"), widget=DateInput, initial=timezone.localdate)
    place = forms.CharField(label=_("地点"), required=False, max_length=100)
    visitors = forms.ModelMultipleChoiceField(
        label=_("调解人员（名册）"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
    )
    mediators = forms.CharField(label=_("其他调解人员"), required=False, max_length=200,
                                help_text=_("名册以外的人员，多人用顿号分隔"))
    parties_present = forms.ModelMultipleChoiceField(
        label=_("到场当事人"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(label=_("调解经过"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from jiefen.grid.models import Visitor

        super().__init__(*args, **kwargs)
        # The township's register of visitors and mediators (grid.Visitor) is short: all of it, by kind.
        self.fields["visitors"].queryset = Visitor.objects.filter(centre=self.case.centre_id, active=True).order_by(
            "kind", "name"
        )
        self.fields["parties_present"].queryset = self.case.parties.order_by("id")
        self.fields["parties_present"].label_from_instance = lambda p: f"{p.name}（{p.get_role_display()}）"


class AgreementForm(StepForm):
    facts = forms.CharField(label=_("纠纷事实"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("不填则使用登记的事实和理由"))
    terms = forms.CharField(label=_("协议内容"), widget=forms.Textarea(attrs={"rows": 4}))
    performance = forms.CharField(label=_("履行方式、时限"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("如：甲方于2026年12月31日前一次性支付"))
    mediators = forms.CharField(label=_("调解员"), required=False, max_length=200,
                                help_text=_("不填则使用调解记录中的调解人员"))
    signed_on = forms.DateField(label=_("签订日期"), widget=DateInput, initial=timezone.localdate)


class AgreementFollowUpForm(UnversionedStepForm):
    result = forms.ChoiceField(label=_("履行情况"), choices=list(FOLLOW_UP_RESULTS.items()), widget=forms.RadioSelect)
    checked_on = forms.DateField(label=_("回访日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("回访情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("部分履行或未履行时必填"))


class MediationFailureForm(StepForm):
    reason = forms.CharField(label=_("调解不成原因"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(StepForm):
    route = forms.ChoiceField(label=_("法定途径"), choices=list(REFERRAL_ROUTES.items()))
    guidance = forms.CharField(label=_("引导说明"), widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(UnversionedStepForm):
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.VISIT)
    head_count = forms.IntegerField(label=_("人数"), min_value=1, max_value=9999, initial=1)
    note = forms.CharField(label=_("情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    receiving_leader = forms.ModelChoiceField(label=_("接待领导"), queryset=User.objects.none(), required=False, empty_label=_("无"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_leader"].queryset = centre_leaders(self.user)


class SatisfactionForm(UnversionedStepForm):
    """A staff follow-up call (回访): the same answers the petitioner gives on the portal."""

    rating = forms.ChoiceField(label=_("满意度"), choices=[(r, r) for r in SATISFACTION], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("基本满意或不满意时必填"))

    def action_kwargs(self):
        return {**super().action_kwargs(), "source": "callback"}


class CorrectPlaceForm(StepForm):
    village = forms.ModelChoiceField(label=_("更正为"), queryset=Unit.objects.none(), required=False,
                                     empty_label=_("不属于具体村（社区）"))
    reason = forms.CharField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Unit.objects.filter(path__startswith=self.case.centre.path, kind=Unit.Kind.VILLAGE)


STEP_FORMS = {
    "accept": AcceptForm,
    "not_accept": NotAcceptForm,
    "forward": ForwardForm,
    "assign": AssignForm,
    "sign_for": SignForForm,
    "return_case": ReturnForm,
    "recuse": RecuseForm,
    "note": NoteForm,
    "document": DocumentForm,
    "extend": ExtendForm,
    "reply": WrittenDecisionForm,
    "close": CloseForm,
    "request_review": RequestForm,
    "decide_review": WrittenDecisionForm,
    "request_rereview": RequestForm,
    "start_hearing": HearingForm,
    "end_hearing": HearingForm,
    "decide_rereview": WrittenDecisionForm,
    "mediation_session": MediationSessionForm,
    "agree": AgreementForm,
    "mediation_failed": MediationFailureForm,
    "refer": ReferForm,
    "agreement_follow_up": AgreementFollowUpForm,
    "contact": ContactForm,
    "satisfaction": SatisfactionForm,
    "correct_place": CorrectPlaceForm,
}

from jiefen.leadership.step_forms import LEADERSHIP_STEP_FORMS  # noqa: E402 (last: those forms build on StepForm above)

STEP_FORMS.update(LEADERSHIP_STEP_FORMS)
