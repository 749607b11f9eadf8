"""Exchange with the organ above (上级交办事项): the file the county's system sends down, and what the township
sends back up, in one documented layout (kinds.HANDOVER_LAYOUT), as .xlsx or as JSON.

The JSON form is {"format": "jiefen-exchange/1", "organ": "...", "items": [{"交办单编号": "...", ...}, ...]}: one
object per item, keyed by the same Chinese column names as the sheet. An import reads either form through the
same checks (jiefen.excel.actions: every row checked, the file refused whole on any error). `Exchange` is the one
class a real system's interface plugs into: a subclass that fetches the organ above's items from its API (instead
of a file) and pushes the township's results there (instead of a download) keeps the layout and the checks.
"""

import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.models import Handover
from jiefen.cases.personal import mask_id_number, mask_phone

from .exports import _Sheet
from .kinds import HANDOVER_LAYOUT

FORMAT = "jiefen-exchange/1"
# What the township adds when it sends items back: the result of each (报结).
RESULT_COLUMNS = ("案件编号", "登记日期", "办理状态", "处理意见", "报结情况", "报结日期", "办理结果")
WIDTHS = {"交办单编号": 20, "交办机关": 18, "信访人": 12, "身份证号": 21, "诉求": 40, "事实和理由": 30,
          "办理要求": 24, "办理结果": 40, "案件编号": 18}


class Unreadable(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class JsonRows:
    """The items of an exchange JSON file as sheet rows: the header (the layout's columns, then any other keys the
    items carry, which the import reports as unknown unless ignored), then one row per item. Used like
    sheet.SheetRows: a context manager, iterated once, `max_row` known."""

    def __init__(self, file):
        self.file = file
        self.max_row = 0
        self._rows = iter(())

    def __enter__(self):
        items = parse(self.file.read())
        names = list(HANDOVER_LAYOUT.names())
        for item in items:
            names += [key for key in item if key not in names]
        self.max_row = len(items) + 1
        self._rows = iter([tuple(names), *(tuple(item.get(n) for n in names) for item in items)])
        return self

    def __exit__(self, *exc):
        return False

    def __iter__(self):
        return self._rows


def parse(raw):
    """The items of an exchange JSON document; Unreadable (in Chinese) when it is not one."""
    try:
        document = json.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Unreadable(_("文件不是有效的JSON（UTF-8编码）"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Unreadable(_("文件不是交办事项交换格式（format 应为 %(f)s）") % {"f": FORMAT})
    items = document.get("items")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise Unreadable(_("交换文件的 items 应为事项列表"))
    for item in items:
        for key, value in item.items():
            if value is not None and not isinstance(value, (str, int, float)):
                raise Unreadable(_("“%(k)s”的值应为文字或数字") % {"k": key})
    return items


class Exchange:
    """What a township sends back up: its items handed down from above, each with its result, in the layout."""

    columns = (*HANDOVER_LAYOUT.names(), *RESULT_COLUMNS)

    def __init__(self, centre, *, reveal):
        self.centre, self.reveal = centre, reveal

    def items(self, start, end):
        """Items handed down to the township and registered in the period, oldest first, as dicts by column."""
        handovers = (
            Handover.objects.filter(case__centre=self.centre, sent_at__date__gte=start, sent_at__date__lte=end)
            .select_related("case", "case__category").prefetch_related("case__parties", "case__events")
            .order_by("sent_at", "id")
        )
        return [self.item(h) for h in handovers]

    def item(self, handover):
        case = handover.case
        people = [p for p in case.parties.all() if p.role != p.Role.RESPONDENT]
        ids = [p.id_number if self.reveal else mask_id_number(p.id_number) for p in people if p.id_number]
        first = people[0] if people else None
        report = next((e for e in sorted(case.events.all(), key=lambda e: -e.id) if e.kind == "report_back"), None)
        return {
            "交办单编号": handover.doc_number,
            "交办机关": handover.from_organ,
            "交办方式": handover.get_mode_display(),
            "办理期限": handover.due_on.isoformat() if handover.due_on else "",
            "信访人": "、".join(p.name for p in people),
            "身份证号": "、".join(ids),
            "联系电话": (first.phone if self.reveal else mask_phone(first.phone)) if first and first.phone else "",
            "住址": first.address if first else "",
            "来访人数": case.person_times,
            "事项性质": case.get_legal_class_display(),
            "事项分类": case.category.name,
            "诉求": case.request,
            "事实和理由": case.facts,
            "办理要求": handover.requirements,
            "案件编号": case.number,
            "登记日期": timezone.localdate(case.received_at).isoformat(),
            "办理状态": case.get_status_display(),
            "处理意见": case.get_reply_outcome_display() if case.reply_outcome else "",
            "报结情况": handover.get_report_display(),
            "报结日期": handover.reported_on.isoformat() if handover.reported_on else "",
            "办理结果": report.data.get("result", "") if report else "",
        }

    def to_json(self, items):
        document = {"format": FORMAT, "organ": self.centre.name, "exported_at": timezone.now().isoformat(),
                    "items": items}
        return io.BytesIO(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))

    def to_xlsx(self, items, start, end):
        sheet = _Sheet(_("上级交办事项"), [(name, WIDTHS.get(name, 12)) for name in ("序号", *self.columns)])
        sheet.head(_("%(u)s上级交办事项办理情况") % {"u": self.centre.name}, self.centre, start, end)
        for n, item in enumerate(items, 1):
            sheet.sheet.append([n, *(item[name] for name in self.columns)])
        return sheet.save()
