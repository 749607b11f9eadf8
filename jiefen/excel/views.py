from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.cases.actions import ActionError
from jiefen.org import authz

from . import exchange, exports, queries
from .actions import do_record_export, do_submit_import
from .forms import ExportForm, UploadForm
from .kinds import layout_of
from .models import ImportJob


def _import_context(user, form=None):
    start, end = queries.default_period()
    period = {"start": start, "end": end}
    centre = authz.scope_of(user).centre if authz.in_roles(user, authz.DESK) else None
    return {
        "form": form or UploadForm(),
        "may_import": authz.in_roles(user, authz.DESK),  # the policy row of excel:upload
        "kinds": [{"code": code, "label": label, "layout": layout_of(code)} for code, label in ImportJob.Kind.choices],
        "jobs": queries.recent_jobs(user),
        "ledger_form": ExportForm(units=queries.export_units(user, "ledger"), auto_id="ledger_%s", initial=period),
        "visits_form": ExportForm(units=queries.export_units(user, "visits"), auto_id="visits_%s", initial=period),
        "exchange_form": ExportForm(units=[centre], auto_id="exchange_%s", initial=period) if centre else None,
    }


@login_required
def index(request):
    """Excel导入导出: the import form with each kind's columns and template, recent jobs, and the two exports."""
    return render(request, "excel/index.html", _import_context(request.user))


@login_required
@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = do_submit_import(request.user, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("excel:job", job.pk)
    return render(request, "excel/index.html", _import_context(request.user, form), status=400)


@login_required
def template(request, kind):
    if kind not in ImportJob.Kind.values:
        raise Http404
    label = ImportJob.Kind(kind).label
    return _xlsx(exports.template_workbook(kind), _("%(k)s导入模板.xlsx") % {"k": label})


@login_required
def job(request, pk):
    """A job's page; htmx polls its status fragment until it is finished."""
    job = queries.access_job(request.user, pk)
    template = "excel/_job_status.html" if request.htmx else "excel/job.html"
    return render(request, template, {"job": job})


def _export_args(request, what):
    """(unit, start, end) from ?unit=<id>&start=YYYY-MM-DD&end=YYYY-MM-DD; the unit defaults to the user's widest,
    the period to this year so far. _BadRequest with the message for a bad date or period."""
    unit = queries.export_unit(request.user, what, request.GET.get("unit"))
    form = ExportForm(request.GET, units=[unit])
    if not form.is_valid():
        raise _BadRequest("；".join(e for errors in form.errors.values() for e in errors))
    start, end = queries.default_period()
    start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
    if start > end:
        raise _BadRequest(_("结束日期不能早于开始日期"))
    return unit, start, end


class _BadRequest(Exception):
    pass


@login_required
def export_ledger(request):
    """矛盾纠纷排查台账 for a unit and period: ?unit=<id>&from=YYYY-MM-DD&to=YYYY-MM-DD."""
    try:
        unit, start, end = _export_args(request, "ledger")
    except _BadRequest as error:
        return render(
            request, "excel/index.html", {**_import_context(request.user), "export_error": str(error)}, status=400
        )
    reveal = not authz.scope_of(request.user).read_only
    records = queries.ledger_rows(request.user, unit, start, end)
    out, rows = exports.ledger_workbook(unit, start, end, records, reveal=reveal)
    do_record_export(request.user, "ledger", unit, rows=rows, period=f"{start}~{end}", personal_data=reveal)
    return _xlsx(out, _("%(u)s矛盾纠纷排查台账（%(s)s至%(e)s）.xlsx") % {"u": unit.name, "s": start, "e": end})


@login_required
def export_visits(request):
    """入户走访情况登记表 for a unit and period: ?unit=<id>&from=YYYY-MM-DD&to=YYYY-MM-DD."""
    try:
        unit, start, end = _export_args(request, "visits")
    except _BadRequest as error:
        return render(
            request, "excel/index.html", {**_import_context(request.user), "export_error": str(error)}, status=400
        )
    out, rows = exports.visits_workbook(unit, start, end, queries.visit_rows(request.user, unit, start, end))
    do_record_export(request.user, "visits", unit, rows=rows, period=f"{start}~{end}", personal_data=False)
    return _xlsx(out, _("%(u)s入户走访情况登记表（%(s)s至%(e)s）.xlsx") % {"u": unit.name, "s": start, "e": end})


@login_required
def export_exchange(request):
    """上级交办事项 with their results (报结), in the exchange layout the organ above imports: ?start&end, and
    ?format=json for the JSON form (jiefen.excel.exchange)."""
    centre = authz.scope_of(request.user).centre
    if centre is None or not authz.in_roles(request.user, authz.DESK):
        raise PermissionDenied(_("只有乡镇（街道）中心的工作人员可以导出上级交办事项"))
    form = ExportForm(request.GET, units=[centre])
    start, end = queries.default_period()
    if not form.is_valid():
        error = "；".join(e for errors in form.errors.values() for e in errors)
        return render(request, "excel/index.html", {**_import_context(request.user), "export_error": error},
                      status=400)
    start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
    adapter = exchange.Exchange(centre, reveal=True)
    items = adapter.items(start, end)
    as_json = request.GET.get("format") == "json"
    do_record_export(request.user, "exchange", centre, rows=len(items), period=f"{start}~{end}", personal_data=True)
    name = _("%(u)s上级交办事项（%(s)s至%(e)s）") % {"u": centre.name, "s": start, "e": end}
    if as_json:
        response = FileResponse(adapter.to_json(items), as_attachment=True, filename=f"{name}.json",
                                content_type="application/json")
        response["Cache-Control"] = "private, no-store"
        return response
    return _xlsx(adapter.to_xlsx(items, start, end), f"{name}.xlsx")


def _xlsx(handle, filename):
    response = FileResponse(
        handle, as_attachment=True, filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response

