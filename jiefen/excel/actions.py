"""The write path of Excel imports: submitting a workbook, and running the job (by the worker, or inline).

A job checks every row before it writes anything. If any row is bad, or the header is wrong, the job is rejected
with its report and nothing is written; otherwise every row is written in one transaction, with one audit record
for the import carrying its counts.
"""

import logging
from pathlib import PurePath

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases.actions import ActionError
from jiefen.org import authz

from . import exchange
from .kinds import IMPORTERS, RowError
from .models import ImportJob
from .reading import Rejected, Report, find_header
from .sheet import SheetRows, Unreadable

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# How often the progress bar's row is updated while checking (each update is one small committed write).
PROGRESS_EVERY = 2000
XLSX_MAGIC = b"PK\x03\x04"


def import_centre(user):
    """The township `user` imports into; ActionError if their role may not import."""
    if not authz.in_roles(user, authz.DESK):
        raise ActionError(_("只有中心的接待员、领导和主任可以导入数据"))
    centre = authz.scope_of(user).centre
    if centre is None:
        raise ActionError(_("您的账号未归属任何乡镇（街道）矛调中心"))
    return centre


@transaction.atomic
def do_submit_import(user, *, kind, file):
    """Queue workbook `file` for import as `kind`; the worker (or run_import) processes it. Returns the job."""
    centre = import_centre(user)
    if kind not in ImportJob.Kind.values:
        raise ActionError(_("请选择导入内容"), field="kind")
    if file is None:
        raise ActionError(_("请选择要导入的Excel文件"), field="file")
    name = PurePath(file.name or "").name
    if file.size > MAX_UPLOAD_BYTES:
        raise ActionError(_("文件超过50MB，请分批导入"), field="file")
    if kind == ImportJob.Kind.HANDOVERS and name.lower().endswith(".json"):
        try:  # the exchange file's JSON form (jiefen.excel.exchange): refused here if it is not one
            exchange.parse(file.read())
        except exchange.Unreadable as error:
            raise ActionError(error.message, field="file")
        file.seek(0)
    else:
        if not name.lower().endswith(".xlsx"):
            raise ActionError(_("只能导入 .xlsx 格式的Excel文件（旧版 .xls 请先另存为 .xlsx）"), field="file")
        head = file.read(4)
        file.seek(0)
        if head != XLSX_MAGIC:
            raise ActionError(_("文件不是有效的 .xlsx 文件，请用Excel或WPS重新保存后再上传"), field="file")
    job = ImportJob.objects.create(
        kind=kind, file=file, file_name=name[:200], centre=centre, uploaded_by=user, created_at=timezone.now(),
    )
    record(user, "import.submit", job, kind=kind, file=name)
    return job


def claim_next():
    """Claim the oldest queued job (a conditional update: two workers never run the same job), or None."""
    for job in ImportJob.objects.filter(status=ImportJob.Status.QUEUED).order_by("created_at", "id")[:5]:
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now()
        )
        if claimed:
            job.refresh_from_db()
            return job
    return None


def run_queued_imports(limit=10):
    """Run queued jobs one after another (the worker's hook); return how many ran."""
    ran = 0
    while ran < limit:
        job = claim_next()
        if job is None:
            break
        run_import(job)
        ran += 1
    return ran


def run_import(job):
    """Check every row of `job`'s workbook, then write them all or nothing. Returns the job, finished."""
    if job.status == ImportJob.Status.QUEUED:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
        job.status = ImportJob.Status.RUNNING
    importer = IMPORTERS[job.kind](job)
    try:
        rows = _check(job, importer)
    except Rejected as rejection:
        return _reject(job, rejection.message, [])
    except _BadRows as bad:
        return _reject(job, bad.message, bad.report.items, count=bad.report.count)
    try:
        with transaction.atomic():
            written = importer.write(rows)
            job.written_rows = written
            job.processed_rows = len(rows)
            job.status = ImportJob.Status.DONE
            job.message = _("已导入%(n)s行") % {"n": written}
            job.finished_at = timezone.now()
            job.save(update_fields=["written_rows", "processed_rows", "status", "message", "finished_at"])
            record(job.uploaded_by, f"import.{job.kind}", job, rows=written, file=job.file_name)
    except RowError as error:
        return _reject(
            job,
            _("第%(row)s行无法导入，文件未导入：%(m)s") % {"row": error.row, "m": error.message},
            [{"row": error.row, "column": error.column, "message": error.message}],
        )
    except (IntegrityError, DatabaseError):
        logger.exception("import %s failed while writing", job.pk)
        return _reject(
            job, _("写入时发生数据冲突（可能有人同时导入或登记了相同的数据），文件未导入，请稍后重新上传"), []
        )
    return job


class _BadRows(Exception):
    def __init__(self, message, report):
        super().__init__(message)
        self.message, self.report = message, report


def _check(job, importer):
    """Every clean (row number, value) of the workbook, or _BadRows with the whole report."""
    report = Report()
    job.file.open("rb")
    try:
        reader = exchange.JsonRows if job.file_name.lower().endswith(".json") else SheetRows
        with reader(job.file) as sheet:
            rows = iter(sheet)
            positions, header_row, after_header = find_header(rows, importer.layout)
            total = max(sheet.max_row - header_row, 0)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=0)
            job.total_rows = total
            importer.prepare()
            clean, first_seen, number = [], {}, header_row
            for cells in _chain(after_header, rows):
                number += 1
                if not cells or all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue
                width = len(cells)
                row = {name: (cells[i] if i < width else None) for name, i in positions.items()}
                problems = []
                value = importer.clean(
                    row, lambda column, message, problems=problems: problems.append((column, message))
                )
                for column, message in problems:
                    report.add(number, column, message)
                if value is not None and not problems:
                    key = importer.key(value)
                    if key in first_seen:
                        report.add(number, importer.key_column, importer.duplicate_message(first_seen[key]))
                    else:
                        first_seen[key] = number
                        clean.append((number, value))
                if number % PROGRESS_EVERY == 0:
                    ImportJob.objects.filter(pk=job.pk).update(processed_rows=number - header_row)
    except Unreadable:
        raise Rejected(_("无法读取该文件，请确认是用Excel或WPS保存的 .xlsx 文件"))
    except exchange.Unreadable as error:
        raise Rejected(error.message)
    finally:
        job.file.close()
    checked = number - header_row
    if not report and not clean:
        raise Rejected(_("文件中没有数据行"))
    if not report:
        existing = importer.existing([value for _n, value in clean])
        if existing:
            for row_number, value in clean:
                if importer.key(value) in existing:
                    report.add(row_number, importer.key_column, importer.existing_message())
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=checked, total_rows=max(job.total_rows, checked))
    job.processed_rows, job.total_rows = checked, max(job.total_rows, checked)
    if report:
        raise _BadRows(
            _("共检查%(rows)s行，发现%(n)s处错误，整个文件未导入。请按错误报告修改后重新上传。")
            % {"rows": checked, "n": report.count},
            report,
        )
    return clean


def _chain(first, rest):
    yield from first
    yield from rest


def _reject(job, message, errors, count=None):
    with transaction.atomic():
        job.status = ImportJob.Status.REJECTED
        job.message = message[:300]
        job.errors = errors
        job.error_count = count if count is not None else max(len(errors), 1)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "errors", "error_count", "finished_at"])
        record(
            job.uploaded_by, f"import.{job.kind}", job, result="rejected", errors=job.error_count, file=job.file_name
        )
    return job


def do_record_export(user, what, unit, *, rows, period, personal_data):
    """One audit record for an export: who took which rows out of the system, and whether with ID numbers and
    phones in full."""
    return record(user, f"export.{what}", unit, rows=rows, period=period, personal_data=personal_data)
