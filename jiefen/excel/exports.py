"""Workbooks the township reports upward, and the blank import templates.

Every export has the same layout: a title row ("青山镇矛盾纠纷排查化解台账"), a row with 填报单位 and 统计期间,
the Chinese column headers, then one row per item with 序号 first. Written with openpyxl's write_only mode into
a temporary file, so a year of a county's visits never sits in memory as cells.
"""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from jiefen.cases.models import FOLLOW_UP_RESULTS
from jiefen.cases.personal import mask_id_number, mask_phone
from jiefen.grid.models import DisputeKind, Finding, RiskLevel

from .kinds import layout_of
from .queries import follow_up_results

TITLE_FONT = Font(size=16, bold=True)
HEADER_FONT = Font(bold=True)
DATE_FORMAT = "yyyy-mm-dd"

LEDGER_COLUMNS = [
    ("序号", 6), ("案件编号", 18), ("排查日期", 12), ("村（社区）", 10), ("纠纷类型", 10), ("风险等级", 8),
    ("当事人", 14), ("身份证号", 21), ("联系电话", 14), ("对方当事人", 14), ("纠纷简要情况", 40),
    ("责任调解员", 10), ("办理状态", 14), ("履行情况", 12),
]
VISIT_COLUMNS = [
    ("序号", 8), ("走访日期", 12), ("村（社区）", 10), ("网格", 14), ("户主姓名", 10), ("住址", 24), ("走访人", 10),
    ("走访情况", 12), ("情况记录", 40), ("案件编号", 18),
]


def _cn_date(day):
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def period_text(start, end):
    return _("%(start)s至%(end)s") % {"start": _cn_date(start), "end": _cn_date(end)}


class _Sheet:
    def __init__(self, title, columns):
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(title=title[:31])
        for index, (_name, width) in enumerate(columns):
            self.sheet.column_dimensions[_letter(index)].width = width
        self.columns = columns

    def cell(self, value, **style):
        cell = WriteOnlyCell(self.sheet, value=value)
        for key, val in style.items():
            setattr(cell, key, val)
        return cell

    def head(self, title, unit, start, end):
        self.sheet.append([self.cell(title, font=TITLE_FONT)])
        self.sheet.append([
            _("填报单位：%(u)s") % {"u": unit.name}, None, None,
            _("统计期间：%(p)s") % {"p": period_text(start, end)}, None, None, None,
            _("填报日期：%(d)s") % {"d": _cn_date(timezone.localdate())},
        ])
        self.sheet.append([self.cell(name, font=HEADER_FONT, alignment=Alignment(horizontal="center"))
                           for name, _width in self.columns])

    def date(self, day):
        return self.cell(day, number_format=DATE_FORMAT) if day else None

    def save(self):
        out = tempfile.TemporaryFile()  # noqa: SIM115 (returned open: the caller streams and closes it)
        self.book.save(out)
        out.seek(0)
        return out


def _letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def ledger_workbook(unit, start, end, records, *, reveal=True):
    """The dispute ledger (矛盾纠纷排查台账) of `unit` for the period: (file, row count).

    ID numbers and phones are written in full for staff who may reveal them (the export is audited; a re-import
    needs them whole), masked for read-only roles."""
    sheet = _Sheet(_("矛盾纠纷排查台账"), LEDGER_COLUMNS)
    sheet.head(_("%(u)s矛盾纠纷排查化解台账") % {"u": unit.name}, unit, start, end)
    kinds, risks = dict(DisputeKind.choices), dict(RiskLevel.choices)
    count = 0
    for chunk in _chunks(records, 500):
        follow_ups = follow_up_results([r.case_id for r in chunk])
        for record in chunk:
            count += 1
            case = record.case
            parties = list(case.parties.all())
            applicants = [p for p in parties if p.role != p.Role.RESPONDENT]
            respondents = [p for p in parties if p.role == p.Role.RESPONDENT]
            ids = [p.id_number if reveal else mask_id_number(p.id_number) for p in applicants]
            phone = applicants[0].phone if applicants else ""
            phone = phone if reveal else mask_phone(phone)
            follow_up = follow_ups.get(case.pk)
            sheet.sheet.append([
                count, case.number, sheet.date(record.found_on), case.village.name if case.village else "",
                str(kinds.get(record.dispute_kind, record.dispute_kind)), str(risks.get(record.risk_level, "")),
                "、".join(p.name for p in applicants), "、".join(ids) if any(ids) else "",
                phone, "、".join(p.name for p in respondents), case.request,
                record.mediator.name if record.mediator else "", str(case.get_status_display()),
                str(FOLLOW_UP_RESULTS.get(follow_up.get("result"), "")) if follow_up else "",
            ])
    return sheet.save(), count


def visits_workbook(unit, start, end, rows):
    """The household-visit log (入户走访情况登记表) of `unit` for the period: (file, row count)."""
    sheet = _Sheet(_("入户走访记录"), VISIT_COLUMNS)
    sheet.head(_("%(u)s入户走访情况登记表") % {"u": unit.name}, unit, start, end)
    findings = {code: str(label) for code, label in Finding.choices}
    count = 0
    for visited_on, village, grid, head, address, visitor, finding, note, case_number in rows.iterator(chunk_size=2000):
        count += 1
        sheet.sheet.append([
            count, sheet.date(visited_on), village, grid, head, address, visitor, findings.get(finding, finding), note,
            case_number or "",
        ])
    return sheet.save(), count


def template_workbook(kind):
    """A blank import template: the header row on the first sheet, what each column takes on the second."""
    layout = layout_of(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = _("导入数据")
    sheet.append([c.name for c in layout.columns])
    for index, column in enumerate(layout.columns):
        sheet.cell(row=1, column=index + 1).font = HEADER_FONT
        sheet.column_dimensions[_letter(index)].width = max(10, len(column.name) * 2 + 4)
        # ID numbers and phones typed into a number cell lose digits: the template's columns are text.
        if column.name in ("身份证号", "联系电话", "网格编码"):
            for row in range(2, 2002):
                sheet.cell(row=row, column=index + 1).number_format = "@"
    notes = book.create_sheet(_("填写说明"))
    notes.append([_("列名"), _("是否必填"), _("说明"), _("示例")])
    for column in layout.columns:
        notes.append([column.name, _("必填") if column.required else _("选填"), str(column.help), column.example])
    if layout.one_of:
        notes.append([])
        notes.append([_("须有以下列之一：") + "；或".join("、".join(group) for group in layout.one_of)])
    notes.append([_("第一张表第一行为表头，从第二行起每行一条；整个文件检查无误后才会导入，有错误时一行也不导入。")])
    for letter, width in zip("ABCD", (14, 10, 60, 24)):
        notes.column_dimensions[letter].width = width
    out = tempfile.TemporaryFile()  # noqa: SIM115 (returned open: the caller streams and closes it)
    book.save(out)
    out.seek(0)
    return out


def _chunks(queryset, size):
    """A queryset with prefetches, in chunks (prefetch_related applies per chunk)."""
    chunk = []
    for item in queryset.iterator(chunk_size=size):
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
