"""Reading an uploaded workbook: the layout of each kind (Chinese column names), finding the header, turning cells
into values, and the per-row error report.

Workbooks are read with openpyxl's read_only mode (streaming): a 100,000-row sheet is never held as cells.
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The header may sit below a title and a "填报单位/统计期间" line, as in the layouts we export.
HEADER_SCAN_ROWS = 6
# Errors kept in the report (the count is exact): past this the uploader fixes the file and tries again.
MAX_REPORTED_ERRORS = 500
ALWAYS_IGNORED = ("序号",)


class Rejected(Exception):
    """The file as a whole cannot be read as this kind of import (no header, wrong or missing columns)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    name: str
    # Whether each row must give a value (whether the column must be there is the layout's `needs`).
    required: bool = True
    help: str = ""
    example: object = ""
    aliases: tuple = ()


@dataclass(frozen=True)
class Layout:
    columns: tuple
    # Column sets of which at least one must be present in full, e.g. (("网格编码",), ("村（社区）", "网格")).
    # Columns not named here are optional, unless `required` (then they must be present).
    one_of: tuple = ()
    # Columns our own exports add that an import reads past (序号 always).
    ignored: tuple = ()

    def names(self):
        return [c.name for c in self.columns]

    def canonical(self, header):
        for column in self.columns:
            if header == column.name or header in column.aliases:
                return column.name
        return None

    def mandatory(self):
        return [c.name for c in self.columns if c.required]


def normalise_header(value):
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")
    return text.removesuffix("*").removesuffix("（必填）").removeprefix("*")


class Report:
    """The per-row error report: row number (as Excel numbers it), column, message in Chinese."""

    def __init__(self):
        self.items, self.count = [], 0

    def add(self, row, column, message):
        self.count += 1
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append({"row": row, "column": column, "message": message})

    def __bool__(self):
        return self.count > 0


def find_header(rows, layout):
    """Consume `rows` up to the header; return ({canonical name: cell index}, header row number, rows read after).

    Rejected names the columns that are missing, unknown or given twice.
    """
    buffered = []
    for row in rows:
        buffered.append(row)
        if len(buffered) >= HEADER_SCAN_ROWS:
            break
    best, best_score = None, 0
    for number, row in enumerate(buffered, start=1):
        score = sum(1 for cell in row if layout.canonical(normalise_header(cell)))
        if score > best_score:
            best, best_score = number, score
    expected = "、".join(layout.names())
    if best is None:
        raise Rejected(_("没有找到表头。请使用导入模板，表头应包括：%(cols)s") % {"cols": expected})
    header = buffered[best - 1]
    positions, unknown, repeated = {}, [], []
    for index, cell in enumerate(header):
        name = normalise_header(cell)
        if not name or name in ALWAYS_IGNORED or name in layout.ignored:
            continue
        canonical = layout.canonical(name)
        if canonical is None:
            unknown.append(name)
        elif canonical in positions:
            repeated.append(name)
        else:
            positions[canonical] = index
    problems = []
    missing = [name for name in layout.mandatory() if name not in positions]
    if layout.one_of and not any(all(n in positions for n in group) for group in layout.one_of):
        choices = "；或".join("、".join(group) for group in layout.one_of)
        problems.append(_("缺少列：须有 %(choices)s") % {"choices": choices})
    if missing:
        problems.append(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
    if unknown:
        problems.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)})
    if repeated:
        problems.append(_("重复的列：%(cols)s") % {"cols": "、".join(repeated)})
    if problems:
        raise Rejected(
            _("第%(row)s行表头不符合要求，文件未导入。%(problems)s。表头应为：%(cols)s")
            % {"row": best, "problems": "；".join(problems), "cols": expected}
        )
    return positions, best, buffered[best:]


# Cell values --------------------------------------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


SPACES = re.compile(r"[ \t\u3000]+")


def text(value):
    if value is None:
        return ""
    if type(value) is str:
        value = value.strip()
        # Most cells need no more than strip(): the regex only for runs of spaces, tabs or ideographic spaces.
        return SPACES.sub(" ", value).strip() if ("  " in value or "\t" in value or "\u3000" in value) else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.strftime("%Y-%m-%d")
    return SPACES.sub(" ", str(value)).strip()


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_("日期“%(v)s”无法识别，请写成 2026-03-05 的格式") % {"v": raw})


def whole_number(value, low, high):
    raw = text(value)
    try:
        number = int(raw)
    except ValueError:
        raise CellError(_("“%(v)s”不是整数") % {"v": raw})
    if not low <= number <= high:
        raise CellError(_("应在%(low)s到%(high)s之间") % {"low": low, "high": high})
    return number


def split_list(value):
    """"张三、李四" / "张三,李四" / "张三；李四" → ["张三", "李四"]."""
    return [part.strip() for part in re.split(r"[、,，;；/\n]", text(value)) if part.strip()]


@functools.lru_cache(maxsize=32)
def _choice_map(choices):
    """{label or code: code} of a TextChoices class (labels are the Chinese msgids; read once per process)."""
    found = {}
    for code, label in choices.choices:
        found[str(label)] = code
        found[code] = code
    return found


def choice(value, choices, what):
    """A value given by its Chinese label (or its code), as `choices` (a TextChoices) lists them."""
    raw = text(value)
    code = _choice_map(choices).get(raw)
    if code is not None:
        return code
    options = "、".join(str(label) for _code, label in choices.choices)
    raise CellError(_("%(what)s“%(v)s”无效，应为：%(options)s") % {"what": what, "v": raw, "options": options})
