"""Handling a case: 回避, 办理记录, 上传材料, 延长办理期限 and the written reply (处理意见书)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.org import authz
from jiefen.org.authz import DESK, LEADERSHIP, UNIT_WORKERS
from jiefen.org.models import User
from jiefen.org.queries import leadership_of

from .. import deadlines, uploads
from ..errors import ActionError
from ..models import Case, Document, Recusal, ReplyOutcome, Status
from ..uploads import size_text
from . import registry
from .base import OPEN_WORK, DateInput, MultipleFileField, StepForm, date_not_future, required
from .perform import perform
from .registry import Move, step

PETITION, DISPUTE = Case.Kind.PETITION, Case.Kind.DISPUTE
BOTH = frozenset({PETITION, DISPUTE})
S = Status
RECORDING = OPEN_WORK | {S.REGISTERED, S.REPLIED, S.REVIEW_DECIDED}


class RecuseForm(StepForm):
    person = forms.ModelChoiceField(label=gettext_lazy("回避人员"), queryset=User.objects.none(), required=False,
                                    empty_label=gettext_lazy("本人"))
    reason = forms.CharField(
        label=gettext_lazy("回避理由"), help_text=gettext_lazy("如：与当事人有近亲属关系或其他利害关系")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if authz.in_roles(self.user, LEADERSHIP):
            self.fields["person"].queryset = User.objects.filter(
                is_active=True, unit__path__startswith=self.case.centre.path
            ).order_by("unit__path", "id")
        else:
            del self.fields["person"]


@step("recuse", form=RecuseForm, versioned=False, public=False, moves=[
    Move(gettext_lazy("回避"), BOTH, RECORDING, None, DESK, unit_roles=UNIT_WORKERS, unit_scope="involved",
         style="secondary"),
])
def do_recuse(user, case, *, person=None, reason="", at=None):
    """回避: `person` (default the user) stays out of the case; leaders may name another staff member."""
    reason = required(reason, _("请填写回避理由"), "reason")
    person = person or user
    if person != user and not authz.in_roles(user, LEADERSHIP):
        raise ActionError(_("只能由本人申请回避，或由中心领导决定他人回避"), field="person")
    if case.recusals.filter(user=person).exists():
        raise ActionError(_("%(who)s已回避本案") % {"who": person.display_name}, field="person")
    changes = {"handler": None} if case.handler_id == person.pk else {}

    def add_recusal(case, event):
        Recusal.objects.create(case=case, user=person, reason=reason, declared_by=user, declared_at=event.at)

    return perform(
        case, user, at=at,
        summary=_("%(who)s回避本案") % {"who": person.display_name}, note=reason, data={"person": person.pk},
        changes=changes, extra=add_recusal,
    )


class NoteForm(StepForm):
    text = forms.CharField(label=gettext_lazy("办理情况"), widget=forms.Textarea(attrs={"rows": 3}))


@step("note", form=NoteForm, versioned=False, public=False, moves=[
    Move(gettext_lazy("办理记录"), BOTH, RECORDING, None, DESK, unit_roles=UNIT_WORKERS, unit_scope="involved",
         style="secondary"),
])
def do_add_note(user, case, *, text="", at=None):
    text = required(text, _("请填写办理情况"), "text")
    return perform(case, user, at=at, summary=_("办理记录"), note=text)


class DocumentForm(StepForm):
    title = forms.CharField(label=gettext_lazy("材料名称"), max_length=200)
    # A declared field, not Form.files (the metaclass moves it to base_fields); the name is the HTML input's.
    files = MultipleFileField(label=gettext_lazy("文件"))  # type: ignore[assignment]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("PDF、JPG/PNG图片、Word、Excel，每个不超过%(limit)s，一次最多%(n)s个") % {
            "limit": size_text(settings.UPLOAD_MAX_BYTES), "n": settings.UPLOAD_MAX_FILES,
        }


# Files come through the page's multipart form, not through the JSON API.
@step("document", form=DocumentForm, versioned=False, public=False, api=False, moves=[
    Move(gettext_lazy("上传材料"), BOTH, RECORDING | {S.AGREED, S.REFERRED}, None, DESK, unit_roles=UNIT_WORKERS,
         unit_scope="involved", style="secondary"),
])
def do_add_document(user, case, *, title="", files=(), file=None, at=None):
    """上传材料: one or more files under one name. Each is checked by its content (uploads.check_uploads) before
    anything is written, stored under a random name, and removed again if the step fails after all."""
    title = required(title, _("请填写材料名称"), "title")
    files = [f for f in [*files, file] if f is not None]
    if not files:
        raise ActionError(_("请选择要上传的文件"), field="files")
    try:
        kinds = uploads.check_uploads(files, uploads.MATERIALS)
    except uploads.UploadRefused as refused:
        raise ActionError(refused.message, field="files") from None
    stored = []

    def save_documents(case, event):
        for upload, kind in zip(files, kinds, strict=True):
            doc = Document(case=case, kind=Document.Kind.MATERIAL, title=title, uploaded_by=user)
            uploads.store(doc, upload, kind)
            stored.append(doc.file)
            doc.save()
        event.data = {"documents": [f.instance.pk for f in stored]}
        if len(stored) == 1:
            event.data["document"] = stored[0].instance.pk
        event.save(update_fields=["data"])

    try:
        return perform(
            case, user, at=at, summary=_("上传材料：%(t)s") % {"t": title},
            extra=save_documents,
        )
    except BaseException:
        # The transaction rolls back: leave no file behind for a row that will not exist.
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise


def extension_approvers(case):
    """Who may approve an extension: the centre's leadership and the head of the unit handling the case."""
    leaders = leadership_of(case.centre)
    heads = User.objects.filter(is_active=True, is_unit_head=True, unit_id=case.responsible_unit_id)
    return (leaders | heads).distinct().order_by("role", "id")


def _may_approve_extension(approver, case):
    if authz.in_roles(approver, LEADERSHIP) and authz.scope_of(approver).centre == case.centre:
        return True
    return approver.is_unit_head and approver.unit_id == case.responsible_unit_id


class ExtendForm(StepForm):
    days = forms.IntegerField(label=gettext_lazy("延长天数"), min_value=1, max_value=30)
    reason = forms.CharField(label=gettext_lazy("延期理由（告知信访人）"), widget=forms.Textarea(attrs={"rows": 2}))
    approver = forms.ModelChoiceField(label=gettext_lazy("批准人"), queryset=User.objects.none(),
                                      empty_label=gettext_lazy("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = extension_approvers(self.case)


@step("extend", form=ExtendForm, moves=[
    Move(gettext_lazy("延长办理期限"), frozenset({PETITION}), frozenset({S.IN_HANDLING}), None, LEADERSHIP,
         unit_roles=authz.HANDLERS, style="secondary"),
])
def do_extend_deadline(user, case, *, days=0, reason="", approver=None, at=None):
    """延长办理期限: at most 30 days in all, approved by the unit head or a centre leader, reason told."""
    reason = required(reason, _("请填写延期理由（将告知信访人）"), "reason")
    room = deadlines.extension_room(case)
    if not days or days < 1:
        raise ActionError(_("延长天数至少为1天"), field="days")
    if days > room:
        raise ActionError(_("延长办理期限累计不得超过30日，本案还可延长%(n)s日") % {"n": room}, field="days")
    if approver is None or not _may_approve_extension(approver, case):
        raise ActionError(_("延期须经本单位负责人或中心领导批准，请选择批准人"), field="approver")
    approver_name = approver.display_name

    def add_extension(case, event):
        deadline = deadlines.extend(case, days, _("延期（%(who)s批准）") % {"who": approver_name})
        event.data = {"days": days, "approver": approver.pk, "due_on": deadline.due_on.isoformat()}
        event.save(update_fields=["data"])

    return perform(
        case, user, at=at,
        summary=_("延长办理期限%(n)s日，理由：%(r)s") % {"n": days, "r": reason}, note=reason, extra=add_extension,
    )


class WrittenDecisionForm(StepForm):
    outcome = forms.ChoiceField(label=gettext_lazy("处理意见"), choices=ReplyOutcome.choices, widget=forms.RadioSelect)
    served_on = forms.DateField(label=gettext_lazy("送达日期"), widget=DateInput, initial=timezone.localdate)
    content = forms.CharField(label=gettext_lazy("意见正文"), widget=forms.Textarea(attrs={"rows": 5}))


def written_decision(user, case, *, outcome, served_on, content, summary_prefix,
                     changes=None, at=None):
    """A written decision served on the petitioner (处理意见书, 复查意见, 复核意见), with its service date."""
    if outcome not in ReplyOutcome.values:
        raise ActionError(_("请选择处理意见：支持、解释说明或不予支持"), field="outcome")
    date_not_future(served_on, _("送达日期"), "served_on")
    content = required(content, _("请填写处理意见正文"), "content")
    if case.accepted_on and served_on < case.accepted_on:
        raise ActionError(_("送达日期不能早于受理日期"), field="served_on")
    # The decision answers a request: it cannot be served before the clock it stops started (the request date).
    # A clock paused for a hearing counts too: a re-review decision may be served while it is paused.
    for running in case.deadlines.select_related("rule").filter(state__in=["running", "paused"]):
        if registry.taking().action in running.rule.events("stop_events") and served_on < running.started_on:
            raise ActionError(
                _("送达日期不能早于%(rule)s的起算日 %(day)s") % {"rule": running.rule.name, "day": running.started_on},
                field="served_on",
            )
    label = ReplyOutcome(outcome).label
    return perform(
        case,
        user,
        at=at,
        summary=_("%(prefix)s：%(outcome)s，%(day)s送达")
        % {"prefix": summary_prefix, "outcome": label, "day": served_on},
        data={"outcome": outcome, "served_on": served_on.isoformat(), "content": content},
        changes={"reply_outcome": outcome, "reply_served_on": served_on, **(changes or {})},
        clock_date=served_on,
    )


@step("reply", form=WrittenDecisionForm, moves=[
    Move(gettext_lazy("出具处理意见"), frozenset({PETITION}), frozenset({S.IN_HANDLING}), S.REPLIED, LEADERSHIP,
         unit_roles=authz.HANDLERS),
])
def do_reply_case(user, case, *, outcome="", served_on=None, content="", at=None):
    """Serve the written reply (处理意见书): 支持 / 解释说明 / 不予支持, with its service date."""
    return written_decision(
        user, case, at=at, outcome=outcome, served_on=served_on,
        content=content, summary_prefix=_("出具处理意见书"),
    )
