"""From a figure down to its cases: links to the case list, filtered to exactly the cases behind each figure.

The filters are the case list's own (jiefen.cases.filters.CaseFilter, with closed_q and open_on_q, which the
figures count with too, so a list and its figure agree at the edges of a period).
"""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from jiefen.cases.filters import CaseFilter
from jiefen.cases.models import Event


def final_days(case_ids):
    """{case id: local day of its (latest) re-review decision} for 终结 cases recorded without closed_at."""
    days = {}
    for case_id, at in Event.objects.filter(case_id__in=case_ids, kind="decide_rereview").values_list("case_id", "at"):
        day = timezone.localtime(at).date()
        days[case_id] = max(day, days.get(case_id, day))
    return days


def case_list_url(params):
    """The case list filtered by `params`: CaseFilter's filters, dates as dates or ISO strings."""
    unknown = set(params) - set(CaseFilter.base_filters)
    if unknown:
        raise ValueError(f"not a case list filter: {', '.join(sorted(unknown))}")
    clean = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items() if v not in (None, "")}
    return f"{reverse('case_list')}?{urlencode(clean)}"
