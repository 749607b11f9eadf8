"""The meeting pack (会议材料): assembled from the live figures when a meeting is created, kept as a JSON
snapshot on the meeting, rendered as a page, a PDF (WeasyPrint, Noto CJK, charts as server-side SVG: WeasyPrint
runs no JavaScript) and an .xlsx workbook (openpyxl)."""

import datetime as dt
import io
from html import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from weasyprint import HTML

from jiefen.cases.access import centre_cases
from jiefen.cases.models import StatusGroup

from . import queries
from .models import MeetingDecision

SECTIONS = [
    ("previous", gettext_lazy("一、上次会议议定事项落实情况")),
    ("figures", gettext_lazy("二、主要指标")),
    ("comparison", gettext_lazy("三、与上期对比")),
    ("hot_spots", gettext_lazy("四、矛盾纠纷高发村（社区）和类别")),
    ("overdue", gettext_lazy("五、超期和临期案件")),
    ("hard_cases", gettext_lazy("六、疑难积案（1211）")),
    ("key_people", gettext_lazy("七、重点人群走访")),
]
COMPARED = [
    "received", "accepted", "persons", "closed", "not_accepted", "forwarded", "resolved", "timely_acceptance",
    "on_time", "handling_days", "satisfaction", "single", "repeat",
]
HOT_SPOTS = 5
LIST_LIMIT = 30


def assemble(centre, start, end, *, previous=None, today=None):
    """The pack of a meeting of `centre` about start..end, as plain JSON-able values."""
    today = today or timezone.localdate()
    scope = queries.Scope([centre])
    now = queries.compute(scope, start, end, today=today)
    before_start, before_end = queries.previous_period(start, end)
    before = queries.compute(scope, before_start, before_end, today=today)
    earlier = {f["code"]: f for f in before["figures"]}
    comparison = []
    for f in now["figures"]:
        if f["code"] not in COMPARED:
            continue
        comparison.append(_compared(f["code"], f["label"], f["unit"], f["value"], earlier[f["code"]]["value"]))
        if f["rate_label"]:  # 化解率, 及时受理率, 按期办结率: as the page computes them (measures)
            comparison.append(
                _compared(f"{f['code']}_rate", f["rate_label"], "%", f["rate"], earlier[f["code"]]["rate"])
            )
    places = sorted(now["by_place"]["rows"], key=lambda r: (-r["received"], -r["overdue"], r["name"]))
    return {
        "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "centre": centre.name,
        "period": now["period"],
        "previous_period": before["period"],
        "previous_meeting": previous.pk if previous else None,
        "previous_meeting_title": previous.title if previous else "",
        "sentence": now["sentence"],
        "channels": now["channels"],
        "figures": now["figures"],
        "stock": now["stock"],
        "comparison": comparison,
        "by_month": now["by_month"],
        "hot_villages": places[:HOT_SPOTS],
        "by_place": now["by_place"]["rows"],
        "hot_categories": now["by_category"][:HOT_SPOTS],
        "overdue": _deadline_list(centre, today),
        "hard_cases": now["hard_cases"],
        "grid": now["grid"],
    }


def _compared(code, label, unit, value, old):
    change = round(value - old, 1) if value is not None and old is not None else None
    return {"code": code, "label": label, "unit": unit, "now": value, "before": old, "change": change}


def _deadline_list(centre, today):
    soon = today + dt.timedelta(days=settings.DUE_SOON_DAYS)
    rows = (
        centre_cases([centre.pk])
        .filter(status__in=StatusGroup.OPEN, next_due_on__lte=soon)
        .order_by("next_due_on", "id")
        .values("number", "next_due_on", "request", "village__name", "category__name", "responsible_unit__name")[
            :LIST_LIMIT
        ]
    )
    return [
        {**r, "next_due_on": r["next_due_on"].isoformat(), "overdue": r["next_due_on"] < today,
         "request": r["request"][:60]}
        for r in rows
    ]


def previous_decisions(meeting):
    """The decisions of the meeting before this one, as they stand now (done or not)."""
    previous_id = meeting.pack.get("previous_meeting")
    if not previous_id:
        return []
    return list(MeetingDecision.objects.filter(meeting_id=previous_id).select_related("owner").order_by("due_on", "id"))


# ---- Charts as SVG (the page shows ECharts; the PDF cannot run JavaScript). ----

def bar_chart_svg(labels, series, *, width=640, height=240, title=""):
    """A grouped bar chart: `series` is [(name, colour, values)]. Returns SVG markup."""
    left, bottom, top, right = 40, 42, 28, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v or 0 for _n, _c, values in series for v in values] + [1])
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-family="Noto Sans CJK SC, sans-serif" font-size="10">'
        ),
        f'<text x="{left}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
    ]
    for tick in range(5):
        value = peak * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#666">{value:.0f}</text>')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
    for i, label in enumerate(labels):
        x0 = left + group_w * i + group_w * 0.1
        for j, (_name, colour, values) in enumerate(series):
            v = values[i] or 0
            h = plot_h * v / peak
            parts.append(
                f'<rect x="{x0 + j * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w * 0.9:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{left + group_w * (i + 0.5):.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
            f"{escape(str(label))}</text>"
        )
    x = left
    for name, colour, _values in series:
        parts.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{height - 5}">{escape(name)}</text>')
        x += 14 + 12 * len(name) + 16
    parts.append("</svg>")
    return "".join(parts)


def charts(data):
    months = data["by_month"]
    trend = bar_chart_svg(
        [m["month"][2:] for m in months],
        # 受理 is by acceptance date (a pack made before it was counted apart has registrations only).
        [(_("受理"), "#2563eb", [m.get("accepted", m["received"]) for m in months]),
         (_("办结"), "#16a34a", [m["closed"] for m in months]),
         (_("月末存量"), "#f59e0b", [m["open_end"] for m in months])],
        title=_("近12个月受理、办结和存量"),
    )
    places = data["by_place"][:12]
    by_place = bar_chart_svg(
        [p["name"][:4] for p in places],
        [
            (_("登记"), "#2563eb", [p["received"] for p in places]),
            (_("超期"), "#dc2626", [p["overdue"] for p in places]),
        ],
        title=_("各村（社区）登记和超期"),
    )
    return {"trend": trend, "by_place": by_place}


# ---- Exports. ----

def context(meeting):
    data = meeting.pack
    return {
        "meeting": meeting, "data": data, "notes": meeting.notes or {}, "sections": [(c, str(l)) for c, l in SECTIONS],
        "previous": previous_decisions(meeting),
        "decisions": list(meeting.decisions.select_related("owner").order_by("due_on", "id")),
        "charts": charts(data),
    }


def render_pdf(meeting):
    html = render_to_string("figures/pack_pdf.html", context(meeting))
    return HTML(string=html).write_pdf()


def render_xlsx(meeting):
    ctx = context(meeting)
    data = ctx["data"]
    book = Workbook()
    bold = Font(bold=True)

    def sheet(title, header, rows, first=False):
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(list(row))
        for column, width in zip("ABCDEFGH", (28, 14, 10, 14, 60, 14, 14, 14)):
            ws.column_dimensions[column].width = width
        return ws

    ws = sheet(
        _("主要指标"), [_("指标"), _("数值"), _("单位"), _("比率"), _("口径")],
        [(f["label"], f["value"], f["unit"], f["rate"], f["definition"]) for f in data["figures"]], first=True,
    )
    ws.insert_rows(1, 2)
    ws["A1"] = f"{meeting.title}（{data['period']['start']}至{data['period']['end']}）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = data["sentence"]
    stock = data["stock"]
    sheet(_("存量与增量"), [_("项目"), _("件数")], [
        (_("期初存量"), stock["open_start"]), (_("新增（登记）"), stock["received"]), (_("办结"), stock["closed"]),
        (_("不予受理"), stock.get("not_accepted")), (_("转送"), stock.get("forwarded")),
        (_("期末存量"), stock["open_end"]),
    ] + [(_("存量：%(age)s") % {"age": b["label"]}, b["value"]) for b in stock["backlog_by_age"]])
    sheet(_("与上期对比"), [_("指标"), _("本期"), _("上期"), _("增减"), _("单位")],
          [(c["label"], c["now"], c["before"], c["change"], c["unit"]) for c in data["comparison"]])
    sheet(
        _("按月"),
        [_("月份"), _("登记"), _("受理"), _("人次"), _("办结"), _("不予受理"), _("转送"), _("化解"), _("月末存量")],
        [
            (m["month"], m["received"], m.get("accepted"), m["persons"], m["closed"], m.get("not_accepted"),
             m.get("forwarded"), m["resolved"], m["open_end"])
            for m in data["by_month"]
        ],
    )
    sheet(
        _("按村（社区）"),
        [_("村（社区）"), _("登记"), _("受理"), _("人次"), _("办结"), _("不予受理"), _("转送"), _("化解"), _("化解率"),
         _("及时受理率"), _("按期办结率"), _("未办结"), _("超期"), _("临期")],
        [
            (
                p["name"],
                p["received"],
                p.get("accepted"),
                p["persons"],
                p["closed"],
                p.get("not_accepted"),
                p.get("forwarded"),
                p["resolved"],
                p["resolution_rate"],
                p.get("timely_acceptance_rate"),
                p["on_time_rate"],
                p["open_now"],
                p["overdue"],
                p["due_soon"],
            )
            for p in data["by_place"]
        ],
    )
    sheet(_("高发类别"), [_("类别"), _("登记"), _("办结"), _("化解")],
          [(c["name"], c["received"], c["closed"], c["resolved"]) for c in data["hot_categories"]])
    sheet(_("超期临期案件"), [_("案件编号"), _("期限"), _("超期"), _("村（社区）"), _("诉求")],
          [(r["number"], r["next_due_on"], _("超期") if r["overdue"] else _("临期"), r["village__name"], r["request"])
           for r in data["overdue"]])
    sheet(_("疑难积案"), [_("案件编号"), _("类型"), _("1211落实"), _("缺项")],
          [(r["number"], r["kind"], _("已落实") if r["complete"] else _("未落实"), "；".join(r["missing"]))
           for r in data["hard_cases"]["rows"]])
    sheet(
        _("上次议定事项"),
        [_("议定事项"), _("责任人"), _("完成期限"), _("是否完成"), _("落实情况")],
        [
            (d.text, d.owner.display_name, d.due_on, _("已完成") if d.done else _("未完成"), d.note)
            for d in ctx["previous"]
        ],
    )
    sheet(
        _("本次议定事项"),
        [_("议定事项"), _("责任人"), _("完成期限"), _("是否完成"), _("落实情况")],
        [
            (d.text, d.owner.display_name, d.due_on, _("已完成") if d.done else _("未完成"), d.note)
            for d in ctx["decisions"]
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
