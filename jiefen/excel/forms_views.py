"""表单台账: the page of standard forms and ledgers, their files, and the progress of a large export.

Access: the policy rows of excel:forms and its files (jiefen.policy) say who may open them; the rows come through
the case scope (jiefen.cases.access) and the masking of jiefen.excel.registers.
"""

import datetime as dt
import re
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jiefen.cases.access import access_case, cases_for
from jiefen.cases.filters import day_start
from jiefen.cases.models import Channel, Event
from jiefen.cases.widgets import DateInput
from jiefen.org import authz

from . import forms_ledgers as files
from .exports import _cn_date, period_text
from .models import ExportJob
from .queries import default_period
from .registers import REGISTERS, CaseLedger, ContactRegister, TooMany

MAX_PERIOD_DAYS = 366
EARLIEST = dt.date(2000, 1, 1)  # no register goes back further; and no date near the calendar's ends
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_ERRORS = {"invalid": gettext_lazy("日期格式不正确，请按“2026-01-31”的格式填写")}


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("统计期间自"), widget=DateInput, required=False,
                            error_messages=DATE_ERRORS)
    end = forms.DateField(label=gettext_lazy("至"), widget=DateInput, required=False, error_messages=DATE_ERRORS)
    centre = forms.TypedChoiceField(label=gettext_lazy("乡镇（街道）"), coerce=int, required=False, empty_value=None)
    reveal = forms.BooleanField(label=gettext_lazy("显示完整身份证号和电话"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = authz.scope_of(user)
        if len(scope.centres) > 1:
            self.fields["centre"].choices = [("", _("全部乡镇"))] + [(c.pk, c.name) for c in scope.centres]
        else:
            del self.fields["centre"]
        if scope.read_only:  # the supervisor reads masked values only (access.may_reveal)
            del self.fields["reveal"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default_start, default_end = default_period()
        start, end = data.get("start") or default_start, data.get("end") or default_end
        if start < EARLIEST or end > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError(_("统计期间须在2000年至明年之间"))
        if start > end:
            raise forms.ValidationError(_("结束日期不能早于开始日期"))
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("统计期间不能超过一年，请分段导出"))
        data["start"], data["end"] = start, end
        return data


def _period(request):
    """(form, start, end, centres, heading unit name); form.errors when the period is bad."""
    form = PeriodForm(request.GET or None, user=request.user)
    scope = authz.scope_of(request.user)
    start, end = default_period()
    centres, where = list(scope.centres), scope.centre or scope.unit
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        chosen = form.cleaned_data.get("centre")
        if chosen:
            centres = [c for c in scope.centres if c.pk == chosen]
            where = centres[0] if centres else where
    return form, start, end, centres, where.name if where else ""


def _errors(form):
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def _page(request, *, error="", status=200):
    form, start, end, centres, _where = _period(request)
    if form.is_bound and not form.is_valid():
        error, status = error or _errors(form), 400
    user = request.user
    scope = authz.scope_of(user)
    in_period = {"at__gte": day_start(start), "at__lt": day_start(end + dt.timedelta(days=1))}
    events = Event.objects.filter(case__in=cases_for(user).filter(centre__in=centres), **in_period)
    events = events.select_related("case")
    supervised = events.filter(kind=files.SUPERVISE).order_by("-at", "-id")[:100]
    handed_down = (
        events.filter(kind="hand_down").exclude(data__has_key="from_file").select_related("case__handover")
        .order_by("-at", "-id")[:100]
    )
    number = (request.GET.get("case") or "").strip()[:32]
    return render(request, "excel/forms/index.html", {
        "form": form, "error": error, "start": start, "end": end, "period": period_text(start, end),
        "case_list_url": reverse("case_list"), "pdf_max": files.PDF_MAX_ROWS,
        "case_number": number, "found": _case_forms(user, number) if number else None,
        # The policy rows of the registers (CENTRE_READ) and of the dispute ledger export (GRID).
        "may_register": authz.in_roles(user, authz.CENTRE_READ),
        "may_dispute_ledger": authz.in_roles(user, authz.GRID),
        "may_reveal": not scope.read_only,
        "supervised": list(supervised), "handed_down": list(handed_down),
    }, status=status)


def _case_forms(user, number):
    """The forms case `number` has, or None if the user may not see it (the same answer as no such case)."""
    try:
        case = access_case(user, number)
    except Http404:
        return None
    return {
        "case": case,
        "visit": case.contacts.filter(channel=Channel.VISIT).exists(),
        "supervised": files.supervision_events(case).exists(),
        "handover_slip": case.events.filter(kind="hand_down").exclude(data__has_key="from_file").exists(),
    }


@login_required
@require_GET
def index(request):
    """表单台账: every standard form and ledger the user may print, with the period they cover."""
    return _page(request)


@login_required
@require_GET
def export_cases(request):
    """信访事项办理台账 of the case list with its filters (the list's own query string): ?format=xlsx|pdf&reveal=1.

    Up to SYNC_ROWS rows the workbook is the answer; past it an export job writes it and its page shows progress."""
    params = request.GET.copy()
    fmt = params.pop("format", ["xlsx"])[-1]
    reveal = params.pop("reveal", [""])[-1] in ("1", "on", "true")
    params.pop("page", None)
    # From the forms page: its period is the list's registration dates.
    for period, name in (("start", "date_from"), ("end", "date_to")):
        if period in params:
            params.setlist(name, params.pop(period))
    cases, form, printed, audited = files.case_list_filters(request.user, params)
    if form.is_bound and not form.is_valid():
        return _page(request, error=_("筛选条件有误：%(e)s") % {"e": _errors(form)}, status=400)
    user = request.user
    if fmt == "pdf":
        ledger = CaseLedger(user, cases, reveal=reveal, limit=files.PDF_MAX_ROWS)
        pdf = files.register_pdf(
            ledger.register, ledger.rows(), title=files.case_ledger_title(user),
            lines=[_("筛选条件：%(f)s") % {"f": printed or _("全部案件")}], total=ledger.total,
            issuer=_where(user),
        )
        files.audit_export(user, "信访事项办理台账.pdf", ledger, filters=audited)
        return _pdf(pdf, f"{files.case_ledger_title(user)}.pdf")
    if cases.order_by()[: files.SYNC_ROWS + 1].count() > files.SYNC_ROWS:
        job = files.do_queue_case_export(user, params, reveal=reveal)
        return redirect("excel:export_job", job.pk)
    try:
        ledger = CaseLedger(user, cases, reveal=reveal)
    except TooMany as many:  # not reached below SYNC_ROWS; kept for a lowered limit
        return _page(request, error=files.too_many_message(many.count), status=400)
    out = files.workbook(ledger.register, ledger.rows(), title=files.case_ledger_title(user),
                         lines=files.case_ledger_lines(user, printed))
    files.audit_export(user, "信访事项办理台账.xlsx", ledger, filters=audited)
    return _xlsx(out, f"{files.case_ledger_title(user)}（{timezone.localdate().isoformat()}）.xlsx")


def _where(user):
    scope = authz.scope_of(user)
    unit = scope.centre or scope.unit
    return _("%(u)s矛盾纠纷调处化解中心") % {"u": unit.name} if scope.centre else (unit.name if unit else "")


def _register(code):
    @login_required
    @require_GET
    def view(request):
        form, start, end, centres, where = _period(request)
        if form.is_bound and not form.is_valid():
            return _page(request, status=400)
        reveal = bool(form.is_bound and form.cleaned_data.get("reveal"))
        pdf = request.GET.get("format") == "pdf"
        register = REGISTERS[code]
        rows = ContactRegister(request.user, code, centres, start, end, reveal=reveal,
                               limit=files.PDF_MAX_ROWS if pdf else None)
        title = f"{where}{register.title}"
        period = _("统计期间：%(p)s") % {"p": period_text(start, end)}
        name = f"{title}（{start}至{end}）"
        details = {"period": f"{start}~{end}", "centres": [c.pk for c in centres]}
        if pdf:
            content = files.register_pdf(register, rows.rows(), title=title, lines=[period], total=rows.total,
                                         issuer=_where(request.user))
            files.audit_export(request.user, f"{register.title}.pdf", rows, **details)
            return _pdf(content, f"{name}.pdf")
        out = files.workbook(register, rows.rows(), title=title, lines=[
            _("填报单位：%(u)s") % {"u": where}, None, None, period, None, None, None,
            _("填报日期：%(d)s") % {"d": _cn_date(timezone.localdate())},
        ])
        files.audit_export(request.user, f"{register.title}.xlsx", rows, **details)
        return _xlsx(out, f"{name}.xlsx")

    view.__name__ = f"{code}_register"
    view.__doc__ = f"{REGISTERS[code].title} of a period: ?start&end&centre&format=xlsx|pdf&reveal=1."
    return view


visits_register = _register("visits")
letters_register = _register("letters")
receptions_register = _register("receptions")


@login_required
@require_GET
def visit_form(request, number):
    """来访登记表 of a case (its first visit), one page: ?reveal=1 for full ID numbers and phones (audited)."""
    case = access_case(request.user, number)
    pdf = files.visit_form_pdf(request.user, case, reveal=request.GET.get("reveal") in ("1", "on"))
    if pdf is None:
        raise Http404(_("本案没有来访记录"))
    return _pdf(pdf, f"来访登记表-{case.number}.pdf")


@login_required
@require_GET
def supervision_letter(request, number):
    """督办函 of a case's escalation: the latest, or ?event=<id> of one of its 超期督办 events."""
    case = access_case(request.user, number)
    events = files.supervision_events(case)
    event_id = request.GET.get("event")
    if event_id:
        events = events.filter(pk=int(event_id) if re.fullmatch(r"[0-9]{1,9}", event_id) else None)
    event = events.first()
    if event is None:
        raise Http404(_("本案没有超期督办记录"))
    return _pdf(files.supervision_letter_pdf(case, event), f"督办函-{case.number}.pdf")


# Export jobs ---------------------------------------------------------------------------------------------------------


def _own_job(user, pk):
    job = ExportJob.objects.filter(pk=pk, requested_by=user).first()
    if job is None:
        raise Http404(_("导出任务不存在"))
    return job


@login_required
@require_GET
def export_job(request, pk):
    """An export job's page; htmx polls its status fragment until the file is ready."""
    job = _own_job(request.user, pk)
    template = "excel/forms/_export_job_status.html" if request.htmx else "excel/forms/export_job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def export_job_run(request, pk):
    """Run a queued job now, in this request (the job page asks for it as it opens): the page polls its progress
    meanwhile. A job a worker (forms_ledgers.run_queued_exports) or another tab has taken is left to it."""
    job = _own_job(request.user, pk)
    if files.claim(job):
        files.run_export(job)
    return HttpResponse(status=204)


@login_required
@require_GET
def export_job_file(request, pk):
    job = _own_job(request.user, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404(_("文件尚未生成"))
    return _xlsx(job.file.open("rb"), job.file_name)


def _pdf(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx(handle, filename):
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response
