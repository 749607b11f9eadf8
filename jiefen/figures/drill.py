"""From a figure down to its cases: the case-list filters that select exactly the cases behind each figure.

The case list (jiefen.cases.queries.case_list) calls narrow() with these filters; the figures build their
links with case_list_url(). Day boundaries are local midnights (Asia/Shanghai) as aware datetimes, the same
days counting.local_day() gives, so a list and its figure agree at the edges of a period.
"""

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from jiefen.cases.models import OPEN_STATUSES, Contact, Deadline, Event, Status
from jiefen.grid.models import DisputeRecord

from .counting import BASIC, FINISHED, SATISFIED

OUTCOMES = ("resolved", "on_time", "late", "single", "repeat", "answered", "satisfied", "hard")


def day_start(day):
    """The aware datetime at which local day `day` begins."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _finals_between(start=None, end=None):
    events = Event.objects.filter(kind="decide_rereview")
    if start is not None:
        events = events.filter(at__gte=day_start(start))
    if end is not None:
        events = events.filter(at__lt=day_start(end + dt.timedelta(days=1)))
    return events.values("case_id")


def closed_q(start, end):
    """Cases finished (办结、终结、不予受理、转送) on a day start..end; a 终结 recorded without closed_at counts on
    the day of its re-review decision (counting.finished_day)."""
    after_end = day_start(end + dt.timedelta(days=1))
    return Q(status__in=FINISHED) & (
        Q(closed_at__gte=day_start(start), closed_at__lt=after_end)
        | Q(status=Status.FINAL, closed_at__isnull=True, id__in=_finals_between(start, end))
    )


def open_on_q(day):
    """Cases open at the end of `day`: registered by then and not finished by then."""
    next_day = day + dt.timedelta(days=1)
    return Q(received_at__lt=day_start(next_day)) & (
        Q(status__in=OPEN_STATUSES)
        | Q(closed_at__gte=day_start(next_day))
        | Q(status=Status.FINAL, closed_at__isnull=True, id__in=_finals_between(start=next_day))
    )


def final_days(case_ids):
    """{case id: local day of its (latest) re-review decision} for 终结 cases recorded without closed_at."""
    days = {}
    for case_id, at in Event.objects.filter(case_id__in=case_ids, kind="decide_rereview").values_list("case_id", "at"):
        day = timezone.localtime(at).date()
        days[case_id] = max(day, days.get(case_id, day))
    return days


def narrow(qs, *, closed_from=None, closed_to=None, contacted_from=None, contacted_to=None, open_on=None,
           outcome=None, no_village=False, ledger_from=None, ledger_to=None):
    """Apply the figure filters to a case queryset (each None or False is no filter)."""
    if closed_from or closed_to:
        qs = qs.filter(closed_q(closed_from or dt.date(1900, 1, 1), closed_to or timezone.localdate()))
    if contacted_from or contacted_to:
        contacts = Contact.objects.all()
        if contacted_from:
            contacts = contacts.filter(occurred_at__gte=day_start(contacted_from))
        if contacted_to:
            contacts = contacts.filter(occurred_at__lt=day_start(contacted_to + dt.timedelta(days=1)))
        qs = qs.filter(id__in=contacts.values("case_id"))
    if open_on:
        qs = qs.filter(open_on_q(open_on))
    if no_village:
        qs = qs.filter(village__isnull=True)
    if ledger_from or ledger_to:
        ledger = DisputeRecord.objects.all()
        if ledger_from:
            ledger = ledger.filter(found_on__gte=ledger_from)
        if ledger_to:
            ledger = ledger.filter(found_on__lte=ledger_to)
        qs = qs.filter(id__in=ledger.values("case_id"))
    late = Exists(Deadline.objects.filter(
        case_id=OuterRef("pk"), rule__is_obligation=True, due_on__isnull=False, finished_on__gt=F("due_on")
    ))
    if outcome == "resolved":
        qs = qs.filter(status__in=FINISHED, resolved=True)
    elif outcome == "on_time":
        qs = qs.filter(~late, status__in=FINISHED)
    elif outcome == "late":
        qs = qs.filter(late, status__in=FINISHED)
    elif outcome == "single":
        qs = qs.filter(status__in=FINISHED, contact_count=1)
    elif outcome == "repeat":
        qs = qs.filter(contact_count__gt=1)
    elif outcome == "answered":
        qs = qs.exclude(satisfaction="")
    elif outcome == "satisfied":
        qs = qs.filter(satisfaction__in=[SATISFIED, BASIC])
    elif outcome == "hard":
        qs = qs.filter(hard_case__isnull=False)
    return qs


def case_list_url(params):
    """The case list filtered by `params` (dates as ISO strings)."""
    clean = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items() if v not in (None, "")}
    return f"{reverse('case_list')}?{urlencode(clean)}"
