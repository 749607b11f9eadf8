"""The supervision notice (督办单) of an overdue case, as PDF in the layout of the centre's other notices.

It is an internal document, addressed to the responsible unit: it names the case, the clock and how late it is,
and the owning leaders, but no petitioner (an accusation's petitioner is never sent on, 信访工作条例 第三十条第三款).
"""

import re

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from weasyprint import HTML

from jiefen.cases.notices import ISSUER_MAX_SIZE_MM, TYPE_AREA_WIDTH_MM, offline_url_fetcher
from jiefen.clocks.calendar import WorkCalendar

from .recipients import owning_leaders

# Two lines of the table at most: the notice stays on one page.
REQUEST_SUMMARY_CHARS = 56


def render_supervision_notice(case, deadline, *, issued_on=None, overdue_days=None, nth=1, calendar=None):
    """Render the 督办单 for the overdue `deadline` of `case` as PDF bytes.

    `issued_on` (default today) is the date it bears; `overdue_days` the working days overdue on that day (counted
    if not given); `nth` numbers a second or later escalation of the same case.
    """
    issued_on = issued_on or timezone.localdate()
    if overdue_days is None:
        calendar = calendar or WorkCalendar.around(deadline.due_on, span_days=(issued_on - deadline.due_on).days)
        overdue_days = calendar.working_days_between(deadline.due_on, issued_on)
    issuer = _("%(centre)s矛盾纠纷调处化解中心") % {"centre": case.centre.name}
    owners = [leader.display_name for leader in owning_leaders(case)]
    context = {
        "title": _("超期督办单"),
        "issuer": issuer,
        "issuer_size_mm": min(ISSUER_MAX_SIZE_MM, round(TYPE_AREA_WIDTH_MM * 0.94 / max(len(issuer), 1), 1)),
        "doc_number": _doc_number(case, nth),
        "assigned": case.responsible_unit_id is not None,
        "addressee": case.responsible_unit.name if case.responsible_unit_id else _("本中心"),
        "case_number": case.number,
        "case_kind": case.get_kind_display(),
        "request_summary": Truncator(" ".join(case.request.split())).chars(REQUEST_SUMMARY_CHARS),
        "responsible_unit": case.responsible_unit.name if case.responsible_unit_id else _("未交办"),
        "owners": "、".join(owners),
        "clock": deadline.rule.name,
        "basis": re.split(r"[：:]", deadline.rule.legal_basis, maxsplit=1)[0].strip(),
        "due_on": _cn_date(deadline.due_on),
        "overdue_days": overdue_days,
        "explanation": deadline.explanation,
        "issued_on": _cn_date(issued_on),
    }
    html = render_to_string("notify/supervision_notice.html", context)
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()


def _doc_number(case, nth):
    """发文字号 from the case number "330101-2026-00012": 青山镇矛调督〔2026〕12号 (12-2号 for the second)."""
    match = re.fullmatch(r".*-(\d{4})-(\d+)", case.number)
    year, serial = (match[1], int(match[2])) if match else (timezone.localdate(case.received_at).year, case.number)
    serial = f"{serial}-{nth}" if nth > 1 else serial
    return _("%(centre)s矛调督〔%(year)s〕%(serial)s号") % {"centre": case.centre.name, "year": year, "serial": serial}


def _cn_date(day):
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}
