"""Streaming the first sheet of an .xlsx as rows of values, for imports.

openpyxl's read_only mode streams too, but builds a cell object per cell: at 100,000 rows that alone took most of
the benchmark's time budget on this 2-core machine (about 9.5 s of CPU against 2.7 s here). This reader parses the
sheet's XML with ElementTree's iterparse and turns cells into the values openpyxl gives (shared and inline strings,
numbers, booleans, dates by their number format, using openpyxl's own date rules), one row at a time. A workbook
laid out in a way it does not know (no workbook relationships, say) is read by openpyxl's read_only mode instead.
"""

import posixpath
import zipfile
from xml.etree.ElementTree import iterparse, parse

from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class Unreadable(Exception):
    """Not an .xlsx this reader (nor openpyxl) can open."""


class SheetRows:
    """Rows of the first sheet as tuples of values; `max_row` from the sheet's dimension (0 if not given).

    Use as a context manager; iterate once.
    """

    def __init__(self, file):
        self.file = file
        self.max_row = 0
        self._zip = self._book = None

    def __enter__(self):
        try:
            self._zip = zipfile.ZipFile(self.file)
            self._open_fast()
        except (zipfile.BadZipFile, KeyError, IndexError, ValueError, SyntaxError) as error:
            self._close_zip()
            self._open_openpyxl(error)
        return self

    def __exit__(self, *exc):
        self._close_zip()
        if self._book is not None:
            self._book.close()
        return False

    def __iter__(self):
        return self._rows

    # The fast path ---------------------------------------------------------------------------------------------

    def _open_fast(self):
        z = self._zip
        book = parse(z.open("xl/workbook.xml")).getroot()
        first = book.find(f"{MAIN}sheets/{MAIN}sheet")
        rel_id = first.get(f"{REL}id")
        rels = parse(z.open("xl/_rels/workbook.xml.rels")).getroot()
        target = next(r.get("Target") for r in rels.iter(f"{PKG_REL}Relationship") if r.get("Id") == rel_id)
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        names = set(z.namelist())
        if path not in names:
            raise KeyError(path)
        props = book.find(f"{MAIN}workbookPr")
        epoch = (
            CALENDAR_MAC_1904 if props is not None and props.get("date1904") in ("1", "true") else CALENDAR_WINDOWS_1900
        )
        strings = _shared_strings(z) if "xl/sharedStrings.xml" in names else []
        dates = _date_styles(z) if "xl/styles.xml" in names else set()
        self._rows = _rows(z.open(path), strings, dates, epoch, self)

    def _close_zip(self):
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    # The fallback ----------------------------------------------------------------------------------------------

    def _open_openpyxl(self, cause):
        if hasattr(self.file, "seek"):
            self.file.seek(0)
        try:
            self._book = load_workbook(self.file, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 (openpyxl raises many kinds for a damaged or disguised file)
            raise Unreadable(str(error)) from cause
        sheet = self._book.worksheets[0]
        self.max_row = sheet.max_row or 0
        self._rows = sheet.iter_rows(values_only=True)


def _shared_strings(z):
    strings = []
    with z.open("xl/sharedStrings.xml") as f:
        for _event, el in iterparse(f, events=("end",)):
            if el.tag == f"{MAIN}si":
                # Rich text runs are joined; phonetic guides (rPh) are not part of the value.
                strings.append("".join(t.text or "" for t in el.iter(f"{MAIN}t") if t not in _phonetic(el)))
                el.clear()
    return strings


def _phonetic(si):
    return {t for rph in si.iter(f"{MAIN}rPh") for t in rph.iter(f"{MAIN}t")}


def _date_styles(z):
    """Indexes of the cell styles (cellXfs) whose number format shows a date or time."""
    root = parse(z.open("xl/styles.xml")).getroot()
    formats = dict(BUILTIN_FORMATS)
    for fmt in root.iter(f"{MAIN}numFmt"):
        formats[int(fmt.get("numFmtId"))] = fmt.get("formatCode", "")
    xfs = root.find(f"{MAIN}cellXfs")
    if xfs is None:
        return set()
    return {
        index for index, xf in enumerate(xfs.findall(f"{MAIN}xf"))
        if is_date_format(formats.get(int(xf.get("numFmtId", 0)), ""))
    }


def _rows(handle, strings, dates, epoch, reader):
    """Tuples of cell values, one per sheet row from row 1, with empty tuples for rows the file leaves out."""
    row_tag, cell_tag, value_tag = f"{MAIN}row", f"{MAIN}c", f"{MAIN}v"
    inline_tag, text_tag, dim_tag = f"{MAIN}is", f"{MAIN}t", f"{MAIN}dimension"
    expected = 1
    try:
        for _event, el in iterparse(handle, events=("end",)):
            tag = el.tag
            if tag == dim_tag:
                ref = el.get("ref", "")
                last = ref.split(":")[-1]
                if last:
                    reader.max_row = coordinate_from_string(last)[1]
            if tag != row_tag:
                continue
            number = int(el.get("r") or expected)
            while expected < number:
                yield ()
                expected += 1
            values, position = [], 0
            for cell in el.iter(cell_tag):
                ref = cell.get("r")
                if ref:
                    position = column_index_from_string("".join(ch for ch in ref if ch.isalpha())) - 1
                while len(values) < position:
                    values.append(None)
                values.append(_value(cell, strings, dates, epoch, value_tag, inline_tag, text_tag))
                position += 1
            el.clear()
            expected = number + 1
            yield tuple(values)
    finally:
        handle.close()


def _value(cell, strings, dates, epoch, value_tag, inline_tag, text_tag):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(inline_tag)
        return "".join(t.text or "" for t in inline.iter(text_tag)) if inline is not None else None
    v = cell.find(value_tag)
    raw = v.text if v is not None else None
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601

        return from_ISO8601(raw)
    number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
    style = cell.get("s")
    if style is not None and int(style) in dates:
        return from_excel(number, epoch)
    return number
