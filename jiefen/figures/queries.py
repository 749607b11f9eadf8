"""Reads of the figures: every figure of a period and a scope, each with its definition and the link to the
list of cases behind it (the case list /cases/ with the filters of jiefen.cases.filters, linked by drill).

Flows (received, closed, …) come from the aggregate tables (counting): whole months from MonthFigure, the
partial months at either end of a period and anything filtered by village or unit from DailyFigure (indexes
figure_daily_key (centre, day, …), figure_daily_village_day, figure_daily_unit_day, figure_month_key).
Stocks are flows read backwards from today's open cases: open at the end of day D = open now − received after
D + (closed + not accepted + forwarded) after D, so no query sums ten years of history. The timeliness rates add
to the finished clocks of the tables the clocks still running past their due date, read live (overdue_clocks):
whether a running clock is overdue changes with the date, with no change to its case. What each figure counts,
and each rate's formula, is measures.py's. The backlog by age counts the open cases registered
in the 90 days before D on the case table (index case_received / case_centre_received, a bounded range); the
older part is the rest of the open stock.
"""

import datetime as dt
import math
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases import filters as case_filters
from jiefen.cases.access import centre_cases
from jiefen.cases.models import Category, Channel, Deadline, Status, StatusGroup
from jiefen.grid.models import DisputeRecord, HouseholdVisit, KeyPerson
from jiefen.leadership.models import HardCase
from jiefen.leadership.rules import assess
from jiefen.org import authz
from jiefen.org.models import Unit

from . import drill, measures
from .measures import DEFINITIONS, rate
from .models import COUNTERS, DailyFigure, HandlingDays, HandlingMonth, MonthFigure

DAY = dt.timedelta(days=1)
SUMS = {c: Sum(c) for c in COUNTERS}
BACKLOG_AGES = [  # (code, label, youngest age in days, oldest age in days or None)
    ("under30", _("30天以内"), 0, 29),
    ("d30_60", _("30–60天"), 30, 59),
    ("d60_90", _("60–90天"), 60, 89),
    ("over90", _("90天以上"), 90, None),
]


def centres_for(user):
    """The townships (centres) whose figures `user` may read: their own, or every one of their county.

    Figures are read of a centre as a whole (authz.CENTRE_READ): a unit's staff, who see their unit's cases only,
    read none (403), here and in the API (figures_for)."""
    scope = authz.scope_of(user)
    if not authz.in_roles(user, authz.CENTRE_READ) or not scope.active:
        raise PermissionDenied(_("您的角色不能查看统计数据"))
    return list(scope.centres)


class Scope:
    """The centres and the optional filters (village, responsible unit, category, channel) of a figure."""

    def __init__(self, centres, *, village=None, unit=None, category=None, channel=None):
        self.centres = centres
        self.centre_ids = [c.pk for c in centres]
        self.village = _pk(village)
        self.unit = _pk(unit)
        self.category = _pk(category)
        self.channel = channel or None

    @property
    def fine(self):
        """Whether only the daily table can answer (it alone has villages and units)."""
        return bool(self.village or self.unit)

    def table_filter(self, model):
        q = Q(centre_id__in=self.centre_ids)
        if self.category:
            q &= Q(category_id=self.category)
        if self.channel:
            q &= Q(channel=self.channel)
        if model is DailyFigure:
            if self.village:
                q &= Q(village_id=self.village)
            if self.unit:
                q &= Q(unit_id=self.unit)
        return q

    def case_q(self, prefix=""):
        """The cases in scope as a filter (on Case, or through a relation named by `prefix`, e.g. "case__")."""
        q = Q(**{f"{prefix}centre_id__in": self.centre_ids})
        for field, value in (("village_id", self.village), ("responsible_unit_id", self.unit),
                             ("category_id", self.category), ("channel", self.channel)):
            if value:
                q &= Q(**{prefix + field: value})
        return q

    def cases(self):
        """The cases in scope, on the case table (same meaning as the tables' dimensions)."""
        return centre_cases(self.centre_ids).filter(self.case_q())

    def params(self):
        """The case-list filters that say the same as this scope."""
        params = {}
        if len(self.centres) == 1 and len(self.centre_ids) == 1:
            params["centre"] = self.centre_ids[0]
        for key, value in (("village", self.village), ("unit", self.unit), ("category", self.category),
                           ("channel", self.channel)):
            if value:
                params[key] = value
        return params


def _pk(value):
    if value in (None, ""):
        return None
    return getattr(value, "pk", None) or int(value)


# ---- Flows from the aggregate tables. ----

def month_start(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def flows(scope, start, end, by=None):
    """{group: Counter of COUNTERS} summed over the days start..end; group None when `by` is None, else the
    value of `by` ("month", "village", "unit", "category", "channel" or "centre")."""
    out = defaultdict(Counter)
    if start > end:
        return out
    column = {"village": "village_id", "unit": "unit_id", "category": "category_id", "centre": "centre_id"}.get(by, by)
    if scope.fine or by in ("village", "unit"):
        _add_daily(out, scope, start, end, column)
        return out
    first_whole = start if start.day == 1 else next_month(start)
    after_whole = month_start(end + DAY)  # the first day after the last whole month
    if first_whole < after_whole:
        rows = MonthFigure.objects.filter(
            scope.table_filter(MonthFigure), month__gte=first_whole, month__lt=after_whole
        )
        found = rows.values(column).annotate(**SUMS).order_by() if column else [rows.aggregate(**SUMS)]
        for row in found:
            out[row[column] if column else None].update({c: row[c] or 0 for c in COUNTERS})
        _add_daily(out, scope, start, first_whole - DAY, column)
        _add_daily(out, scope, after_whole, end, column)
    else:
        _add_daily(out, scope, start, end, column)
    return out


def _add_daily(out, scope, start, end, column):
    if start > end:
        return
    rows = DailyFigure.objects.filter(scope.table_filter(DailyFigure), day__gte=start, day__lte=end)
    if column is None:
        found = [rows.aggregate(**SUMS)]
    else:
        found = rows.values("day" if column == "month" else column).annotate(**SUMS).order_by()
    for row in found:
        key = None if column is None else (month_start(row["day"]) if column == "month" else row[column])
        out[key].update({c: row[c] or 0 for c in COUNTERS})


COLUMNS = {
    "village": "village_id",
    "unit": "unit_id",
    "category": "category_id",
    "centre": "centre_id",
    "channel": "channel",
}


def cube(scope, start, end, dims):
    """{(value of each of `dims`): Counter} over start..end in one grouped query per table part: the page rolls
    totals, places, categories and channels up from it instead of asking four times."""
    columns = [COLUMNS[d] for d in dims]
    out = defaultdict(Counter)
    if start > end:
        return out

    def add(model, q):
        rows = model.objects.filter(scope.table_filter(model), q).values(*columns).annotate(**SUMS).order_by()
        for row in rows:
            out[tuple(row[c] for c in columns)].update({c: row[c] or 0 for c in COUNTERS})

    if scope.fine or "village" in dims or "unit" in dims:
        add(DailyFigure, Q(day__gte=start, day__lte=end))
        return out
    first_whole = start if start.day == 1 else next_month(start)
    after_whole = month_start(end + DAY)
    if first_whole < after_whole:
        add(MonthFigure, Q(month__gte=first_whole, month__lt=after_whole))
        if start < first_whole:
            add(DailyFigure, Q(day__gte=start, day__lt=first_whole))
        if after_whole <= end:
            add(DailyFigure, Q(day__gte=after_whole, day__lte=end))
    else:
        add(DailyFigure, Q(day__gte=start, day__lte=end))
    return out


def rollup(counts, index=None):
    """Sum a cube over all its dimensions (index None) or down to one of them."""
    out = defaultdict(Counter)
    for key, c in counts.items():
        out[None if index is None else key[index]].update(c)
    return out


def handling_p90(scope, start, end):
    """The 90th percentile (nearest rank) of days from registration to finishing, of cases closed (办结, measures.DONE)
    start..end."""
    hist = Counter()
    if scope.fine or scope.category or scope.channel:
        # Histograms are kept per township only; a filtered percentile reads its (few) cases.
        for received_at, finished in _finished_cases(scope, start, end):
            hist[(finished - timezone.localtime(received_at).date()).days] += 1
    else:
        first_whole = start if start.day == 1 else next_month(start)
        after_whole = month_start(end + DAY)
        parts = []
        if first_whole < after_whole:
            parts.append(
                HandlingMonth.objects.filter(
                    centre_id__in=scope.centre_ids, month__gte=first_whole, month__lt=after_whole
                )
            )
            parts.append(
                HandlingDays.objects.filter(centre_id__in=scope.centre_ids, day__gte=start, day__lt=first_whole)
            )
            parts.append(
                HandlingDays.objects.filter(centre_id__in=scope.centre_ids, day__gte=after_whole, day__lte=end)
            )
        else:
            parts.append(HandlingDays.objects.filter(centre_id__in=scope.centre_ids, day__gte=start, day__lte=end))
        for qs in parts:
            for days, n in qs.values_list("days").annotate(n=Sum("n")).order_by():
                hist[days] += n
    return percentile(hist, 90)


def percentile(hist, p):
    """Nearest-rank percentile of a {value: count} histogram; None when empty."""
    total = sum(hist.values())
    if not total:
        return None
    rank, seen = math.ceil(total * p / 100), 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= rank:
            return value
    return None


def _finished_cases(scope, start, end):
    finished = []
    rows = scope.cases().filter(case_filters.closed_q(start, end), status__in=measures.DONE).values_list(
        "id", "received_at", "closed_at"
    )
    rows = list(rows)
    finals = drill.final_days([r[0] for r in rows if r[2] is None])
    for case_id, received_at, closed_at in rows:
        day = timezone.localtime(closed_at).date() if closed_at else finals.get(case_id)
        if day is not None:
            finished.append((received_at, day))
    return finished


# ---- Stocks. ----

def open_now(scope):
    return scope.cases().filter(status__in=StatusGroup.OPEN).count()


def open_at(scope, day, now_open=None, today=None):
    """Cases open at the end of `day`: open now, minus those received since, plus those that left the stock since."""
    today = today or timezone.localdate()
    now_open = open_now(scope) if now_open is None else now_open
    if day >= today:
        return now_open
    since = flows(scope, day + DAY, today)[None]
    return now_open - since["received"] + measures.left_stock(since)


def backlog_by_age(scope, day, open_total):
    """[(code, label, count, received from, received to)] of the cases open at the end of `day`, by age."""
    start = case_filters.day_start
    # Open at the end of today is simply open (nothing has finished after today): a plainer query for the planner.
    still_open = Q(status__in=StatusGroup.OPEN) if day >= timezone.localdate() else case_filters.open_on_q(day)
    young = (
        scope.cases()
        .filter(still_open, received_at__gte=start(day - 89 * DAY), received_at__lt=start(day + DAY))
        .aggregate(
            **{
                code: Count(
                    "id",
                    filter=Q(
                        received_at__gte=start(day - oldest * DAY), received_at__lt=start(day - youngest * DAY + DAY)
                    ),
                )
                for code, _label, youngest, oldest in BACKLOG_AGES
                if oldest is not None
            }
        )
    )
    rows = []
    for code, label, youngest, oldest in BACKLOG_AGES:
        count = young[code] if oldest is not None else open_total - sum(young.values())
        received_from = day - oldest * DAY if oldest is not None else None
        rows.append((code, label, count, received_from, day - youngest * DAY))
    return rows


# ---- The figures. ----

def overdue_clocks(scope, start, end, today, field=None):
    """{value of the case's `field` (None without): Counter(acceptance_overdue, handling_overdue)}: the acceptance
    and handling clocks of the cases in scope still running past a due date in start..end (due before today; the
    due day itself is still in time). One grouped count on the deadline_state_due index (state, due_on): running
    clocks belong to open cases only, a bounded set."""
    out = defaultdict(Counter)
    last = min(end, today - DAY)
    if start > last:
        return out
    rows = Deadline.objects.filter(
        scope.case_q("case__"), state=Deadline.State.RUNNING, rule__code__in=measures.TIMELINESS_CLOCKS,
        due_on__gte=start, due_on__lte=last,
    )
    counts = {
        "acceptance_overdue": Count("id", filter=Q(rule__code=measures.ACCEPTANCE_CLOCK)),
        "handling_overdue": Count("id", filter=Q(rule__code=measures.HANDLING_CLOCK)),
    }
    found = rows.values(f"case__{field}").annotate(**counts).order_by() if field else [rows.aggregate(**counts)]
    for row in found:
        out[row[f"case__{field}"] if field else None].update({k: row[k] or 0 for k in counts})
    return out


def figures_for(user, start, end, *, village=None, unit=None, category=None, channel=None):
    """Every figure of the period start..end (dates, inclusive) in `user`'s scope, as plain JSON-able values.

    Raises PermissionDenied for roles that do not read figures (handlers, grid workers). Each figure carries its
    definition and `url`, the case list of exactly the cases behind it.
    """
    if start > end:
        raise ValueError("start after end")
    scope = Scope(centres_for(user), village=village, unit=unit, category=category, channel=channel)
    return compute(scope, start, end)


def compute(scope, start, end, *, today=None):
    today = today or timezone.localdate()
    as_of = min(end, today)
    level = "village" if len(scope.centres) == 1 else "centre"
    counts = cube(scope, start, end, (level, "category", "channel"))
    per_place = rollup(counts, 0)
    for key, overdue in overdue_clocks(scope, start, end, today, COLUMNS[level]).items():
        per_place[key or 0].update(overdue)
    t = Counter()
    for place_counts in per_place.values():
        t.update(place_counts)
    now = now_by_place(scope, COLUMNS[level], today)
    now_open = sum(n_open for n_open, _overdue, _soon in now.values())
    open_end = open_at(scope, as_of, now_open, today)
    # Stock and flow: open at the start = open at the end − received in the period + what left the stock in it.
    left = measures.left_stock(t)
    open_start = open_end - t["received"] + left
    base = scope.params()
    url = lambda **params: drill.case_list_url({**base, **params})
    received_q = {"date_from": start, "date_to": end}
    closed_q = {"closed_from": start, "closed_to": end}
    figures = [
        _figure("received", _("登记"), t["received"], _("件"), url(**received_q)),
        # No case-list filter selects by acceptance date: the figure has no list behind it.
        _figure("accepted", _("受理"), t["accepted"], _("件"), None),
        _figure("persons", _("人次"), t["persons"], _("人次"), url(contacted_from=start, contacted_to=end)),
        _figure(
            "contacts", _("来访（电、信）次数"), t["contacts"], _("次"), url(contacted_from=start, contacted_to=end)
        ),
        # 办结 is two states (measures.DONE); the case list filters one state at a time: one list for each.
        _figure("closed", _("办结"), t["closed"], _("件"), None, links=[
            _link(_("已办结"), t["closed"] - t["final"], url(**closed_q, status=Status.CLOSED.value)),
            _link(_("已终结"), t["final"], url(**closed_q, status=Status.FINAL.value)),
        ]),
        _figure(
            "not_accepted", _("不予受理"), t["not_accepted"], _("件"), url(**closed_q, status=Status.NOT_ACCEPTED.value)
        ),
        _figure("forwarded", _("转送"), t["forwarded"], _("件"), url(**closed_q, status=Status.FORWARDED.value)),
        _figure(
            "resolved",
            _("实际化解"),
            t["resolved"],
            _("件"),
            url(**closed_q, outcome="resolved"),
            rate=measures.resolution_rate(t),
            rate_label=_("化解率"),
        ),
        # The timeliness rates count clocks by due date, which no case-list filter selects: no list behind them.
        _figure(
            "timely_acceptance",
            _("及时受理"),
            t["acceptance_timely"],
            _("件"),
            None,
            rate=measures.timely_acceptance_rate(t),
            rate_label=_("及时受理率"),
            extra={
                "due": measures.acceptance_due(t), "overdue": t["acceptance_overdue"],
                "note": _("期限届满 %(due)s 件，其中届满仍未决定 %(overdue)s 件")
                % {"due": measures.acceptance_due(t), "overdue": t["acceptance_overdue"]},
            },
        ),
        _figure(
            "on_time",
            _("按期办结"),
            t["handling_on_time"],
            _("件"),
            None,
            rate=measures.on_time_rate(t),
            rate_label=_("按期办结率"),
            extra={
                "due": measures.handling_due(t), "overdue": t["handling_overdue"],
                "note": _("期限届满 %(due)s 件，其中届满仍未办结 %(overdue)s 件")
                % {"due": measures.handling_due(t), "overdue": t["handling_overdue"]},
            },
        ),
        _figure(
            "handling_days",
            _("平均办理天数"),
            round(t["handling_days"] / t["closed"], 1) if t["closed"] else None,
            _("天"),
            None,
            extra={"p90": handling_p90(scope, start, end)},
        ),
        _figure(
            "satisfaction",
            _("满意率"),
            rate(t["sat_satisfied"] + t["sat_basic"], t["sat_answers"]),
            "%",
            url(**received_q, outcome="satisfied"),
            extra={
                "answers": t["sat_answers"],
                "satisfied": t["sat_satisfied"],
                "basic": t["sat_basic"],
                "answers_url": url(**received_q, outcome="answered"),
            },
        ),
        _figure(
            "single",
            _("最多访一次"),
            rate(t["closed_single"], t["closed"]),
            "%",
            None,
            extra={"count": t["closed_single"]},
        ),
        _figure(
            "repeat",
            _("重复访率"),
            rate(t["repeat"], t["received"]),
            "%",
            url(**received_q, outcome="repeat"),
            extra={"count": t["repeat"]},
        ),
    ]
    backlog = [
        {"code": code, "label": str(label), "value": count,
         "url": url(open_on=as_of, **({"date_from": lo} if lo else {}), date_to=hi)}
        for code, label, count, lo, hi in backlog_by_age(scope, as_of, open_end)
    ]
    stock = {
        "open_start": open_start, "received": t["received"], "left": left, "closed": t["closed"],
        "not_accepted": t["not_accepted"], "forwarded": t["forwarded"], "open_end": open_end,
        "as_of": as_of.isoformat(),
        "open_start_url": url(open_on=start - DAY), "open_end_url": url(open_on=as_of),
        "received_url": url(**received_q), "left_url": url(**closed_q),
        "backlog_by_age": backlog,
        "definitions": {k: str(DEFINITIONS[k]) for k in ("open_start", "open_end", "left_stock")},
    }
    channels = _channels(scope)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "as_of": as_of.isoformat()},
        "scope": _describe(scope),
        "channels": channels,
        "sentence": sentence(scope, start, end, t),
        "figures": figures,
        "stock": stock,
        "by_month": by_month(scope, start, end, open_end, as_of, today),
        "by_place": by_place(scope, start, end, per_place, now),
        "by_category": by_category(scope, start, end, rollup(counts, 1)),
        "by_channel": by_channel(scope, start, end, rollup(counts, 2)),
        "grid": grid_figures(scope, start, end, today),
        "hard_cases": hard_case_figures(scope),
    }


def _figure(code, label, value, unit, url, *, rate=None, rate_label="", extra=None, links=None):
    """One figure: `url` is the case list of exactly its cases, None where the case list cannot select them;
    `links` are lists of parts of it, each exact."""
    return {
        "code": code, "label": str(label), "value": value, "unit": str(unit), "url": url,
        "rate": rate, "rate_label": str(rate_label), "definition": str(DEFINITIONS[code]), "links": links or [],
        **(extra or {}),
    }


def _link(label, value, url):
    return {"label": str(label), "value": value, "url": url}


def sentence(scope, start, end, t):
    """The report's sentence, e.g. "接待来访 86 件 156 人次，受理 80 件，办结 84 件，化解 84 件", for any period."""
    what = _("接待来访") if scope.channel == Channel.VISIT else _("登记信访事项和矛盾纠纷")
    text = _(
        "%(start)s至%(end)s，%(what)s %(cases)s 件 %(persons)s 人次，受理 %(accepted)s 件，办结 %(closed)s 件，"
        "化解 %(resolved)s 件"
    ) % {
        "start": _cn(start),
        "end": _cn(end),
        "what": what,
        "cases": t["received"],
        "persons": t["persons"],
        "accepted": t["accepted"],
        "closed": t["closed"],
        "resolved": t["resolved"],
    }
    if t["not_accepted"] or t["forwarded"]:
        text += _("；另不予受理 %(not_accepted)s 件，转送 %(forwarded)s 件") % {
            "not_accepted": t["not_accepted"], "forwarded": t["forwarded"],
        }
    return text + "。"


def _cn(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _describe(scope):
    names = {}
    if scope.village or scope.unit:
        names = dict(
            Unit.objects.filter(pk__in=[p for p in (scope.village, scope.unit) if p]).values_list("pk", "name")
        )
    return {
        "centres": [{"id": c.pk, "name": c.name} for c in scope.centres],
        "village": {"id": scope.village, "name": names.get(scope.village)} if scope.village else None,
        "unit": {"id": scope.unit, "name": names.get(scope.unit)} if scope.unit else None,
        "category": {
            "id": scope.category,
            "name": Category.objects.filter(pk=scope.category).values_list("name", flat=True).first(),
        }
        if scope.category
        else None,
        "channel": {"code": scope.channel, "name": str(Channel(scope.channel).label)} if scope.channel else None,
    }


def _channels(scope):
    chosen = [Channel(scope.channel)] if scope.channel else list(Channel)
    return [{"code": c.value, "name": str(c.label)} for c in chosen]


def by_month(scope, start, end, open_end, as_of, today):
    """The twelve months up to `end`: flows per month and the open stock at each month's end."""
    first = month_start(end)
    for _i in range(11):
        first = month_start(first - DAY)
    per_month = flows(scope, first, end, by="month")
    months, m = [], first
    while m <= end:
        months.append(m)
        m = next_month(m)
    # Stock at each month end, read backwards from the stock at `as_of`.
    stock, open_after = {}, open_end
    for m in reversed(months):
        month_end = min(next_month(m) - DAY, as_of)
        stock[m] = open_after if month_end <= as_of else None
        f = per_month.get(m, Counter())
        open_after = open_after - f["received"] + measures.left_stock(f)
    base = scope.params()
    return [
        {
            "month": m.strftime("%Y-%m"), "received": per_month[m]["received"], "accepted": per_month[m]["accepted"],
            "persons": per_month[m]["persons"], "closed": per_month[m]["closed"],
            "not_accepted": per_month[m]["not_accepted"], "forwarded": per_month[m]["forwarded"],
            "resolved": per_month[m]["resolved"],
            "open_end": stock[m] if m <= as_of else None,
            "url": drill.case_list_url({**base, "date_from": max(m, first), "date_to": min(next_month(m) - DAY, end)}),
        }
        for m in months
    ]


def by_place(scope, start, end, per, now):
    """Per village (one township) or per township (a county, side by side): flows and rates (`per`, with the live
    overdue clocks merged in), open cases and overdue now."""
    base = scope.params()
    if len(scope.centres) == 1:
        param = "village"
        names = dict(
            Unit.objects.filter(path__startswith=scope.centres[0].path, kind=Unit.Kind.VILLAGE)
            .order_by("sort", "name").values_list("pk", "name")
        )
        names[0] = str(_("不属于具体村（社区）"))
    else:
        param = "centre"
        names = {c.pk: c.name for c in scope.centres}
    open_counts = {k: v[0] for k, v in now.items()}
    overdue = {k: v[1] for k, v in now.items()}
    due_soon = {k: v[2] for k, v in now.items()}
    rows = []
    for pk, name in names.items():
        f = per.get(pk, Counter())
        pk_key = pk or None
        if pk == 0 and not (any(f.values()) or open_counts.get(pk_key) or overdue.get(pk_key)):
            continue
        place = {**base, param: pk} if pk else dict(base)
        if pk == 0:
            place = {**base, "no_village": 1}
        rows.append(
            {
                "id": pk,
                "name": name,
                "received": f["received"],
                "accepted": f["accepted"],
                "persons": f["persons"],
                "closed": f["closed"],
                "not_accepted": f["not_accepted"],
                "forwarded": f["forwarded"],
                "resolved": f["resolved"],
                "resolution_rate": measures.resolution_rate(f),
                "timely_acceptance_rate": measures.timely_acceptance_rate(f),
                "on_time_rate": measures.on_time_rate(f),
                "open_now": open_counts.get(pk_key, 0),
                "overdue": overdue.get(pk_key, 0),
                "due_soon": due_soon.get(pk_key, 0),
                "received_url": drill.case_list_url({**place, "date_from": start, "date_to": end}),
                # 办结 as one list where it is one state (no 终结 among them): see compute's "closed".
                "closed_url": None if f["final"] else drill.case_list_url(
                    {**place, "status": Status.CLOSED.value, "closed_from": start, "closed_to": end}
                ),
                "not_accepted_url": drill.case_list_url(
                    {**place, "status": Status.NOT_ACCEPTED.value, "closed_from": start, "closed_to": end}
                ),
                "forwarded_url": drill.case_list_url(
                    {**place, "status": Status.FORWARDED.value, "closed_from": start, "closed_to": end}
                ),
                "open_url": drill.case_list_url({**place, "status": "open"}),
                "overdue_url": drill.case_list_url({**place, "flag": "overdue"}),
                "soon_url": drill.case_list_url({**place, "flag": "soon"}),
            }
        )
    return {"level": param, "rows": rows}


def now_by_place(scope, field, today):
    """{village or township id: (open, overdue, due soon)} now. Two grouped counts a county answers from
    indexes alone: open cases by (centre, status) (case_centre_status), due dates by (centre, next_due_on)
    (case_centre_due). Only open cases carry a due date (deadlines.refresh_next_due)."""
    soon = today + dt.timedelta(days=settings.DUE_SOON_DAYS)
    cases = scope.cases()
    found = defaultdict(lambda: [0, 0, 0])
    for key, n in cases.filter(status__in=StatusGroup.OPEN).values_list(field).annotate(n=Count("id")).order_by():
        found[key][0] = n
    due = cases.filter(next_due_on__lte=soon).values_list(field).annotate(
        overdue=Count("id", filter=Q(next_due_on__lt=today)), soon=Count("id", filter=Q(next_due_on__gte=today)),
    ).order_by()
    for key, n_overdue, n_soon in due:
        found[key][1], found[key][2] = n_overdue, n_soon
    return {key: tuple(v) for key, v in found.items()}


def by_category(scope, start, end, per):
    names = dict(Category.objects.values_list("pk", "name"))
    base = scope.params()
    rows = [
        {
            "id": pk,
            "name": names.get(pk, "?"),
            "received": f["received"],
            "closed": f["closed"],
            "resolved": f["resolved"],
            "url": drill.case_list_url({**base, "category": pk, "date_from": start, "date_to": end}),
        }
        for pk, f in per.items()
        if f["received"] or f["closed"]
    ]
    return sorted(rows, key=lambda r: (-r["received"], r["name"]))


def by_channel(scope, start, end, per):
    base = scope.params()
    return [
        {
            "code": c.value,
            "name": str(c.label),
            "received": per[c.value]["received"],
            "persons": per[c.value]["persons"],
            "url": drill.case_list_url({**base, "channel": c.value, "date_from": start, "date_to": end}),
        }
        for c in Channel
        if per.get(c.value) and (per[c.value]["received"] or per[c.value]["persons"])
    ]


def grid_figures(scope, start, end, today):
    """Household visits, disputes found and key-group follow-ups (the grid module), in scope."""
    visits = HouseholdVisit.objects.filter(centre_id__in=scope.centre_ids, visited_on__gte=start, visited_on__lte=end)
    disputes = DisputeRecord.objects.filter(
        case__centre_id__in=scope.centre_ids, found_on__gte=start, found_on__lte=end
    )
    people = KeyPerson.objects.filter(centre_id__in=scope.centre_ids, active=True)
    if scope.village:
        visits = visits.filter(village_id=scope.village)
        disputes = disputes.filter(case__village_id=scope.village)
        people = people.filter(village_id=scope.village)
    counted = visits.aggregate(visits=Count("id"), households=Count("household_id", distinct=True),
                               found=Count("id", filter=Q(finding="dispute")))
    overdue_people = list(
        people.filter(next_visit_due__lt=today).select_related("village").order_by("next_visit_due", "id")
        .values("name", "group", "village__name", "next_visit_due")[:20]
    )
    return {
        "visits": counted["visits"], "households": counted["households"], "visit_disputes": counted["found"],
        "disputes": disputes.count(),
        "disputes_url": drill.case_list_url({**scope.params(), "ledger_from": start, "ledger_to": end}),
        "key_people": people.count(), "key_people_overdue": people.filter(next_visit_due__lt=today).count(),
        "key_people_overdue_list": [
            {**p, "group": str(KeyPerson.Group(p["group"]).label), "next_visit_due": p["next_visit_due"].isoformat()}
            for p in overdue_people
        ],
        "definition": str(DEFINITIONS["visits"]), "key_people_definition": str(DEFINITIONS["key_people"]),
    }


def hard_case_figures(scope):
    # Hard cases are few (a township has a handful): start from them, never from the case table.
    designated = list(HardCase.objects.values_list("case_id", flat=True))
    in_scope = scope.cases().filter(id__in=designated, status__in=StatusGroup.OPEN).values("id") if designated else []
    hard = list(HardCase.objects.filter(case_id__in=in_scope).select_related("case").order_by("designated_at"))
    found = assess(hard) if hard else {}
    rows = [
        {"number": h.case.number, "kind": str(h.get_kind_display()), "complete": not found[h.case_id].missing,
         "missing": found[h.case_id].missing, "url": reverse("case_detail", args=[h.case.number])}
        for h in hard
    ]
    return {
        "open": len(rows), "complete": sum(1 for r in rows if r["complete"]), "rows": rows,
        "url": drill.case_list_url({**scope.params(), "status": "open", "outcome": "hard"}),
        "definition": str(DEFINITIONS["hard_cases"]),
    }


def previous_period(start, end):
    """The period of the same length just before start..end."""
    length = end - start
    return start - length - DAY, start - DAY
