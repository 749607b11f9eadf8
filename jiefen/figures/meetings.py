"""The analysis meeting (分析研判会): creating it with its pack, editing the pack, recording decisions and their
completion. Each action is one transaction with one audit record (DESIGN.md §4)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases import extensions
from jiefen.cases.actions import ActionError
from jiefen.org import authz

from . import pack
from .forms import owners_of
from .models import AnalysisMeeting, MeetingDecision

MAX_PERIOD_DAYS = 366


def _check_leader(user, centre):
    if not authz.in_roles(user, authz.LEADERSHIP) or authz.scope_of(user).centre != centre:
        raise ActionError(_("只有本中心领导可以组织分析研判会、记录议定事项"))


def _required(value, message, field):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ActionError(message, field=field)
    return value.strip() if isinstance(value, str) else value


@transaction.atomic
def do_create_meeting(user, *, centre, title="", period_start=None, period_end=None, held_on=None):
    """Create a meeting for a period, with its pack assembled from the live figures (a snapshot)."""
    _check_leader(user, centre)
    title = _required(title, _("请填写会议名称"), "title")
    period_start = _required(period_start, _("请填写研判期间"), "period_start")
    period_end = _required(period_end, _("请填写研判期间"), "period_end")
    held_on = _required(held_on, _("请填写会议日期"), "held_on")
    if period_start > period_end:
        raise ActionError(_("结束日期不能早于开始日期"), field="period_end")
    if period_start > timezone.localdate():
        raise ActionError(_("研判期间不能晚于今天"), field="period_start")
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise ActionError(_("研判期间不能超过一年"), field="period_end")
    previous = AnalysisMeeting.objects.filter(centre=centre).order_by("-held_on", "-id").first()
    meeting = AnalysisMeeting.objects.create(
        centre=centre, title=title, period_start=period_start, period_end=period_end, held_on=held_on,
        pack=pack.assemble(centre, period_start, period_end, previous=previous), created_by=user,
        created_at=timezone.now(),
    )
    record(user, "meeting.create", meeting, period=f"{period_start}..{period_end}")
    return meeting


@transaction.atomic
def do_edit_meeting_notes(user, meeting, *, notes):
    """Save the leaders' words on the pack's sections; only before the meeting is marked held."""
    _check_leader(user, meeting.centre)
    if meeting.status != AnalysisMeeting.Status.DRAFT:
        raise ActionError(_("会议已召开，材料不能再修改"))
    codes = {code for code, _label in pack.SECTIONS}
    clean = {code: (text or "").strip() for code, text in notes.items() if code in codes}
    AnalysisMeeting.objects.filter(pk=meeting.pk).update(notes=clean)
    meeting.notes = clean
    record(user, "meeting.edit", meeting, sections=sorted(k for k, v in clean.items() if v))
    return meeting


@transaction.atomic
def do_hold_meeting(user, meeting):
    """Mark the meeting held: its pack is final from now on."""
    _check_leader(user, meeting.centre)
    if meeting.status == AnalysisMeeting.Status.HELD:
        raise ActionError(_("会议已标记为已召开"))
    AnalysisMeeting.objects.filter(pk=meeting.pk).update(status=AnalysisMeeting.Status.HELD)
    meeting.status = AnalysisMeeting.Status.HELD
    record(user, "meeting.hold", meeting)
    return meeting


@transaction.atomic
def do_record_decision(user, meeting, *, text="", owner=None, due_on=None):
    """Record a decision of the meeting: what, who answers for it, by when (督办事项)."""
    _check_leader(user, meeting.centre)
    text = _required(text, _("请填写议定事项"), "text")
    owner = _required(owner, _("请选择责任人"), "owner")
    due_on = _required(due_on, _("请填写完成期限"), "due_on")
    if not owners_of(meeting.centre).filter(pk=owner.pk).exists():
        raise ActionError(_("责任人须为本乡镇（街道）的工作人员"), field="owner")
    if due_on < meeting.held_on:
        raise ActionError(_("完成期限不能早于会议日期"), field="due_on")
    decision = MeetingDecision.objects.create(
        meeting=meeting, text=text, owner=owner, due_on=due_on, created_by=user, created_at=timezone.now()
    )
    record(user, "meeting.decision", decision, meeting=meeting.pk, owner=owner.pk, due_on=due_on.isoformat())
    if owner.pk != user.pk:
        extensions.tell_staff(
            owner, _("会议议定事项：%(text)s（%(meeting)s，%(due)s前完成）") % {
                "text": text[:60], "meeting": meeting.title, "due": due_on.isoformat()},
            link=reverse("figures:my_decisions"), dedupe_key=f"decision:{decision.pk}:{owner.pk}",
        )
    return decision


@transaction.atomic
def do_complete_decision(user, decision, *, note=""):
    """Report a decision done, by its owner or a leader of the centre, with how it was carried out."""
    meeting = decision.meeting
    if user.pk != decision.owner_id:
        _check_leader(user, meeting.centre)
    if decision.done:
        raise ActionError(_("该事项已标记完成"))
    note = (note or "").strip()
    now = timezone.now()
    MeetingDecision.objects.filter(pk=decision.pk).update(done=True, done_at=now, note=note)
    decision.done, decision.done_at, decision.note = True, now, note
    record(user, "meeting.decision_done", decision, meeting=meeting.pk)
    return decision
