"""Keeping the daily aggregates exact: what each case contributes, applied as a difference on every change.

contributions(facts) says which counters a case adds to which day, from its current state alone (what each
counter means for the page: measures.py):

- on the day it was registered: received (1), repeat (1 if Case.contact_count > 1), and its
  satisfaction answer if any (sat_answers, sat_satisfied for 满意, sat_basic for 基本满意);
- on its acceptance day (Case.accepted_on): accepted (1);
- on the day of each contact (the first visit included), under the contact's own channel: contacts (1) and
  persons (the head count);
- on the day it finished (closed_at; for a 终结 recorded without one, the day of the re-review decision):
  if it is 办结 or 终结 (measures.DONE): closed, final (终结), closed_single (exactly one contact), resolved
  (实际化解), handling_days (days from registration to finishing) and one count in the HandlingDays histogram;
  if it is 不予受理 or 转送: not_accepted or forwarded only (they leave the stock but are not 办结);
- on the due day of each finished acceptance or handling clock (measures.TIMELINESS_CLOCKS): acceptance_decided
  or handling_done (1), and acceptance_timely or handling_on_time (1) if it finished by its due date. A finished
  clock never changes again (an extension or a new holiday schedule moves running clocks only), and a running one
  contributes nothing here: whether it is overdue depends on today's date, so queries read those live.

Open at the end of day D = received up to D − (closed + not_accepted + forwarded) up to D. A case reopened by
review (复查/复核) is open again: it no longer counts as closed on its earlier closing day, and counts as closed on
the day it finishes again. Figures therefore always describe the cases as they stand now; a meeting pack keeps
the figures as they were when it was made (AnalysisMeeting.pack).

track(case) wraps every change (steps.perform.perform, actions.intake.do_register_case, through the core's
case_change_hooks): it reads the case's contributions before and after, in the same transaction, and adds the
difference to the three tables.
recount() computes every table from the cases alone: rebuild_figures writes it, verify_figures compares.
"""

import contextlib
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from jiefen.cases.models import Case, Contact, Deadline, Event, Status

from . import measures
from .models import COUNTERS, DailyFigure, HandlingDays, HandlingMonth, MonthFigure

SATISFIED, BASIC = "满意", "基本满意"
CASE_FIELDS = (
    "id", "centre_id", "village_id", "responsible_unit_id", "category_id", "channel", "kind", "status",
    "received_at", "accepted_on", "closed_at", "resolved", "satisfaction", "contact_count",
)
# What a finished timeliness clock adds on its due day: (counter, counter if it finished by then).
CLOCK_COUNTERS = {
    measures.ACCEPTANCE_CLOCK: ("acceptance_decided", "acceptance_timely"),
    measures.HANDLING_CLOCK: ("handling_done", "handling_on_time"),
}
LEFT_COUNTER = {Status.NOT_ACCEPTED: "not_accepted", Status.FORWARDED: "forwarded"}


def local_day(value):
    return timezone.localtime(value).date()


def month_of(day):
    return day.replace(day=1)


def contributions(case, contacts, clocks, final_at=None):
    """Counter {(dims, day, counter): n} of one case. `case` is a dict of CASE_FIELDS, `contacts` a list of
    (occurred_at, head_count, channel), each counted under its own channel, `clocks` a list of (rule code, due_on,
    finished_on) of its finished timeliness clocks, `final_at` when a 终结 without closed_at was decided.
    dims = (centre, village, unit, category, channel, kind), 0 for none."""
    dims = (
        case["centre_id"], case["village_id"] or 0, case["responsible_unit_id"] or 0, case["category_id"],
        case["channel"], case["kind"],
    )
    out = Counter()
    received = local_day(case["received_at"])
    out[dims, received, "received"] += 1
    if case["contact_count"] > 1:
        out[dims, received, "repeat"] += 1
    answer = case["satisfaction"] or ""
    if answer:
        out[dims, received, "sat_answers"] += 1
        if answer == SATISFIED:
            out[dims, received, "sat_satisfied"] += 1
        elif answer == BASIC:
            out[dims, received, "sat_basic"] += 1
    if case["accepted_on"] is not None:
        out[dims, case["accepted_on"], "accepted"] += 1
    for occurred_at, head_count, channel in contacts:
        day = local_day(occurred_at)
        by_contact = (*dims[:4], channel, *dims[5:])  # a call on a visit case is a call (issue 13, point 3)
        out[by_contact, day, "contacts"] += 1
        out[by_contact, day, "persons"] += head_count
    finished = finished_day(case, final_at)
    if finished is not None and case["status"] in measures.DONE:
        days = (finished - received).days
        out[dims, finished, "closed"] += 1
        out[dims, finished, "final"] += 1 if case["status"] == Status.FINAL else 0
        out[dims, finished, "closed_single"] += 1 if case["contact_count"] == 1 else 0
        out[dims, finished, "resolved"] += 1 if case["resolved"] else 0
        out[dims, finished, "handling_days"] += days
        out[dims, finished, ("days", days)] += 1
    elif finished is not None:
        out[dims, finished, LEFT_COUNTER[case["status"]]] += 1
    for code, due_on, finished_on in clocks:
        counted, in_time = CLOCK_COUNTERS[code]
        out[dims, due_on, counted] += 1
        out[dims, due_on, in_time] += 1 if finished_on <= due_on else 0
    return +out  # drop zero counts


def finished_day(case, final_at=None):
    """The local day `case` left the stock (办结, 终结, 不予受理 or 转送), None while it is open."""
    if case["status"] not in measures.LEFT_STOCK:
        return None
    if case["closed_at"] is not None:
        return local_day(case["closed_at"])
    return local_day(final_at) if final_at is not None else local_day(case["received_at"])


# ---- Reading the facts of many cases at once (the incremental path reads one, the recount thousands). ----

def facts(cases_q):
    """[(case dict, contacts, clocks, final_at)] for the cases matching the Q `cases_q`, in four queries."""
    cases = list(Case.objects.filter(cases_q).values(*CASE_FIELDS))
    if not cases:
        return []
    ids = [c["id"] for c in cases]
    contacts, clocks = defaultdict(list), defaultdict(list)
    final_at = {}
    for chunk in _chunks(ids, 900):
        for case_id, occurred_at, heads, channel in Contact.objects.filter(case_id__in=chunk).values_list(
            "case_id", "occurred_at", "head_count", "channel"
        ):
            contacts[case_id].append((occurred_at, heads, channel))
        for case_id, *clock in finished_clocks(Deadline.objects.filter(case_id__in=chunk)).values_list(
            "case_id", "rule__code", "due_on", "finished_on"
        ):
            clocks[case_id].append(tuple(clock))
        finals = Event.objects.filter(case_id__in=chunk, kind="decide_rereview").values_list("case_id", "at")
        for case_id, at in finals:
            final_at[case_id] = max(at, final_at.get(case_id, at))
    return [(c, contacts[c["id"]], clocks[c["id"]], final_at.get(c["id"])) for c in cases]


def finished_clocks(deadlines):
    """The finished timeliness clocks among `deadlines` (an exempt acceptance clock has no due date)."""
    return deadlines.filter(
        rule__code__in=measures.TIMELINESS_CLOCKS, due_on__isnull=False, finished_on__isnull=False
    )


def _chunks(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def case_contributions(case_id):
    found = facts(Q(pk=case_id))
    return contributions(*found[0]) if found else Counter()


# ---- Applying a difference. ----

def project(contribs):
    """{table model: {key tuple: Counter(counter: n)}} for a Counter of contributions."""
    daily, monthly, days, days_month = defaultdict(Counter), defaultdict(Counter), Counter(), Counter()
    for (dims, day, counter), n in contribs.items():
        centre, village, unit, category, channel, kind = dims
        if isinstance(counter, tuple):
            days[centre, day, counter[1]] += n
            days_month[centre, month_of(day), counter[1]] += n
            continue
        daily[centre, day, village, unit, category, channel, kind][counter] += n
        monthly[centre, month_of(day), category, channel][counter] += n
    return {
        DailyFigure: daily, MonthFigure: monthly,
        HandlingDays: {k: Counter(n=v) for k, v in days.items()},
        HandlingMonth: {k: Counter(n=v) for k, v in days_month.items()},
    }


KEYS = {
    DailyFigure: ("centre_id", "day", "village_id", "unit_id", "category_id", "channel", "kind"),
    MonthFigure: ("centre_id", "month", "category_id", "channel"),
    HandlingDays: ("centre_id", "day", "days"),
    HandlingMonth: ("centre_id", "month", "days"),
}
VALUES = {DailyFigure: COUNTERS, MonthFigure: COUNTERS, HandlingDays: ("n",), HandlingMonth: ("n",)}
TABLES = tuple(KEYS)


def apply(diff):
    """Add the Counter `diff` of contributions to the tables: one upsert per touched row."""
    for model, rows in project(diff).items():
        keys, values = KEYS[model], VALUES[model]
        table = model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in keys + values)
        marks = ", ".join(["%s"] * (len(keys) + len(values)))
        sets = ", ".join(f'"{v}" = "{table}"."{v}" + excluded."{v}"' for v in values)
        sql = (
            f'INSERT INTO "{table}" ({cols}) VALUES ({marks}) '
            f'ON CONFLICT ({", ".join(chr(34) + k + chr(34) for k in keys)}) DO UPDATE SET {sets}'
        )
        params = [
            list(key) + [counts.get(v, 0) for v in values] for key, counts in rows.items() if any(counts.values())
        ]
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)


def snapshot(case):
    """What `case` contributes now; pass it to update() after changing the case, in the same transaction.

    Locks the case row first (PostgreSQL): a step that does not move the version (a contact) must not read
    "before" while another one is changing the same case, or the other's change would be counted twice."""
    if case is None or not case.pk:
        return Counter()
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk"))
    return case_contributions(case.pk)


def update(case, before):
    """Add what `case` contributes now minus what it contributed `before` (a snapshot) to the tables."""
    diff = Counter(case_contributions(case.pk))
    diff.subtract(before)
    diff = Counter({k: v for k, v in diff.items() if v})
    if diff:
        apply(diff)


@contextlib.contextmanager
def track(case):
    """Keep the aggregates in step with whatever the block changes on `case` (inside its transaction)."""
    before = snapshot(case)
    yield
    update(case, before)


# ---- Full recount. ----

def all_centre_ids():
    return list(Case.objects.order_by().values_list("centre_id", flat=True).distinct())


def recount_centre(centre_id, batch=20000):
    """{model: {key: Counter}} of every case of one township, batch by batch."""
    total = {model: defaultdict(Counter) for model in TABLES}
    ids = list(Case.objects.filter(centre_id=centre_id).order_by("id").values_list("id", flat=True))
    for i in range(0, len(ids), batch):
        low, high = ids[i], ids[min(i + batch, len(ids)) - 1]
        contribs = Counter()
        for fact in facts(Q(centre_id=centre_id, id__gte=low, id__lte=high)):
            contribs.update(contributions(*fact))
        for model, rows in project(contribs).items():
            for key, counts in rows.items():
                total[model][key].update(counts)
    return {model: {k: +c for k, c in rows.items() if +c} for model, rows in total.items()}


DIMS = ("centre_id", "village_id", "responsible_unit_id", "category_id", "channel", "kind")
# 终结 recorded without closed_at (the re-review decision does not set it): the recounts in the database leave
# these few to the Python path, which finds their day from the decision's event.
LEGACY = Q(status__in=measures.LEFT_STOCK, closed_at__isnull=True)


def recount_centre_sql(centre_id):
    """The same as recount_centre, grouped by the database (a rebuild at city scale): five GROUP BY queries
    per township, and the Python path only for 终结 cases recorded without closed_at."""
    cases = Case.objects.filter(centre_id=centre_id)
    legacy = LEGACY
    normal = cases.exclude(legacy)
    contribs = Counter()

    def dims(row, prefix=""):
        return (
            row[prefix + "centre_id"], row[prefix + "village_id"] or 0, row[prefix + "responsible_unit_id"] or 0,
            row[prefix + "category_id"], row[prefix + "channel"], row[prefix + "kind"],
        )

    registered = (
        normal.annotate(day=TruncDate("received_at"))
        .values(*DIMS, "day")
        .annotate(
            received=Count("id"),
            repeat=Count("id", filter=Q(contact_count__gt=1)),
            sat_answers=Count("id", filter=~Q(satisfaction="")),
            sat_satisfied=Count("id", filter=Q(satisfaction=SATISFIED)),
            sat_basic=Count("id", filter=Q(satisfaction=BASIC)),
        )
        .order_by()
    )
    for row in registered.iterator(chunk_size=10000):
        for counter in ("received", "repeat", "sat_answers", "sat_satisfied", "sat_basic"):
            if row[counter]:
                contribs[dims(row), row["day"], counter] += row[counter]
    # Contacts under their own channel, the rest of the dimensions the case's.
    prefixed = [f"case__{d}" for d in DIMS]
    contacts = (
        Contact.objects.filter(case__in=normal)
        .annotate(day=TruncDate("occurred_at"))
        .values(*(p for p in prefixed if p != "case__channel"), "channel", "day")
        .annotate(n=Count("id"), heads=Sum("head_count"))
        .order_by()
    )
    for row in contacts.iterator(chunk_size=10000):
        row["case__channel"] = row["channel"]
        contribs[dims(row, "case__"), row["day"], "contacts"] += row["n"]
        contribs[dims(row, "case__"), row["day"], "persons"] += row["heads"]
    accepted = (
        normal.filter(accepted_on__isnull=False).values(*DIMS, "accepted_on").annotate(n=Count("id")).order_by()
    )
    for row in accepted.iterator(chunk_size=10000):
        contribs[dims(row), row["accepted_on"], "accepted"] += row["n"]
    finished = normal.filter(status__in=measures.LEFT_STOCK).annotate(
        fday=TruncDate("closed_at"), rday=TruncDate("received_at")
    ).values(*DIMS, "status", "fday", "rday").annotate(
        n=Count("id"), single=Count("id", filter=Q(contact_count=1)), resolved_n=Count("id", filter=Q(resolved=True))
    ).order_by()
    for row in finished.iterator(chunk_size=10000):
        d, day, n = dims(row), row["fday"], row["n"]
        if row["status"] not in measures.DONE:
            contribs[d, day, LEFT_COUNTER[row["status"]]] += n
            continue
        days = (day - row["rday"]).days
        contribs[d, day, "closed"] += n
        contribs[d, day, "final"] += n if row["status"] == Status.FINAL else 0
        contribs[d, day, "closed_single"] += row["single"]
        contribs[d, day, "resolved"] += row["resolved_n"]
        contribs[d, day, "handling_days"] += days * n
        contribs[d, day, ("days", days)] += n
    clocks = (
        finished_clocks(Deadline.objects.filter(case__in=normal))
        .values(*prefixed, "rule__code", "due_on")
        .annotate(n=Count("id"), in_time=Count("id", filter=Q(finished_on__lte=F("due_on"))))
        .order_by()
    )
    for row in clocks.iterator(chunk_size=10000):
        counted, in_time = CLOCK_COUNTERS[row["rule__code"]]
        contribs[dims(row, "case__"), row["due_on"], counted] += row["n"]
        contribs[dims(row, "case__"), row["due_on"], in_time] += row["in_time"]
    for fact in facts(Q(centre_id=centre_id) & legacy):
        contribs.update(contributions(*fact))
    total = project(+contribs)
    return {model: {k: +c for k, c in rows.items() if +c} for model, rows in total.items()}


def recount(centre_ids=None):
    """{model: {key: Counter}} for every case (of `centre_ids`): the tables as a full recount says."""
    total = {model: {} for model in TABLES}
    for centre_id in all_centre_ids() if centre_ids is None else centre_ids:
        for model, rows in recount_centre(centre_id).items():
            total[model].update(rows)
    return total


def stored(model, centre_ids=None):
    qs = model.objects.all()
    if centre_ids is not None:
        qs = qs.filter(centre_id__in=centre_ids)
    keys, values = KEYS[model], VALUES[model]
    out = {}
    for row in qs.values_list(*keys, *values).iterator(chunk_size=10000):
        counts = +Counter(dict(zip(values, row[len(keys):])))
        if counts:
            out[tuple(row[: len(keys)])] = counts
    return out


def differences(centre_ids=None, *, by_database=False):
    """[(table, key, stored, recounted)] where the tables differ from a full recount; [] when exact.
    Township by township, so memory stays bounded at city scale; `by_database` recounts with GROUP BY."""
    recount_one = recount_centre_sql if by_database else recount_centre
    found = []
    stored_centres = set(DailyFigure.objects.order_by().values_list("centre_id", flat=True).distinct())
    stored_centres |= set(HandlingDays.objects.order_by().values_list("centre_id", flat=True).distinct())
    if centre_ids is None:
        centre_ids = sorted(set(all_centre_ids()) | stored_centres)
    for centre_id in centre_ids:
        for model, rows in recount_one(centre_id).items():
            have = stored(model, [centre_id])
            for key in sorted(set(have) | set(rows), key=str):
                if have.get(key, Counter()) != rows.get(key, Counter()):
                    found.append((model._meta.model_name, key, dict(have.get(key, {})), dict(rows.get(key, {}))))
    return found


def rebuild(centre_ids=None):
    """Replace the tables by a full recount, one township per transaction; returns {table: rows written}."""
    written = Counter()
    if centre_ids is None:
        for model in TABLES:
            model.objects.all().delete()
        centre_ids = all_centre_ids()
    for centre_id in centre_ids:
        with transaction.atomic():
            for model, table_rows in recount_centre_sql(centre_id).items():
                model.objects.filter(centre_id=centre_id).delete()
                keys, values = KEYS[model], VALUES[model]
                model.objects.bulk_create(
                    (
                        model(**dict(zip(keys, key)), **{v: counts.get(v, 0) for v in values})
                        for key, counts in table_rows.items()
                    ),
                    batch_size=5000,
                )
                written[model._meta.model_name] += len(table_rows)
    return dict(written)
