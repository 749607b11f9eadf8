"""The printable reception schedule (领导公开接访安排表) as an A4 PDF, set in Noto CJK like the written notices."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML

from jiefen.cases.notices import offline_url_fetcher

from .queries import month_roster


def render_month(centre, year, month):
    """PDF bytes of the month's schedule: dates and leaders' names, nothing else about them."""
    roster = month_roster(centre, year, month)
    context = {
        **roster,
        "centre": centre,
        "issuer": _("%(centre)s矛盾纠纷调处化解中心") % {"centre": centre.name},
        "title": _("%(y)s年%(m)s月领导公开接访安排表") % {"y": year, "m": month},
        "shifts": [d for d in roster["days"] if d.shift is not None],
    }
    html = render_to_string("duty/sheet_pdf.html", context)
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
