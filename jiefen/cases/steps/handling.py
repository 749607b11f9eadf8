"""Handling a case: 回避, 办理记录, 上传材料, 延长办理期限 and the written reply (处理意见书)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.org import authz, organs
from jiefen.org.authz import DESK, LEADERSHIP, UNIT_WORKERS
from jiefen.org.models import User
from jiefen.org.queries import leadership_of

from .. import deadlines, uploads
from ..errors import ActionError
from ..models import Case, Document, IssuedDocument, Recusal, ReplyOutcome, ServiceMethod, Status
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


def organ_heads(case):
    """The head of the organ handling `case` (本机关负责人): who approves its extension and signs off (审签) its
    written answer. For a matter of the township (its offices, villages and grids work under the township's
    人民政府) that is the township's leadership; for a unit that is an organ of its own, the unit's head."""
    organ = organs.handling_organ(case)
    if organ.unit.pk == case.centre_id:
        heads = leadership_of(case.centre)
    else:
        heads = User.objects.filter(is_active=True, is_unit_head=True, unit=organ.unit).order_by("id")
    return heads.exclude(recusals__case=case)  # one who stays out of the case (回避) approves nothing of it


def extension_approvers(case):
    """Who may approve an extension: the head of the organ handling the case (信访工作条例 第三十四条)."""
    return organ_heads(case)


def _may_approve_extension(approver, case):
    return organ_heads(case).filter(pk=approver.pk).exists()


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
    """延长办理期限: at most 30 days in all, approved by the head of the organ handling it; the 延期告知书 tells the
    petitioner the reason (jiefen.cases.notices)."""
    reason = required(reason, _("请填写延期理由（将告知信访人）"), "reason")
    room = deadlines.extension_room(case)
    if not days or days < 1:
        raise ActionError(_("延长天数至少为1天"), field="days")
    if days > room:
        raise ActionError(_("延长办理期限累计不得超过30日，本案还可延长%(n)s日") % {"n": room}, field="days")
    if approver is None or not _may_approve_extension(approver, case):
        raise ActionError(_("延期须经办理机关负责人批准，请选择批准人"), field="approver")
    approver_name = approver.display_name

    def add_extension(case, event):
        deadline = deadlines.extend(case, days, _("延期（%(who)s批准）") % {"who": approver_name})
        event.data = {"days": days, "approver": approver.pk, "due_on": deadline.due_on.isoformat()}
        event.save(update_fields=["data"])

    return perform(
        case, user, at=at,
        summary=_("延长办理期限%(n)s日，理由：%(r)s") % {"n": days, "r": reason}, note=reason, extra=add_extension,
    )


# The written answer: drafted (拟稿), signed off by the organ's head (审签), then served (送达). ---------------------


# After these the written answer starts afresh: one was served, or the case changed hands (a sign-off is the head
# of the organ handling it then, and a new unit drafts its own).
DRAFT_RESETS = ("reply", "assign", "sign_for", "return_case", "review_remand", "return_report")


def reply_draft(case):
    """The draft of the written answer in the making since the last one was served or the case changed hands:
    (draft event, sign-off event) or (None, None); the sign-off is None while the draft waits for it."""
    # In the order they were taken (a step entered after the fact may bear an earlier time): a sign-off is of
    # the draft taken before it.
    since = case.events.filter(kind__in=DRAFT_RESETS).order_by("-id").values_list("id", flat=True).first()
    events = case.events.filter(kind__in=("draft_reply", "sign_off"))
    if since is not None:
        events = events.filter(id__gt=since)
    draft = signed = None
    for event in events.order_by("id"):
        if event.kind == "draft_reply":
            draft, signed = event, None
        elif draft is not None:
            signed = event
    return draft, signed


def draft_awaits_sign_off(case):
    """Guard of 审签: a draft is waiting for it."""
    draft, signed = reply_draft(case)
    return _("没有待审签的处理意见稿") if draft is None or signed is not None else None


def draft_signed_off(case):
    """Guard of 送达处理意见书: only a draft the organ's head approved is served."""
    draft, signed = reply_draft(case)
    if draft is None:
        return _("处理意见尚未拟稿，请先拟写处理意见并报送审签")
    if signed is None:
        return _("处理意见稿尚未审签")
    if not signed.data.get("approved"):
        return _("处理意见稿已被退回修改，请重新拟稿报送审签")
    return None


class DraftReplyForm(StepForm):
    outcome = forms.ChoiceField(label=gettext_lazy("处理意见"), choices=ReplyOutcome.choices, widget=forms.RadioSelect)
    content = forms.CharField(label=gettext_lazy("意见正文"), widget=forms.Textarea(attrs={"rows": 5}))


@step("draft_reply", form=DraftReplyForm, public=False, moves=[
    Move(gettext_lazy("拟写处理意见"), frozenset({PETITION}), frozenset({S.IN_HANDLING}), None, LEADERSHIP,
         unit_roles=authz.HANDLERS, style="secondary"),
])
def do_draft_reply(user, case, *, outcome="", content="", at=None):
    """拟稿: the handler drafts the written answer; it goes to the organ's head for sign-off. A new draft replaces
    one not yet served."""
    if outcome not in ReplyOutcome.values:
        raise ActionError(_("请选择处理意见：支持、解释说明或不予支持"), field="outcome")
    content = required(content, _("请填写处理意见正文"), "content")
    label = ReplyOutcome(outcome).label
    return perform(
        case, user, at=at, summary=_("拟写处理意见（%(outcome)s），报送审签") % {"outcome": label},
        data={"outcome": outcome, "content": content},
    )


class SignOffForm(StepForm):
    approved = forms.TypedChoiceField(
        label=gettext_lazy("审签意见"), choices=[("1", gettext_lazy("同意签发")), ("0", gettext_lazy("退回修改"))],
        coerce=lambda value: value in (True, "1", "true", "True"), widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=gettext_lazy("审签说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        draft, _signed = reply_draft(self.case)
        if draft is not None:
            self.fields["approved"].help_text = _("拟稿（%(who)s）：%(outcome)s。%(text)s") % {
                "who": draft.actor.display_name if draft.actor_id else "",
                "outcome": ReplyOutcome(draft.data["outcome"]).label,
                "text": draft.data.get("content", ""),
            }


@step("sign_off", form=SignOffForm, public=False, guards=[draft_awaits_sign_off], moves=[
    Move(gettext_lazy("审签处理意见"), frozenset({PETITION}), frozenset({S.IN_HANDLING}), None, LEADERSHIP,
         unit_roles=authz.HANDLERS, unit_scope="organ_head"),
])
def do_sign_off(user, case, *, approved=False, comment="", at=None):
    """审签: the head of the organ handling the matter signs the draft off, or sends it back with reasons."""
    if not organ_heads(case).filter(pk=user.pk).exists():
        raise ActionError(_("处理意见应由办理机关负责人审签"))
    draft, _signed = reply_draft(case)
    if not approved:
        comment = required(comment, _("退回修改的，请写明理由"), "comment")
    summary = _("审签同意签发") if approved else _("审签退回修改：%(why)s") % {"why": comment}
    return perform(
        case, user, at=at, summary=summary, note=comment,
        data={"approved": bool(approved), "draft": draft.pk, "comment": comment},
    )


class ServeReplyForm(StepForm):
    served_on = forms.DateField(label=gettext_lazy("送达日期"), widget=DateInput, initial=timezone.localdate)
    service_method = forms.ChoiceField(
        label=gettext_lazy("送达方式"), choices=ServiceMethod.choices, initial=ServiceMethod.DIRECT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        draft, signed = reply_draft(self.case)
        if draft is not None and signed is not None and signed.data.get("approved"):
            self.fields["served_on"].help_text = _("送达经审签的处理意见（%(outcome)s），审签人：%(who)s") % {
                "outcome": ReplyOutcome(draft.data["outcome"]).label,
                "who": signed.actor.display_name if signed.actor_id else "",
            }


def check_served_on(case, served_on):
    """A service date: not in the future, not before acceptance, not before the clock the step stops started."""
    date_not_future(served_on, _("送达日期"), "served_on")
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
    return served_on


@step("reply", form=ServeReplyForm, guards=[draft_signed_off], moves=[
    Move(gettext_lazy("送达处理意见书"), frozenset({PETITION}), frozenset({S.IN_HANDLING}), S.REPLIED, LEADERSHIP,
         unit_roles=authz.HANDLERS),
])
def do_reply_case(user, case, *, served_on=None, service_method=ServiceMethod.DIRECT, at=None):
    """Serve the written answer as signed off (处理意见书: 支持 / 解释说明 / 不予支持), with its method and date.
    The document is issued as it stands (jiefen.cases.notices) and its service recorded on it."""
    check_served_on(case, served_on)
    if service_method not in ServiceMethod.values:
        raise ActionError(_("请选择送达方式"), field="service_method")
    draft, signed = reply_draft(case)
    outcome, content = draft.data["outcome"], draft.data["content"]
    event = perform(
        case, user, at=at,
        summary=_("送达处理意见书：%(outcome)s，%(day)s%(method)s")
        % {"outcome": ReplyOutcome(outcome).label, "day": served_on, "method": ServiceMethod(service_method).label},
        data={
            "outcome": outcome, "served_on": served_on.isoformat(), "content": content,
            "service_method": service_method, "draft": draft.pk, "signed_by": signed.actor_id,
        },
        changes={"reply_outcome": outcome, "reply_served_on": served_on},
        clock_date=served_on,
    )
    IssuedDocument.objects.filter(event=event).update(
        service_method=service_method, served_on=served_on, served_by=user,
    )
    return event
