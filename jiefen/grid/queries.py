"""Reads of the grid module: coverage, visit history, the ledger, campaign figures and key people.

Everything is counted with aggregate queries over the denormalised (grid | village | centre, visited_on) indexes of
HouseholdVisit and the (village, grid) index of Household: the number of queries does not grow with the number of
households or visits (tests pin them).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import Party, Status, StatusGroup
from jiefen.org import authz

from .access import (
    campaigns_for,
    grids_for,
    households_for,
    key_people_for,
    ledger_for,
    villages_for,
    visitors_for,
    visits_for,
)
from .models import DisputeRecord, Household, HouseholdVisit, Visitor

# Disputes whose mediation has ended with a result (an agreement, or a failure and a referral), and those resolved:
# an agreement reached (and, once closed, recorded as really resolved). See the campaign page's legend.
MEDIATED_STATUSES = [Status.AGREED, Status.MEDIATION_FAILED, Status.REFERRED, Status.CLOSED]
RESOLVED_Q = Q(case__status=Status.AGREED) | Q(case__status=Status.CLOSED, case__resolved=True)

LEDGER_STATUS = {
    "open": (_("未办结"), Q(case__status__in=StatusGroup.LEDGER_UNFINISHED)),
    "mediating": (_("调解中"), Q(case__status=Status.MEDIATING)),
    "agreed": (_("达成协议"), Q(case__status=Status.AGREED) | Q(case__status=Status.CLOSED, case__resolved=True)),
    "failed": (_("调解不成、已导入其他途径"), Q(case__status__in=[Status.MEDIATION_FAILED, Status.REFERRED])
               | Q(case__status=Status.CLOSED, case__resolved=False)),
    "closed": (_("已办结"), Q(case__status=Status.CLOSED)),
}


def rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def this_year(cls, today=None):
        today = today or timezone.localdate()
        return cls(today.replace(month=1, day=1), today)

    @classmethod
    def this_month(cls, today=None):
        today = today or timezone.localdate()
        return cls(today.replace(day=1), today)


def own_visitor(user):
    """The register's row for `user`'s own account, if any (the visit form's default 走访人)."""
    return Visitor.objects.filter(user=user, active=True).first() if user.is_authenticated else None


def coverage(user, period, *, village=None):
    """Coverage (走访覆盖率) per village, or per grid of `village`: active households visited at least once in
    `period` / active households. Repeated visits to a household count once; households off the register count
    in neither figure. Three queries whatever the number of households: the units, two grouped counts (served by
    household_village_grid and hhvisit_village_day / hhvisit_grid_day)."""
    households = households_for(user).filter(active=True)
    visits = visits_for(user).filter(visited_on__gte=period.start, visited_on__lte=period.end, household__active=True)
    if village is not None:
        key, units = "grid_id", grids_for(user).filter(parent=village)
        households, visits = households.filter(village=village), visits.filter(village=village)
    else:
        key, units = "village_id", villages_for(user)
    totals = dict(households.values_list(key).annotate(n=Count("id")).order_by())
    visited = dict(visits.values_list(key).annotate(n=Count("household", distinct=True)).order_by())
    rows = [
        {"unit": u, "households": totals.get(u.pk, 0), "visited": visited.get(u.pk, 0),
         "rate": rate(visited.get(u.pk, 0), totals.get(u.pk, 0))}
        for u in units.order_by("path" if village is None else "sort", "sort", "name")
    ]
    total = {"households": sum(r["households"] for r in rows), "visited": sum(r["visited"] for r in rows)}
    total["rate"] = rate(total["visited"], total["households"])
    return {"rows": rows, "total": total, "period": period, "village": village}


def grid_coverage(grid, period):
    """Coverage of one grid (two counts on the grid's indexes)."""
    households = Household.objects.filter(grid=grid, active=True).count()
    visited = (
        HouseholdVisit.objects.filter(grid=grid, visited_on__gte=period.start, visited_on__lte=period.end,
                                      household__active=True)
        .values("household").distinct().count()
    )
    return {"households": households, "visited": visited, "rate": rate(visited, households), "period": period}


def household_search(user, q="", *, limit=12, pk=None):
    """Households for the visit form's picker: the user's own, by head or address, with their last visit.

    Without a search word, a grid worker or village mediator sees the households not visited for longest (a few
    hundred to aggregate); the centre's roles, whose scope is the whole township, are asked to type first.
    """
    households = households_for(user).filter(active=True)
    q = (q or "").strip()
    if pk is not None:
        households = households.filter(pk=pk) if str(pk).isdigit() else households.none()
    elif q:
        households = households.filter(Q(head_name__contains=q) | Q(address__contains=q) | Q(phone=q))
    elif not authz.scope_of(user).local:
        return []
    # Those not visited for longest first: the ones the worker is most likely going to.
    return list(
        households.select_related("grid").annotate(last_visit=Max("visits__visited_on"))
        .order_by(F("last_visit").asc(nulls_first=True), "id")[:limit]
    )


def household_list(user, *, q="", grid=None, include_inactive=False):
    """The household register in the user's scope, in register order; see with_last_visits for the page's rows."""
    households = households_for(user).select_related("grid", "village")
    if not include_inactive:
        households = households.filter(active=True)
    if grid is not None:
        households = households.filter(grid=grid)
    if q:
        households = households.filter(Q(head_name__contains=q) | Q(address__contains=q))
    return households.order_by("village__sort", "grid__sort", "id")


def with_last_visits(households):
    """Set `last_visit` on each of a page's households: one grouped query on hhvisit_household_day."""
    households = list(households)
    last = dict(
        HouseholdVisit.objects.filter(household__in=[h.pk for h in households]).values_list("household_id")
        .annotate(m=Max("visited_on")).order_by()
    )
    for h in households:
        h.last_visit = last.get(h.pk)
    return households


def household_history(household):
    """A household's visits, newest first (hhvisit_household_day), with who went and the case a visit opened."""
    return list(household.visits.select_related("visitor", "case", "recorded_by").order_by("-visited_on", "-id"))


def visit_log(user, *, grid=None, village=None, finding=None, household=None):
    """Visits newest first, served by (grid | village | centre, visited_on)."""
    visits = visits_for(user).select_related("household", "visitor", "grid", "village", "case")
    if grid is not None:
        visits = visits.filter(grid=grid)
    if village is not None:
        visits = visits.filter(village=village)
    if finding:
        visits = visits.filter(finding=finding)
    return visits.order_by("-visited_on", "-id")


def grid_page(user, grid, period):
    households = list(
        households_for(user).filter(grid=grid, active=True).annotate(last_visit=Max("visits__visited_on"))
        .order_by("id")
    )
    return {
        "grid": grid,
        "coverage": grid_coverage(grid, period),
        "households": households,
        "not_visited": [h for h in households if h.last_visit is None or h.last_visit < period.start],
        "visits": list(visit_log(user, grid=grid)[:30]),
        "visitors": list(grid.visitors.filter(active=True).order_by("kind", "name")),
    }


def ledger(user, *, village=None, dispute_kind=None, risk_level=None, status=None):
    """The dispute ledger (矛盾纠纷排查台账) as the user may see it, newest first."""
    # Parties' names only: the ledger never needs (nor decrypts) their ID numbers and phones.
    parties = Prefetch("case__parties", queryset=Party.objects.only("id", "case_id", "name", "role").order_by("id"))
    rows = (
        ledger_for(user).select_related("case", "case__village", "mediator", "source_visit__household")
        .prefetch_related(parties)
    )
    if village is not None:
        rows = rows.filter(case__village=village)
    if dispute_kind:
        rows = rows.filter(dispute_kind=dispute_kind)
    if risk_level:
        rows = rows.filter(risk_level=risk_level)
    if status in LEDGER_STATUS:
        rows = rows.filter(LEDGER_STATUS[status][1])
    return rows.order_by("-found_on", "-id")


def campaign_figures(campaign, today=None):
    """A campaign's live figures per village, against its targets.

    走访户数: distinct active households of the village visited between the start and today (or the end);
    覆盖率: those / the village's active households; 排查纠纷: ledger rows found in the period; 已调解: of those,
    the ones whose mediation ended with a result (agreement, or failure and referral); 已化解: of those, the ones
    settled by an agreement; 化解率: 已化解 / 排查纠纷. Four queries whatever the size of the villages.
    """
    today = today or timezone.localdate()
    end = min(campaign.ends_on, today)
    villages = list(campaign.villages.order_by("sort", "name"))
    ids = [v.pk for v in villages]
    households = dict(
        Household.objects.filter(village_id__in=ids, active=True).values_list("village_id").annotate(n=Count("id"))
        .order_by()
    )
    visited = dict(
        HouseholdVisit.objects.filter(village_id__in=ids, visited_on__gte=campaign.starts_on, visited_on__lte=end,
                                      household__active=True)
        .values_list("village_id").annotate(n=Count("household", distinct=True)).order_by()
    )
    disputes = {
        row["case__village_id"]: row
        for row in DisputeRecord.objects.filter(case__village_id__in=ids, found_on__gte=campaign.starts_on,
                                                found_on__lte=end)
        .values("case__village_id")
        .annotate(found=Count("id"), mediated=Count("id", filter=Q(case__status__in=MEDIATED_STATUSES)),
                  resolved=Count("id", filter=RESOLVED_Q))
        .order_by()
    }
    rows = []
    for village in villages:
        d = disputes.get(village.pk, {})
        row = {
            "village": village, "households": households.get(village.pk, 0), "visited": visited.get(village.pk, 0),
            "found": d.get("found", 0), "mediated": d.get("mediated", 0), "resolved": d.get("resolved", 0),
        }
        rows.append(_rates(row, campaign))
    total = {k: sum(r[k] for r in rows) for k in ("households", "visited", "found", "mediated", "resolved")}
    return {
        "rows": rows, "total": _rates(total, campaign), "end": end,
        "running": campaign.starts_on <= today <= campaign.ends_on,
        "days_left": (campaign.ends_on - today).days if today <= campaign.ends_on else None,
    }


def _rates(row, campaign):
    row["coverage"] = rate(row["visited"], row["households"])
    row["resolution"] = rate(row["resolved"], row["found"])
    row["coverage_met"] = row["coverage"] is not None and row["coverage"] >= campaign.target_coverage
    row["resolution_met"] = row["resolution"] is not None and row["resolution"] >= campaign.target_resolution
    return row


def key_people(user, *, group=None, village=None, overdue_only=False, include_inactive=False):
    """The key-group register, most urgent first (next_visit_due index), with overdue visits flagged."""
    today = timezone.localdate()
    people = key_people_for(user).select_related("village", "responsible", "household")
    if not include_inactive:
        people = people.filter(active=True)
    if group:
        people = people.filter(group=group)
    if village is not None:
        people = people.filter(village=village)
    if overdue_only:
        people = people.filter(next_visit_due__lt=today)
    rows = list(people.order_by("-active", "next_visit_due", "id"))
    for person in rows:
        person.overdue = person.active and person.next_visit_due < today
        person.days_overdue = (today - person.next_visit_due).days if person.overdue else 0
    return rows


def key_person_visits(person):
    return list(person.visits.select_related("visitor", "recorded_by"))


def campaigns(user):
    """Campaigns newest first, with their villages (one prefetch)."""
    return campaigns_for(user).prefetch_related("villages").order_by("-starts_on", "-id")


def overdue_key_people_count(user):
    return key_people_for(user).filter(active=True, next_visit_due__lt=timezone.localdate()).count()


def hub(user):
    """The module's front page: this month's and this year's coverage in the user's scope, and what needs doing."""
    month, year = Period.this_month(), Period.this_year()
    return {
        "month": coverage(user, month)["total"],
        "year": coverage(user, year)["total"],
        "grids": list(grids_for(user).select_related("parent").order_by("path")[:40]),
        "recent": list(visit_log(user)[:8]),
        "open_disputes": ledger(user, status="open").count(),
    }


def visitors(user, *, kind=None, q=""):
    rows = visitors_for(user).select_related("user").prefetch_related("grids")
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(specialities__contains=q))
    # 在办纠纷: still open (StatusGroup.OPEN); a dispute not accepted or closed is no longer on the visitor's hands.
    open_disputes = Count("disputes", filter=Q(disputes__case__status__in=StatusGroup.OPEN))
    return rows.annotate(open_disputes=open_disputes).order_by("-active", "kind", "name", "id")

