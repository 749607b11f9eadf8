"""The standard forms and ledgers (表单台账) as files: the registers (jiefen.excel.registers) written to .xlsx and
PDF, the one-page 来访登记表 of a case, the 督办函 of a supervised case, and large exports run as jobs.

Workbooks are written with openpyxl's write_only mode into a temporary file (exports._Sheet), row by row as the
registers read them: memory stays flat however many rows. A PDF prints at most PDF_MAX_ROWS rows and says so.
Every ledger export writes one audit record (what, how many rows, the filters, whether ID numbers and phones went
out in full; never the values); a form printed unmasked writes one reveal record.
"""

import datetime as dt
import logging
import re

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from weasyprint import HTML

from jiefen.audit.records import record_export, record_reveal
from jiefen.cases.access import may_reveal, may_see_identity
from jiefen.cases.filters import EMPTY, CaseFilter
from jiefen.cases.models import Channel, Event, Party
from jiefen.cases.notices import ISSUER_MAX_SIZE_MM, TYPE_AREA_WIDTH_MM, offline_url_fetcher
from jiefen.cases.personal import mask_id_number, mask_name, mask_phone
from jiefen.cases.queries import case_list
from jiefen.clocks.models import ClockRule
from jiefen.leadership.models import CaseOwner
from jiefen.org import authz
from jiefen.org.organs import organ_of

from .exports import HEADER_FONT, TITLE_FONT, _cn_date, _Sheet
from .models import ExportJob
from .registers import CHUNK, CaseLedger, TooMany

logger = logging.getLogger(__name__)

# Up to this many rows the 信访事项办理台账 is written in the request; past it, by an export job with its progress.
SYNC_ROWS = 5000
PDF_MAX_ROWS = 500
PDF_REQUEST_CHARS = 60
NOWRAP = ("案件编号", "联系电话", "来访时间", "最近期限")
# A job's file holds personal data: kept this long for its download, then deleted (purge_old_exports).
EXPORT_KEEP = dt.timedelta(days=1)


# Files ---------------------------------------------------------------------------------------------------------------


def workbook(register, rows, *, title, lines, progress=None):
    """A register as .xlsx (an open temporary file): title, the lines under it, the header, the rows.
    `progress(n)` is called every CHUNK rows."""
    sheet = _Sheet(str(register.title), register.columns)
    sheet.sheet.append([sheet.cell(title, font=TITLE_FONT)])
    sheet.sheet.append(lines)
    sheet.sheet.append([sheet.cell(name, font=HEADER_FONT) for name, _width in register.columns])
    for count, row in enumerate(rows, start=1):
        sheet.sheet.append([sheet.date(v) if isinstance(v, dt.date) else v for v in row])
        if progress is not None and count % CHUNK == 0:
            progress(count)
    return sheet.save()


def register_pdf(register, rows, *, title, lines, total, issuer):
    """A register as a landscape PDF table; only the first PDF_MAX_ROWS rows (the source's limit), said so."""
    printed = [
        [v.isoformat() if isinstance(v, dt.date) else ("" if v is None else str(v)) for v in row] for row in rows
    ]
    request_at = [i for i, (name, _w) in enumerate(register.columns) if name in ("诉求", "反映问题", "来信事由")]
    for row in printed:
        for i in request_at:
            row[i] = Truncator(" ".join(row[i].split())).chars(PDF_REQUEST_CHARS)
    context = {
        "title": title, "lines": [line for line in lines if line], "issuer": issuer,
        "columns": [name for name, _w in register.columns], "rows": printed, "total": total,
        "capped": total > len(printed), "printed_on": _cn_date(timezone.localdate()),
        # Numbers and dates are read whole: never broken across lines.
        "nowrap": [i for i, (name, _w) in enumerate(register.columns) if name in NOWRAP or "日期" in name],
    }
    html = render_to_string("excel/forms/register_pdf.html", context)
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()


# The 信访事项办理台账 of a case list ---------------------------------------------------------------------------


def case_list_filters(user, params):
    """(the case list's queryset, the filters as printed, the filters as audited) for query string `params`.

    The same CaseFilter and queries.case_list as the list page: the export has exactly the list's rows. A filter
    that does not validate is dropped there too (the list shows every case): here it is refused by the caller."""
    form = CaseFilter(params, user=user).form
    filters = form.filters() if form.is_bound else {}
    printed, audited = [], {}
    for name, value in filters.items():
        if value in EMPTY or name == "sort" or name not in form.fields:
            continue
        field = form.fields[name]
        if value is True:
            shown = _("是")
        elif isinstance(value, dt.date):
            shown = value.isoformat()
        elif hasattr(value, "pk") or not hasattr(field, "choices"):
            shown = str(value)
        else:
            shown = str(dict(field.choices).get(value, value))
        printed.append(f"{field.label}：{shown}")
        # The keyword may be a name or a phone number typed in: the audit notes that there was one, not what.
        audited[name] = True if name == "q" else (value.pk if hasattr(value, "pk") else str(value))
    return case_list(user, **filters).qs, form, "；".join(printed), audited


def case_ledger_lines(user, printed):
    scope = authz.scope_of(user)
    where = scope.centre.name if scope.centre else (scope.unit.name if scope.unit else "")
    return [
        _("填报单位：%(u)s") % {"u": where}, None, None, _("筛选条件：%(f)s") % {"f": printed or _("全部案件")},
        None, None, None, None, None, None, _("填报日期：%(d)s") % {"d": _cn_date(timezone.localdate())},
    ]


def case_ledger_title(user):
    scope = authz.scope_of(user)
    where = scope.centre.name if scope.centre else (scope.unit.name if scope.unit else "")
    return _("%(u)s信访事项办理台账") % {"u": where}


def audit_export(user, what, ledger, **details):
    """The one audit record of a ledger export."""
    revealed = ledger.masker.revealed
    return record_export(user, what, ledger.count, personal_data=bool(revealed), revealed_rows=revealed, **details)


# Export jobs ---------------------------------------------------------------------------------------------------------


def do_queue_case_export(user, params, *, reveal):
    """Queue the 信访事项办理台账 of the case list `params` (a QueryDict) for `user`; returns the job."""
    purge_old_exports()
    return ExportJob.objects.create(
        kind="cases", requested_by=user, params={k: params.getlist(k) for k in params if k != "page"},
        reveal=reveal, created_at=timezone.now(),
    )


def claim(job):
    """Take `job` if still queued (a conditional update: a page and a worker never both run it)."""
    return bool(ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now()
    ))


# A job a page started and whose request died (a server timeout) goes back to the queue after this long.
RUNNING_LEASE = dt.timedelta(minutes=15)


def run_queued_exports(limit=5):
    """The worker's round (beside jiefen.excel.actions.run_queued_imports): delete what is past EXPORT_KEEP, put back
    in the queue a job whose run died, and run queued jobs, oldest first."""
    purge_old_exports()
    ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, started_at__lt=timezone.now() - RUNNING_LEASE
    ).update(status=ExportJob.Status.QUEUED, processed_rows=0)
    ran = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.QUEUED).order_by("created_at", "id")[:limit]:
        if claim(job):
            run_export(job)
            ran += 1
    return ran


def run_export(job):
    """Write the job's workbook, committing its progress every CHUNK rows; store it and audit it. Returns the job."""
    user = job.requested_by
    params = QueryDict(mutable=True)
    for key, values in job.params.items():
        params.setlist(key, values)
    try:
        cases, _form, printed, audited = case_list_filters(user, params)
        ledger = CaseLedger(user, cases, reveal=job.reveal)
        ExportJob.objects.filter(pk=job.pk).update(total_rows=ledger.count)
        out = workbook(
            ledger.register, ledger.rows(), title=case_ledger_title(user), lines=case_ledger_lines(user, printed),
            progress=lambda n: ExportJob.objects.filter(pk=job.pk).update(processed_rows=n),
        )
    except TooMany as many:
        return _finish(job, ExportJob.Status.FAILED, too_many_message(many.count))
    except Exception:
        logger.exception("export %s failed", job.pk)
        return _finish(job, ExportJob.Status.FAILED, _("生成失败，请稍后重试或缩小筛选范围"))
    with out, transaction.atomic():
        name = _("%(t)s（%(d)s）.xlsx") % {"t": case_ledger_title(user), "d": timezone.localdate().isoformat()}
        job.file.save(f"cases-{job.pk}.xlsx", File(out), save=False)
        job.file_name, job.total_rows, job.processed_rows = name, ledger.count, ledger.count
        audit_export(user, "信访事项办理台账.xlsx", ledger, filters=audited, job=job.pk)
        return _finish(job, ExportJob.Status.DONE, _("已导出%(n)s行") % {"n": ledger.count})


def _finish(job, status, message):
    job.status, job.message, job.finished_at = status, message[:300], timezone.now()
    # The keyword searched for may be a name, a phone or an ID number: not kept once the job has read it.
    job.params = {k: v for k, v in job.params.items() if k != "q"}
    job.save(update_fields=[
        "status", "message", "finished_at", "file", "file_name", "total_rows", "processed_rows", "params",
    ])
    return job


def too_many_message(count):
    return _("符合条件的案件超过%(max)s件，请缩小筛选范围（如按登记日期分段）后再导出") % {"max": f"{count - 1:,}"}


def purge_old_exports():
    """Delete the files (and rows) of export jobs older than EXPORT_KEEP: they hold personal data."""
    for job in ExportJob.objects.filter(created_at__lt=timezone.now() - EXPORT_KEEP):
        if job.file:
            job.file.delete(save=False)
        job.delete()


# 来访登记表 of a case -------------------------------------------------------------------------------------------------


def visit_form_pdf(user, case, *, reveal=False):
    """来访登记表 of `case` (its first visit): one page. ID numbers and phones masked unless `reveal` is asked for
    and allowed (then one reveal record); an accuser's identity withheld from whoever may not see it."""
    visit = case.contacts.filter(channel=Channel.VISIT).select_related("recorded_by", "receiving_leader").first()
    if visit is None:
        return None
    identity = may_see_identity(user, case)
    full = reveal and may_reveal(user, case)
    parties = list(case.parties.order_by("id"))

    def shown(party):
        if not identity and party.role != Party.Role.RESPONDENT:
            return {"role": party.get_role_display(), "name": mask_name(party.name), "id_number": "", "phone": "",
                    "address": ""}
        return {
            "role": party.get_role_display(), "name": party.name, "address": party.address,
            "id_number": party.id_number if full else mask_id_number(party.id_number),
            "phone": party.phone if full else mask_phone(party.phone),
        }

    unit = case.pending_unit or case.responsible_unit
    at = visit.occurred_at
    context = {
        "title": _("来访登记表"),
        "place": _("%(centre)s矛盾纠纷调处化解中心") % {"centre": case.centre.name},
        "case_number": case.number,
        "visited_at": f"{_cn_date(timezone.localdate(at))} {timezone.localtime(at):%H:%M}",
        "head_count": visit.head_count,
        "is_group": case.is_group,
        "applicants": [shown(p) for p in parties if p.role != Party.Role.RESPONDENT],
        "respondents": [shown(p) for p in parties if p.role == Party.Role.RESPONDENT],
        "category": case.category.name,
        "legal_class": case.get_legal_class_display(),
        "village": case.village.name if case.village_id else "",
        "request": case.request,
        "facts": case.facts,
        "contact_count": case.contact_count,
        "recorded_by": visit.recorded_by.display_name,
        "receiving_leader": visit.receiving_leader.display_name if visit.receiving_leader_id else "",
        "status": case.get_status_display(),
        "unit": unit.name if unit else "",
        "note": visit.note,
        "full": full,
    }
    if full:
        with transaction.atomic():
            record_reveal(user, case, "id_number,phone", document="来访登记表")
    html = render_to_string("excel/forms/visit_form_pdf.html", context)
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()


# 督办函 of a supervised case -----------------------------------------------------------------------------------------

SUPERVISE = "supervise"  # the timeline event of an escalation (jiefen.notify.actions.do_escalate_case)


def supervision_events(case):
    return case.events.filter(kind=SUPERVISE).order_by("-at", "-id")


def supervision_letter_number(case, event):
    """青山镇信访督〔2026〕3号: the escalation's place among the township's escalations of that year, oldest first.

    Derived, not stored: escalation events are never deleted nor moved, so the number is the same on every print."""
    organ = organ_of(case.centre)
    year = timezone.localtime(event.at).year
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    earlier = Event.objects.filter(kind=SUPERVISE, case__centre=case.centre, at__gte=start).filter(
        Q(at__lt=event.at) | Q(at=event.at, id__lt=event.id)
    ).count()
    return _("%(code)s督〔%(year)s〕%(n)s号") % {"code": organ.doc_code, "year": year, "n": earlier + 1}


def supervision_letter_pdf(case, event):
    """督办函 of escalation `event` of `case`, issued by the township's organ (its 人民政府, or the unit named in the
    admin as the organ): to the responsible unit, naming no petitioner (an accuser is never sent on, 信访工作条例
    第三十条第三款)."""
    organ = organ_of(case.centre)
    rule = ClockRule.objects.filter(code=event.data.get("rule")).first()
    clock = rule.name if rule else _("办理期限")
    basis = re.split(r"[：:]", rule.legal_basis, maxsplit=1)[0].strip() if rule and rule.legal_basis else ""
    due = dt.date.fromisoformat(event.data["due_on"]) if event.data.get("due_on") else None
    owners = [o.leader.display_name for o in CaseOwner.objects.filter(case=case).select_related("leader")]
    issuer = organ.name
    context = {
        "title": _("督办函"),
        "issuer": issuer,
        "issuer_size_mm": min(ISSUER_MAX_SIZE_MM, round(TYPE_AREA_WIDTH_MM * 0.94 / max(len(issuer), 1), 1)),
        "doc_number": supervision_letter_number(case, event),
        "assigned": case.responsible_unit_id is not None,
        "addressee": case.responsible_unit.name if case.responsible_unit_id
        else _("%(centre)s矛盾纠纷调处化解中心") % {"centre": case.centre.name},
        "case_number": case.number,
        "case_kind": case.get_kind_display(),
        "request_summary": Truncator(" ".join(case.request.split())).chars(56),
        "responsible_unit": case.responsible_unit.name if case.responsible_unit_id else _("未交办"),
        "owners": "、".join(owners),
        "clock": clock,
        "basis": basis,
        "due_on": _cn_date(due) if due else "",
        "overdue_days": event.data.get("overdue_working_days", ""),
        "issued_on": _cn_date(timezone.localdate(event.at)),
    }
    html = render_to_string("excel/forms/supervision_letter_pdf.html", context)
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
