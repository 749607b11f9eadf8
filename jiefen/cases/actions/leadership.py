"""Owning leaders (包案) and the "1211" hard-case mechanism: steps that record, none that moves the state.

Each is one transaction through core.perform (one event, one audit record); the rows live in jiefen.leadership.
Closing a hard case is refused while its "1211" is incomplete: see do_close_case and leadership.rules.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.leadership.models import CaseOwner, DossierItem, HardCase, StabilisationMeasure, TaskForceMember
from jiefen.leadership.rules import hard_case_of
from jiefen.org.models import Role

from .. import uploads
from ..models import Document
from .core import ActionError, perform, step


def _required(value, message, field):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ActionError(message, field=field)
    return value.strip() if isinstance(value, str) else value


def _centre_staff(person, case, field):
    """`person` if an active account of the case's centre; leaders of another township cannot own or serve."""
    if person is None:
        return None
    if not person.is_active or person.unit_id is None or not person.unit.is_within(case.centre):
        raise ActionError(_("只能选择本中心（本乡镇）的工作人员"), field=field)
    return person


def _hard(case):
    hard_case = hard_case_of(case)
    if hard_case is None:
        raise ActionError(_("本案尚未列为疑难积案，请先列为疑难积案（1211）"))
    return hard_case


def _day(at):
    return timezone.localdate(at) if at else timezone.localdate()


@step("assign_owner")
def do_assign_owner(user, case, *, leader=None, at=None):
    """确定包案领导: a leader of the centre takes the case on, to see it through (一抓到底)."""
    leader = _centre_staff(_required(leader, _("请选择包案领导"), "leader"), case, "leader")
    if leader.role not in (Role.LEADER, Role.DIRECTOR):
        raise ActionError(_("包案领导须为中心领导班子成员"), field="leader")
    if CaseOwner.objects.filter(case=case, leader=leader).exists():
        raise ActionError(_("%(who)s已是本案包案领导") % {"who": leader.display_name}, field="leader")

    def add_owner(case, event):
        try:
            # A savepoint: a twin request that got here first becomes a message, not a broken transaction.
            with transaction.atomic():
                CaseOwner.objects.create(case=case, leader=leader, assigned_at=event.at, assigned_by=user)
        except IntegrityError:
            raise ActionError(_("%(who)s已是本案包案领导") % {"who": leader.display_name}, field="leader")

    return perform(
        case, "assign_owner", user, expected_version=None, at=at,
        summary=_("确定包案领导：%(who)s") % {"who": leader.display_name}, data={"leader": leader.pk}, extra=add_owner,
    )


@step("remove_owner")
def do_remove_owner(user, case, *, leader=None, reason="", at=None):
    leader = _required(leader, _("请选择要撤销的包案领导"), "leader")
    reason = _required(reason, _("请填写撤销理由（如工作调整）"), "reason")
    owner = CaseOwner.objects.filter(case=case, leader=leader).first()
    if owner is None:
        raise ActionError(_("%(who)s不是本案包案领导") % {"who": leader.display_name}, field="leader")

    def delete_owner(case, event):
        owner.delete()

    return perform(
        case, "remove_owner", user, expected_version=None, at=at,
        summary=_("撤销包案领导：%(who)s") % {"who": leader.display_name}, note=reason,
        data={"leader": leader.pk}, extra=delete_owner,
    )


@step("designate_hard_case")
def do_designate_hard_case(user, case, *, expected_version, kind="", reason="", at=None):
    """列为疑难积案: from now on the case needs its "1211" (专班、两名包案领导、稳控措施、完整资料) to close."""
    if kind not in HardCase.Kind.values:
        raise ActionError(_("请选择积案或疑难复杂"), field="kind")
    reason = _required(reason, _("请填写列入理由"), "reason")
    if hard_case_of(case) is not None:
        raise ActionError(_("本案已列为疑难积案"))

    def add_hard_case(case, event):
        case.hard_case = HardCase.objects.create(
            case=case, kind=kind, reason=reason, designated_at=event.at, designated_by=user
        )

    return perform(
        case, "designate_hard_case", user, expected_version=expected_version, at=at,
        summary=_("列为%(kind)s，落实“1211”工作机制") % {"kind": HardCase.Kind(kind).label}, note=reason,
        data={"kind": kind}, extra=add_hard_case,
    )


@step("add_task_force_member")
def do_add_task_force_member(user, case, *, person=None, name="", role=TaskForceMember.Role.MEMBER, duty="", at=None):
    """A member of the task force (工作专班): staff of the centre, or anyone named (五老, a lawyer, a relative)."""
    hard_case = _hard(case)
    person = _centre_staff(person, case, "person")
    name = (name or "").strip()
    if person is None and not name:
        raise ActionError(_("请选择工作人员或填写成员姓名"), field="person")
    if role not in TaskForceMember.Role.values:
        raise ActionError(_("请选择专班职务"), field="role")
    if person is not None and hard_case.task_force.filter(user=person).exists():
        raise ActionError(_("%(who)s已在工作专班中") % {"who": person.display_name}, field="person")
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
        case, "add_task_force_member", user, expected_version=None, at=at,
        summary=_("工作专班：%(who)s任%(role)s") % {"who": who, "role": role_label}, note=duty,
        data={"role": role}, extra=add_member,
    )


@step("add_measure")
def do_add_measure(user, case, *, text="", person=None, person_name="", review_on=None, at=None):
    """A stabilisation measure (稳控措施) with the person answerable for it and the date it is next reviewed."""
    hard_case = _hard(case)
    text = _required(text, _("请填写措施内容"), "text")
    person = _centre_staff(person, case, "person")
    person_name = (person_name or "").strip()
    if person is None and not person_name:
        raise ActionError(_("每项措施须明确责任人"), field="person")
    review_on = _required(review_on, _("请填写回访日期"), "review_on")
    if review_on < _day(at):
        raise ActionError(_("回访日期不能早于今天"), field="review_on")
    who = person.display_name if person else person_name

    def add(case, event):
        measure = StabilisationMeasure.objects.create(
            hard_case=hard_case, text=text, person=person, person_name="" if person else person_name,
            review_on=review_on, added_at=event.at, added_by=user,
        )
        event.data["measure"] = measure.pk
        event.save(update_fields=["data"])

    return perform(
        case, "add_measure", user, expected_version=None, at=at,
        summary=_("稳控措施（责任人%(who)s，%(day)s回访）") % {"who": who, "day": review_on}, note=text,
        data={"review_on": review_on.isoformat()}, extra=add,
    )


@step("review_measure")
def do_review_measure(user, case, *, measure=None, note="", done=False, next_review_on=None, at=None):
    """回访 a measure: record what was found, then mark it carried out or set the next review date."""
    hard_case = _hard(case)
    measure = _required(measure, _("请选择措施"), "measure")
    if measure.hard_case_id != hard_case.pk:
        raise ActionError(_("该措施不属于本案"), field="measure")
    if measure.done:
        raise ActionError(_("该措施已落实"), field="measure")
    note = _required(note, _("请填写回访情况"), "note")
    day = _day(at)
    if not done:
        next_review_on = _required(next_review_on, _("措施尚未落实的，请填写下次回访日期"), "next_review_on")
        if next_review_on <= day:
            raise ActionError(_("下次回访日期应在今天之后"), field="next_review_on")

    def update(case, event):
        changes = {"done": True, "done_on": day} if done else {"review_on": next_review_on}
        StabilisationMeasure.objects.filter(pk=measure.pk).update(**changes)

    summary = (
        _("稳控措施已落实：%(m)s") if done else _("稳控措施回访，下次回访%(day)s：%(m)s")
    ) % {"m": measure.text[:40], "day": next_review_on}
    return perform(
        case, "review_measure", user, expected_version=None, at=at, summary=summary, note=note,
        data={"measure": measure.pk, "done": bool(done)}, extra=update,
    )


@step("provide_dossier_item")
def do_provide_dossier_item(user, case, *, requirement=None, document=None, file=None, note="", at=None):
    """One document type of the complete dossier (完整资料): an uploaded document of the case, a new upload, or a
    note (where the paper original is filed). Providing it again replaces what was there."""
    hard_case = _hard(case)
    requirement = _required(requirement, _("请选择材料类型"), "requirement")
    if not requirement.active:
        raise ActionError(_("该材料类型已停用"), field="requirement")
    if document is not None and document.case_id != case.pk:
        raise ActionError(_("只能选择本案的材料"), field="document")
    if document is not None and file is not None:
        raise ActionError(_("请选择已上传的材料或上传新文件，二者选一"), field="file")
    note = (note or "").strip()
    if document is None and file is None and not note:
        raise ActionError(_("请选择已上传的材料、上传文件，或说明纸质材料的存放位置"), field="document")
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
            case, "provide_dossier_item", user, expected_version=None, at=at,
            summary=_("案卷材料：%(name)s") % {"name": requirement.name}, note=note,
            data={"requirement": requirement.pk}, extra=provide,
        )
    except BaseException:
        # The transaction rolls back: leave no file behind for a row that will not exist.
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise


ACTION_FUNCTIONS = {
    "assign_owner": do_assign_owner,
    "remove_owner": do_remove_owner,
    "designate_hard_case": do_designate_hard_case,
    "add_task_force_member": do_add_task_force_member,
    "add_measure": do_add_measure,
    "review_measure": do_review_measure,
    "provide_dossier_item": do_provide_dossier_item,
}
