"""Forms of the 包案 and "1211" steps on the case page: one per action code of the leadership rows of
transitions.TRANSITIONS. Validation only: the actions (jiefen.cases.actions.leadership) do the work.

jiefen.cases.forms merges LEADERSHIP_STEP_FORMS into its STEP_FORMS at its end, once StepForm exists; reach these
forms through STEP_FORMS, never by importing this module first (it would import jiefen.cases.forms half-way).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiefen.cases.forms import DateInput, StepForm, UnversionedStepForm
from jiefen.cases.models import Document
from jiefen.org.models import User

from .models import CaseOwner, DossierRequirement, HardCase, StabilisationMeasure, TaskForceMember
from .queries import leaders_of, staff_of
from .rules import hard_case_of

NO_ACCOUNT = _("（非本系统人员，填写姓名）")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.display_name}（{user.unit}）"


class AssignOwnerForm(UnversionedStepForm):
    leader = forms.ModelChoiceField(label=_("包案领导"), queryset=User.objects.none(), empty_label=_("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owners = CaseOwner.objects.filter(case=self.case).values("leader_id")
        self.fields["leader"].queryset = leaders_of(self.case.centre).exclude(pk__in=owners)


class RemoveOwnerForm(UnversionedStepForm):
    leader = forms.ModelChoiceField(label=_("包案领导"), queryset=User.objects.none(), empty_label=_("请选择"))
    reason = forms.CharField(label=_("撤销理由"), max_length=200, help_text=_("如：工作调整、回避"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(owned_cases__case=self.case).order_by("owned_cases__id")


class DesignateHardCaseForm(StepForm):
    kind = forms.ChoiceField(label=_("类型"), choices=HardCase.Kind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("列入理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text=_("如：多次重复信访、久拖未决、涉及人数多或情绪激烈"),
    )


class _HardCaseStepForm(UnversionedStepForm):
    """A step on the parts of a hard case; its choices come from the case's HardCase row (None before designation)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hard_case = hard_case_of(self.case)


class TaskForceMemberForm(_HardCaseStepForm):
    person = StaffChoiceField(label=_("工作人员"), queryset=User.objects.none(), required=False, empty_label=NO_ACCOUNT)
    name = forms.CharField(label=_("或填写姓名"), max_length=50, required=False, help_text=_("如“五老”、律师、村民代表"))
    role = forms.TypedChoiceField(label=_("专班职务"), choices=TaskForceMember.Role.choices, coerce=int,
                                  initial=TaskForceMember.Role.MEMBER)
    duty = forms.CharField(label=_("分工"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = staff_of(self.case.centre)


class MeasureForm(_HardCaseStepForm):
    text = forms.CharField(label=_("措施内容"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    person = StaffChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False, empty_label=NO_ACCOUNT)
    person_name = forms.CharField(label=_("或填写责任人姓名"), max_length=50, required=False)
    review_on = forms.DateField(label=_("回访日期"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = staff_of(self.case.centre)


class ReviewMeasureForm(_HardCaseStepForm):
    measure = forms.ModelChoiceField(label=_("措施"), queryset=StabilisationMeasure.objects.none(), empty_label=_("请选择"))
    note = forms.CharField(label=_("回访情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    done = forms.BooleanField(label=_("措施已落实"), required=False)
    next_review_on = forms.DateField(label=_("下次回访日期"), widget=DateInput, required=False,
                                     help_text=_("措施尚未落实的必填"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.hard_case:
            self.fields["measure"].queryset = self.hard_case.measures.filter(done=False)
        self.fields["measure"].label_from_instance = lambda m: f"{m.review_on:%m-%d}回访 · {m.text[:24]}"


class DossierItemForm(_HardCaseStepForm):
    requirement = forms.ModelChoiceField(
        label=_("材料类型"), queryset=DossierRequirement.objects.none(), empty_label=_("请选择")
    )
    document = forms.ModelChoiceField(
        label=_("本案已上传的材料"), queryset=Document.objects.none(), required=False, empty_label=_("无")
    )
    file = forms.FileField(label=_("或上传文件"), required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False, help_text=_("纸质材料请注明存放位置，如“档案室2026年第3卷”"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provided = set(self.hard_case.dossier.values_list("requirement_id", flat=True)) if self.hard_case else set()
        self.fields["requirement"].queryset = DossierRequirement.objects.filter(active=True)
        replaces = _("（已提供，重新提供将替换）")
        self.fields["requirement"].label_from_instance = lambda r: f"{r.name}{replaces if r.pk in provided else ''}"
        self.fields["document"].queryset = self.case.documents.order_by("-created_at")


LEADERSHIP_STEP_FORMS = {
    "assign_owner": AssignOwnerForm,
    "remove_owner": RemoveOwnerForm,
    "designate_hard_case": DesignateHardCaseForm,
    "add_task_force_member": TaskForceMemberForm,
    "add_measure": MeasureForm,
    "review_measure": ReviewMeasureForm,
    "provide_dossier_item": DossierItemForm,
}
