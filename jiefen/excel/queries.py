"""Reads for imports and exports: jobs in scope, the units a user may export, and the rows of each export.

Scope follows the grid module's read path (jiefen.grid.access): the ledger is the dispute cases the user may see
(jiefen.cases.access), the visit log the visits of their grid, village, township or county.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.models import Event, Party
from jiefen.grid.access import ledger_for, visits_for
from jiefen.org import authz
from jiefen.org.models import Unit

from .models import ImportJob

FOLLOW_UP = "agreement_follow_up"


def jobs_for(user):
    """Import jobs of the user's township (the county's for the supervisor)."""
    scope = authz.scope_of(user)
    if scope.county_read:
        return ImportJob.objects.filter(centre_id__in=list(scope.centre_ids))
    if scope.whole_centre:
        return ImportJob.objects.filter(centre=scope.centre)
    return ImportJob.objects.none()


def access_job(user, pk):
    try:
        return jobs_for(user).select_related("uploaded_by", "centre").get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404("导入任务不存在")


def recent_jobs(user, limit=20):
    # importjob_centre_created
    return list(jobs_for(user).select_related("uploaded_by").order_by("-created_at", "-id")[:limit])


# Units ----------------------------------------------------------------------------------------------------------------


def export_units(user, what):
    """The units `user` may export `what` ("ledger" or "visits") for, widest first (the first is the default).

    The ledger is kept per village and up; the visit log also per grid.
    """
    scope = authz.scope_of(user)
    kinds = [Unit.Kind.COUNTY, Unit.Kind.TOWNSHIP, Unit.Kind.VILLAGE] + ([Unit.Kind.GRID] if what == "visits" else [])
    if scope.county_read:
        base = [scope.unit] + sorted(scope.centres, key=lambda centre: centre.path)
    elif scope.whole_centre:
        base = [scope.centre]
    elif scope.local:
        if scope.grid is not None and what == "visits":
            return [scope.grid]
        base = [scope.village] if scope.village else []
    else:
        return []
    if scope.county_read:
        # A county's hundreds of villages make no usable select: the county and its townships (a village or grid
        # can still be asked for by id, see export_unit).
        return base
    units = list(base)
    for root in base:
        units += list(root.subtree().exclude(pk=root.pk).filter(kind__in=kinds).order_by("path"))
    return [u for u in units if u.kind in kinds]


def export_unit(user, what, unit_id):
    """The unit asked for, if `user` may export it: the default when none is asked; 404 outside scope."""
    units = export_units(user, what)
    if not units:
        raise PermissionDenied(_("您的角色不能导出台账"))
    if not unit_id:
        return units[0]
    for unit in units:
        if str(unit.pk) == str(unit_id):
            return unit
    scope = authz.scope_of(user)
    if scope.county_read:
        # A county's villages are not all listed in the form, but the county supervisor may export any of them.
        number = str(unit_id) if str(unit_id).isascii() and str(unit_id).isdigit() else None  # not "²"
        found = Unit.objects.filter(pk=number, path__startswith=scope.unit.path,
                                    kind__in=[Unit.Kind.VILLAGE, Unit.Kind.GRID]).first()
        if found is not None and (what == "visits" or found.kind == Unit.Kind.VILLAGE):
            return found
    raise Http404("单位不存在")


def default_period():
    today = timezone.localdate()
    return dt.date(today.year, 1, 1), today


# Rows -----------------------------------------------------------------------------------------------------------------


def ledger_rows(user, unit, start, end):
    """The ledger rows of `unit` found within [start, end], oldest first, with parties, mediator and latest
    follow-up. DisputeRecord by found_on within the user's case scope; parties prefetched per batch."""
    rows = ledger_for(user).filter(found_on__gte=start, found_on__lte=end)
    if unit.kind == Unit.Kind.VILLAGE:
        rows = rows.filter(case__village=unit)
    elif unit.kind == Unit.Kind.TOWNSHIP:
        rows = rows.filter(case__centre=unit)
    else:
        rows = rows.filter(case__centre__path__startswith=unit.path)
    rows = rows.select_related("case", "case__village", "mediator").prefetch_related(
        Prefetch("case__parties", queryset=Party.objects.order_by("id"))
    ).order_by("found_on", "id")
    return rows


def follow_up_results(case_ids):
    """{case id: latest 协议履行回访 event data} for these cases."""
    latest = {}
    events = (
        Event.objects.filter(case_id__in=case_ids, kind=FOLLOW_UP).order_by("at", "id").values_list("case_id", "data")
    )
    for case_id, data in events:
        latest[case_id] = data
    return latest


def visit_rows(user, unit, start, end):
    """The household visits of `unit` within [start, end], oldest first, as value tuples.

    Served by hhvisit_(grid|village|centre)_day."""
    visits = visits_for(user).filter(visited_on__gte=start, visited_on__lte=end)
    if unit.kind == Unit.Kind.GRID:
        visits = visits.filter(grid=unit)
    elif unit.kind == Unit.Kind.VILLAGE:
        visits = visits.filter(village=unit)
    elif unit.kind == Unit.Kind.TOWNSHIP:
        visits = visits.filter(centre=unit)
    else:
        visits = visits.filter(centre__path__startswith=unit.path)
    return visits.order_by("visited_on", "id").values_list(
        "visited_on", "village__name", "grid__name", "household__head_name", "household__address", "visitor__name",
        "finding", "note", "case__number",
    )
