"""Owning leaders (包案) and the "1211" hard-case mechanism (DESIGN.md §1): the steps of the 包案与化解 section.

Each step is declared here once, beside its form and its action (jiefen.cases.steps.registry says how); none moves
the state. They are internal records on an open case: appends leave the version alone so they never race a
workflow step; designating moves it, so two leaders designating at once cannot both succeed. The closure check
(a hard case closes only with all four parts in place, rules.missing_parts) is added to 办结 when this app loads.
"""

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from jiefen.cases import uploads
from jiefen.cases.errors import ActionError
from jiefen.cases.models import Case, Document, StatusGroup
from jiefen.cases.steps.base import DateInput, StepForm, required
from jiefen.cases.steps.perform import perform
from jiefen.cases.steps.registry import Move, add_check, step
from jiefen.org import authz
from jiefen.org.authz import DESK, LEADERSHIP, UNIT_WORKERS
from jiefen.org.models import User

from .models import CaseOwner, DossierItem, DossierRequirement, HardCase, StabilisationMeasure, TaskForceMember
from .queries import SECTION, leaders_of, staff_of
from .rules import hard_case_of, missing_parts

BOTH = frozenset(Case.Kind)
OPEN = frozenset(StatusGroup.OPEN)


# ---- Guards: why a step of this section cannot be taken now. ----

def not_hard_case(case):
    return _t("本案已列为疑难积案") if hard_case_of(case) is not None else None


def is_hard_case(case):
    return _t("本案尚未列为疑难积案，请先列为疑难积案（1211）") if hard_case_of(case) is None else None


def has_owner(case):
    return None if CaseOwner.objects.filter(case=case).exists() else _t("本案尚未确定包案领导")


def has_measure_to_review(case):
    hard_case = hard_case_of(case)
    if hard_case is None or not hard_case.measures.filter(done=False).exists():
        return _t("本案没有待回访的稳控措施")
    return None


def complete_1211(case):
    """The check added to 办结: a hard case closes only with its "1211" complete."""
    if missing := missing_parts(case):
        return _t("本案为疑难积案，“1211”尚未落实到位，不能办结。缺：%(m)s") % {"m": "；".join(missing)}
    return None


def register_checks():
    add_check("close", complete_1211)


def _centre_staff(person, case, field):
    """`person` if an active account of the case's centre; leaders of another township cannot own or serve."""
    if person is None:
        return None
    if not person.is_active or person.unit_id is None or not person.unit.is_within(case.centre):
        raise ActionError(_t("只能选择本中心（本乡镇）的工作人员"), field=field)
    return person


def _day(at):
    return timezone.localdate(at) if at else timezone.localdate()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.display_name}（{user.unit}）"


NO_ACCOUNT = _("（非本系统人员，填写姓名）")


class AssignOwnerForm(StepForm):
    leader = forms.ModelChoiceField(label=_("包案领导"), queryset=User.objects.none(), empty_label=_("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owners = CaseOwner.objects.filter(case=self.case).values("leader_id")
        self.fields["leader"].queryset = leaders_of(self.case.centre).exclude(pk__in=owners)


@step("assign_owner", form=AssignOwnerForm, versioned=False, public=False, section=SECTION, moves=[
    Move(_("确定包案领导"), BOTH, OPEN, None, LEADERSHIP, style="secondary"),
])
def do_assign_owner(user, case, *, leader=None, at=None):
    """确定包案领导: a leader of the centre takes the case on, to see it through (一抓到底)."""
    leader = _centre_staff(required(leader, _t("请选择包案领导"), "leader"), case, "leader")
    if not authz.in_roles(leader, LEADERSHIP):
        raise ActionError(_t("包案领导须为中心领导班子成员"), field="leader")
    if CaseOwner.objects.filter(case=case, leader=leader).exists():
        raise ActionError(_t("%(who)s已是本案包案领导") % {"who": leader.display_name}, field="leader")

    def add_owner(case, event):
        try:
            # A savepoint: a twin request that got here first becomes a message, not a broken transaction.
            with transaction.atomic():
                CaseOwner.objects.create(case=case, leader=leader, assigned_at=event.at, assigned_by=user)
        except IntegrityError:
            raise ActionError(_t("%(who)s已是本案包案领导") % {"who": leader.display_name}, field="leader")

    return perform(
        case, user, at=at,
        summary=_t("确定包案领导：%(who)s") % {"who": leader.display_name}, data={"leader": leader.pk}, extra=add_owner,
    )


class RemoveOwnerForm(StepForm):
    leader = forms.ModelChoiceField(label=_("包案领导"), queryset=User.objects.none(), empty_label=_("请选择"))
    reason = forms.CharField(label=_("撤销理由"), max_length=200, help_text=_("如：工作调整、回避"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(owned_cases__case=self.case).order_by("owned_cases__id")


@step("remove_owner", form=RemoveOwnerForm, versioned=False, public=False, section=SECTION, guards=[has_owner], moves=[
    Move(_("撤销包案领导"), BOTH, OPEN, None, LEADERSHIP, style="danger"),
])
def do_remove_owner(user, case, *, leader=None, reason="", at=None):
    leader = required(leader, _t("请选择要撤销的包案领导"), "leader")
    reason = required(reason, _t("请填写撤销理由（如工作调整）"), "reason")
    owner = CaseOwner.objects.filter(case=case, leader=leader).first()
    if owner is None:
        raise ActionError(_t("%(who)s不是本案包案领导") % {"who": leader.display_name}, field="leader")

    def delete_owner(case, event):
        owner.delete()

    return perform(
        case, user, at=at,
        summary=_t("撤销包案领导：%(who)s") % {"who": leader.display_name}, note=reason,
        data={"leader": leader.pk}, extra=delete_owner,
    )


class DesignateHardCaseForm(StepForm):
    kind = forms.ChoiceField(label=_("类型"), choices=HardCase.Kind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("列入理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text=_("如：多次重复信访、久拖未决、涉及人数多或情绪激烈"),
    )


@step("designate_hard_case", form=DesignateHardCaseForm, public=False, section=SECTION, guards=[not_hard_case], moves=[
    Move(_("列为疑难积案（1211）"), BOTH, OPEN, None, LEADERSHIP, style="secondary"),
])
def do_designate_hard_case(user, case, *, kind="", reason="", at=None):
    """列为疑难积案: from now on the case needs its "1211" (专班、两名包案领导、稳控措施、完整资料) to close."""
    if kind not in HardCase.Kind.values:
        raise ActionError(_t("请选择积案或疑难复杂"), field="kind")
    reason = required(reason, _t("请填写列入理由"), "reason")

    def add_hard_case(case, event):
        case.hard_case = HardCase.objects.create(
            case=case, kind=kind, reason=reason, designated_at=event.at, designated_by=user
        )

    return perform(
        case, user, at=at,
        summary=_t("列为%(kind)s，落实“1211”工作机制") % {"kind": HardCase.Kind(kind).label}, note=reason,
        data={"kind": kind}, extra=add_hard_case,
    )


class _HardCaseStepForm(StepForm):
    """A step on the parts of a hard case; its choices come from the case's HardCase row (None before designation)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hard_case = hard_case_of(self.case)


class TaskForceMemberForm(_HardCaseStepForm):
    person = StaffChoiceField(label=_("工作人员"), queryset=User.objects.none(), required=False, empty_label=NO_ACCOUNT)
    name = forms.CharField(
        label=_("或填写姓名"), max_length=50, required=False, help_text=_("如“五老”、律师、村民代表")
    )
    role = forms.TypedChoiceField(label=_("专班职务"), choices=TaskForceMember.Role.choices, coerce=int,
                                  initial=TaskForceMember.Role.MEMBER)
    duty = forms.CharField(label=_("分工"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = staff_of(self.case.centre)


@step(
    "add_task_force_member",
    form=TaskForceMemberForm,
    versioned=False,
    public=False,
    section=SECTION,
    guards=[is_hard_case],
    moves=[
        Move(_("添加专班成员"), BOTH, OPEN, None, LEADERSHIP, style="secondary"),
    ],
)
def do_add_task_force_member(user, case, *, person=None, name="", role=TaskForceMember.Role.MEMBER, duty="", at=None):
    """A member of the task force (工作专班): staff of the centre, or anyone named (五老, a lawyer, a relative)."""
    hard_case = hard_case_of(case)  # the step's guard (is_hard_case) saw it
    person = _centre_staff(person, case, "person")
    name = (name or "").strip()
    if person is None and not name:
        raise ActionError(_t("请选择工作人员或填写成员姓名"), field="person")
    if role not in TaskForceMember.Role.values:
        raise ActionError(_t("请选择专班职务"), field="role")
    if person is not None and hard_case.task_force.filter(user=person).exists():
        raise ActionError(_t("%(who)s已在工作专班中") % {"who": person.display_name}, field="person")
    who = person.display_name if person else name
    role_label = TaskForceMember.Role(role).label

    def add_member(case, event):
        member = TaskForceMember.objects.create(
            hard_case=hard_case, user=person, name="" if person else name, role=role, duty=duty.strip(),
            added_at=event.at, added_by=user,
        )
        event.data["member"] = member.pk
        event.save(update_fields=["data"])

    return perform(
        case, user, at=at,
        summary=_t("工作专班：%(who)s任%(role)s") % {"who": who, "role": role_label}, note=duty,
        data={"role": role}, extra=add_member,
    )


class MeasureForm(_HardCaseStepForm):
    text = forms.CharField(label=_("措施内容"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    person = StaffChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False, empty_label=NO_ACCOUNT)
    person_name = forms.CharField(label=_("或填写责任人姓名"), max_length=50, required=False)
    review_on = forms.DateField(label=_("回访日期"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = staff_of(self.case.centre)


@step("add_measure", form=MeasureForm, versioned=False, public=False, section=SECTION, guards=[is_hard_case], moves=[
    Move(_("添加稳控措施"), BOTH, OPEN, None, LEADERSHIP, style="secondary"),
])
def do_add_measure(user, case, *, text="", person=None, person_name="", review_on=None, at=None):
    """A stabilisation measure (稳控措施) with the person answerable for it and the date it is next reviewed."""
    hard_case = hard_case_of(case)  # the step's guard (is_hard_case) saw it
    text = required(text, _t("请填写措施内容"), "text")
    person = _centre_staff(person, case, "person")
    person_name = (person_name or "").strip()
    if person is None and not person_name:
        raise ActionError(_t("每项措施须明确责任人"), field="person")
    review_on = required(review_on, _t("请填写回访日期"), "review_on")
    if review_on < _day(at):
        raise ActionError(_t("回访日期不能早于今天"), field="review_on")
    who = person.display_name if person else person_name

    def add(case, event):
        measure = StabilisationMeasure.objects.create(
            hard_case=hard_case, text=text, person=person, person_name="" if person else person_name,
            review_on=review_on, added_at=event.at, added_by=user,
        )
        event.data["measure"] = measure.pk
        event.save(update_fields=["data"])

    return perform(
        case, user, at=at,
        summary=_t("稳控措施（责任人%(who)s，%(day)s回访）") % {"who": who, "day": review_on}, note=text,
        data={"review_on": review_on.isoformat()}, extra=add,
    )


class ReviewMeasureForm(_HardCaseStepForm):
    measure = forms.ModelChoiceField(
        label=_("措施"), queryset=StabilisationMeasure.objects.none(), empty_label=_("请选择")
    )
    note = forms.CharField(label=_("回访情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    done = forms.BooleanField(label=_("措施已落实"), required=False)
    next_review_on = forms.DateField(label=_("下次回访日期"), widget=DateInput, required=False,
                                     help_text=_("措施尚未落实的必填"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.hard_case:
            self.fields["measure"].queryset = self.hard_case.measures.filter(done=False)
        self.fields["measure"].label_from_instance = lambda m: f"{m.review_on:%m-%d}回访 · {m.text[:24]}"


@step(
    "review_measure",
    form=ReviewMeasureForm,
    versioned=False,
    public=False,
    section=SECTION,
    guards=[is_hard_case, has_measure_to_review],
    moves=[
        Move(_("稳控措施回访"), BOTH, OPEN, None, LEADERSHIP, style="secondary"),
    ],
)
def do_review_measure(user, case, *, measure=None, note="", done=False, next_review_on=None, at=None):
    """回访 a measure: record what was found, then mark it carried out or set the next review date."""
    hard_case = hard_case_of(case)  # the step's guard (is_hard_case) saw it
    measure = required(measure, _t("请选择措施"), "measure")
    if measure.hard_case_id != hard_case.pk:
        raise ActionError(_t("该措施不属于本案"), field="measure")
    if measure.done:
        raise ActionError(_t("该措施已落实"), field="measure")
    note = required(note, _t("请填写回访情况"), "note")
    day = _day(at)
    if not done:
        next_review_on = required(next_review_on, _t("措施尚未落实的，请填写下次回访日期"), "next_review_on")
        if next_review_on <= day:
            raise ActionError(_t("下次回访日期应在今天之后"), field="next_review_on")

    def update(case, event):
        changes = {"done": True, "done_on": day} if done else {"review_on": next_review_on}
        StabilisationMeasure.objects.filter(pk=measure.pk).update(**changes)

    summary = (
        _t("稳控措施已落实：%(m)s") if done else _t("稳控措施回访，下次回访%(day)s：%(m)s")
    ) % {"m": measure.text[:40], "day": next_review_on}
    return perform(
        case, user, at=at, summary=summary, note=note,
        data={"measure": measure.pk, "done": bool(done)}, extra=update,
    )


class DossierItemForm(_HardCaseStepForm):
    requirement = forms.ModelChoiceField(
        label=_("材料类型"), queryset=DossierRequirement.objects.none(), empty_label=_("请选择")
    )
    document = forms.ModelChoiceField(
        label=_("本案已上传的材料"), queryset=Document.objects.none(), required=False, empty_label=_("无")
    )
    file = forms.FileField(label=_("或上传文件"), required=False)
    note = forms.CharField(
        label=_("说明"), max_length=300, required=False, help_text=_("纸质材料请注明存放位置，如“档案室2026年第3卷”")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provided = set(self.hard_case.dossier.values_list("requirement_id", flat=True)) if self.hard_case else set()
        self.fields["requirement"].queryset = DossierRequirement.objects.filter(active=True)
        replaces = _("（已提供，重新提供将替换）")
        self.fields["requirement"].label_from_instance = lambda r: f"{r.name}{replaces if r.pk in provided else ''}"
        self.fields["document"].queryset = self.case.documents.order_by("-created_at")


@step(
    "provide_dossier_item",
    form=DossierItemForm,
    versioned=False,
    public=False,
    section=SECTION,
    guards=[is_hard_case],
    moves=[
        Move(
            _("补充案卷材料"), BOTH, OPEN, None, DESK, unit_roles=UNIT_WORKERS, unit_scope="involved", style="secondary"
        ),
    ],
)
def do_provide_dossier_item(user, case, *, requirement=None, document=None, file=None, note="", at=None):
    """One document type of the complete dossier (完整资料): an uploaded document of the case, a new upload, or a
    note (where the paper original is filed). Providing it again replaces what was there."""
    hard_case = hard_case_of(case)  # the step's guard (is_hard_case) saw it
    requirement = required(requirement, _t("请选择材料类型"), "requirement")
    if not requirement.active:
        raise ActionError(_t("该材料类型已停用"), field="requirement")
    if document is not None and document.case_id != case.pk:
        raise ActionError(_t("只能选择本案的材料"), field="document")
    if document is not None and file is not None:
        raise ActionError(_t("请选择已上传的材料或上传新文件，二者选一"), field="file")
    note = (note or "").strip()
    if document is None and file is None and not note:
        raise ActionError(_t("请选择已上传的材料、上传文件，或说明纸质材料的存放位置"), field="document")
    kind = None
    if file is not None:
        try:
            (kind,) = uploads.check_uploads([file], uploads.MATERIALS)
        except uploads.UploadRefused as refused:
            raise ActionError(refused.message, field="file") from None
    stored = []

    def provide(case, event):
        doc = document
        if file is not None:
            doc = Document(case=case, kind=Document.Kind.MATERIAL, title=requirement.name, uploaded_by=user)
            uploads.store(doc, file, kind)
            stored.append(doc.file)
            doc.save()
        item, _created = DossierItem.objects.update_or_create(
            hard_case=hard_case, requirement=requirement,
            defaults={"document": doc, "note": note, "provided_at": event.at, "provided_by": user},
        )
        event.data.update({"item": item.pk, "document": doc.pk if doc else None})
        event.save(update_fields=["data"])

    try:
        return perform(
            case, user, at=at,
            summary=_t("案卷材料：%(name)s") % {"name": requirement.name}, note=note,
            data={"requirement": requirement.pk}, extra=provide,
        )
    except BaseException:
        # The transaction rolls back: leave no file behind for a row that will not exist.
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise
