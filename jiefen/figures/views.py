import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.audit.records import record_export
from jiefen.cases.actions import ActionError
from jiefen.org import authz

from . import meetings, pack, queries
from .forms import DecisionDoneForm, DecisionForm, MeetingForm, NotesForm, PeriodForm, default_period
from .models import AnalysisMeeting, MeetingDecision


@login_required
def dashboard(request):
    """数据研判: every figure of a period in the viewer's scope, with charts; each figure links to its cases."""
    centres = queries.centres_for(request.user)
    start, end = default_period()
    form = PeriodForm(request.GET or None, centres=centres, initial={"start": start, "end": end})
    if request.GET and not form.is_valid():
        return render(request, "figures/dashboard.html", {"form": form, "data": None}, status=400)
    if request.GET:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    filters = form.filters() if request.GET else {}
    data = queries.compute(queries.Scope(centres, **filters), start, end)
    return render(request, "figures/dashboard.html", {
        "form": form, "data": data, "county": len(centres) > 1, "presets": _presets(),
        "may_meet": authz.in_roles(request.user, authz.LEADERSHIP),
    })


def _presets():
    today = timezone.localdate()
    month = today.replace(day=1)
    last_month_end = month - dt.timedelta(days=1)
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    return [
        (_("本月"), month, today),
        (_("上月"), last_month_end.replace(day=1), last_month_end),
        (_("本季度"), quarter, today),
        (_("本年"), today.replace(month=1, day=1), today),
        (
            _("上年"),
            today.replace(year=today.year - 1, month=1, day=1),
            today.replace(year=today.year - 1, month=12, day=31),
        ),
    ]


def _access_meeting(user, pk, *, write=False):
    """The meeting `pk` if it belongs to a centre the user reads figures of: 404 otherwise; 403 if `write` and the
    user is not of the leadership (the policy's write rows say so for the meeting's own pages; a decision's page is
    open to its owner, whoever that is, so it asks here)."""
    centres = queries.centres_for(user)
    try:
        meeting = AnalysisMeeting.objects.select_related("centre").get(pk=pk, centre__in=centres)
    except AnalysisMeeting.DoesNotExist:
        raise Http404(_("会议不存在"))
    if write and not authz.in_roles(user, authz.LEADERSHIP):
        raise PermissionDenied(_("只有本中心领导可以修改会议材料和议定事项"))
    return meeting


@login_required
def meeting_list(request):
    centres = queries.centres_for(request.user)
    may_meet = authz.in_roles(request.user, authz.LEADERSHIP)  # the policy's write row of this page
    form = MeetingForm(request.POST or None, initial=_meeting_initial())
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.do_create_meeting(request.user, centre=centres[0], **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已生成会议材料"))
            return redirect("figures:meeting", meeting.pk)
    rows = AnalysisMeeting.objects.filter(centre__in=centres).select_related("centre")[:50]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "figures/meetings.html", {"form": form, "meetings": rows, "may_meet": may_meet}, status=status
    )


def _meeting_initial():
    today = timezone.localdate()
    end = today.replace(day=1) - dt.timedelta(days=1)
    return {"title": _("%(y)s年%(m)s月矛盾纠纷分析研判会") % {"y": today.year, "m": today.month},
            "period_start": end.replace(day=1), "period_end": end, "held_on": today}


def _meeting_context(request, meeting, **forms):
    ctx = pack.context(meeting)
    ctx.update({
        "may_edit": authz.in_roles(request.user, authz.LEADERSHIP),
        "notes_form": forms.get("notes_form") or NotesForm(sections=ctx["sections"], notes=meeting.notes or {}),
        "decision_form": forms.get("decision_form") or DecisionForm(centre=meeting.centre),
        "figures_by_code": {f["code"]: f for f in meeting.pack.get("figures", [])},
    })
    return ctx


@login_required
def meeting_detail(request, pk):
    meeting = _access_meeting(request.user, pk)
    return render(request, "figures/meeting.html", _meeting_context(request, meeting))


@login_required
@require_POST
def meeting_notes(request, pk):
    meeting = _access_meeting(request.user, pk, write=True)
    form = NotesForm(request.POST, sections=[(c, str(l)) for c, l in pack.SECTIONS], notes=meeting.notes or {})
    if form.is_valid():
        try:
            meetings.do_edit_meeting_notes(request.user, meeting, notes=form.cleaned_data)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存研判意见"))
        return redirect("figures:meeting", meeting.pk)
    return render(request, "figures/meeting.html", _meeting_context(request, meeting, notes_form=form), status=400)


@login_required
@require_POST
def meeting_hold(request, pk):
    meeting = _access_meeting(request.user, pk, write=True)
    try:
        meetings.do_hold_meeting(request.user, meeting)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("会议已标记为已召开"))
    return redirect("figures:meeting", meeting.pk)


@login_required
@require_POST
def meeting_decide(request, pk):
    meeting = _access_meeting(request.user, pk, write=True)
    form = DecisionForm(request.POST, centre=meeting.centre)
    if form.is_valid():
        try:
            meetings.do_record_decision(request.user, meeting, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已记录议定事项"))
            return redirect(reverse("figures:meeting", args=[meeting.pk]) + "#decisions")
    return render(request, "figures/meeting.html", _meeting_context(request, meeting, decision_form=form), status=400)


@login_required
def meeting_export(request, pk, fmt):
    meeting = _access_meeting(request.user, pk)
    if fmt == "pdf":
        content, kind = pack.render_pdf(meeting), "application/pdf"
    elif fmt == "xlsx":
        content, kind = pack.render_xlsx(meeting), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    with transaction.atomic():
        record_export(request.user, f"meeting_pack.{fmt}", 1, meeting=meeting.pk)
    response = HttpResponse(content, content_type=kind)
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(f'{meeting.title}.{fmt}')}"
    return response


@login_required
def my_decisions(request):
    """我的督办事项: the decisions the viewer answers for, open first."""
    rows = MeetingDecision.objects.filter(owner=request.user).select_related("meeting").order_by("done", "due_on", "id")
    return render(request, "figures/my_decisions.html", {"decisions": rows, "today": timezone.localdate(),
                                                          "form": DecisionDoneForm()})


@login_required
@require_POST
def decision_done(request, pk):
    try:
        decision = MeetingDecision.objects.select_related("meeting__centre").get(pk=pk)
    except MeetingDecision.DoesNotExist:
        raise Http404
    if decision.owner_id != request.user.pk:
        # Leaders of the centre may report it too (403 for others there); outsiders learn nothing about it (404).
        _access_meeting(request.user, decision.meeting_id, write=True)
    form = DecisionDoneForm(request.POST)
    if form.is_valid():
        try:
            meetings.do_complete_decision(request.user, decision, note=form.cleaned_data["note"])
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已标记完成"))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("figures:my_decisions")
    return redirect(back or reverse("figures:my_decisions"))
