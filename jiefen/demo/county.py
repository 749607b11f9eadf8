"""The demo county (see DESIGN.md §1): `seed()` builds it through the real action functions, `figures()` reads one
township's figures back for the report and the tests.

`seed()` makes the county 青山县 with the centre 青山镇 (20 villages and communities with their grids, 12
departments) and a small second township, one login per role, and a year of cases; then the leadership's cases
and visits (leadership.py) and the grid's year of household visits (grid.py). The same seed on the same day
gives the same data (query codes excepted: they are secret by design).
"""

import datetime as dt
import random

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from jiefen.audit.records import record
from jiefen.cases.models import Case, Category, Channel, Status
from jiefen.org.models import Unit

from . import grid as grid_demo
from . import handdown as handdown_demo
from . import leadership as leadership_demo
from .duty import seed_roster
from .township import (
    CENTRE_CODE,
    DEFAULT_SEED,
    OTHER_CODE,
    Town,
    build_receiving_organs,
    build_routing_rules,
    build_staff,
    build_units,
)
from .year import DeskClock, Planner, write


def _wipe():
    """Delete the demo townships' cases (units and staff stay: the audit trail refers to them)."""
    ids = list(Case.objects.filter(centre__code__in=[CENTRE_CODE, OTHER_CODE]).values_list("pk", flat=True))
    Case.objects.filter(pk__in=ids).delete()
    if ids:
        # The search table (cases.0003) has no foreign key to cascade from, on either database.
        key = "case_id" if connection.vendor == "postgresql" else "rowid"
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM cases_fts WHERE {key} IN ({', '.join(['%s'] * len(ids))})", ids)
    record(None, "demo.reset", details={"cases_deleted": len(ids)})
    return len(ids)


def seed(*, seed=DEFAULT_SEED, reset=False):
    """Build the demo county unless its centre already has cases; return how many cases were written."""
    with transaction.atomic():
        centre = Unit.objects.filter(code=CENTRE_CODE).first()
        if centre is not None and not reset and Case.objects.filter(centre=centre).exists():
            return 0
        if reset:
            grid_demo.wipe(CENTRE_CODE, OTHER_CODE)  # household visits point at the cases
            _wipe()
        build_units()
        build_receiving_organs()
        build_staff(reset=reset)
        build_routing_rules()
        # Before the towns are read: this month's visits are received by the leader the roster has on duty.
        seed_roster(Unit.objects.get(code=CENTRE_CODE), timezone.localdate())
        rng = random.Random(seed)
        planner = Planner(rng, timezone.localdate(), [Town(CENTRE_CODE), Town(OTHER_CODE)])
        categories = {c.name: c for c in Category.objects.all()}
        plans = planner.plan()
        missing = {p.matter.category for p in plans} - set(categories)
        for name in sorted(missing):
            categories[name] = Category.objects.create(name=name, sort=len(categories))
        clock, previous = DeskClock(rng), None
        for plan in plans:
            received_at = clock.first(plan.received, previous)
            previous = received_at
            write(plan, categories, clock, received_at)
        written = len(plans) + leadership_demo.seed(CENTRE_CODE, OTHER_CODE) + handdown_demo.seed()
        return written + grid_demo.seed(CENTRE_CODE, OTHER_CODE, seed=seed)


def figures(code=CENTRE_CODE, today=None):
    """The demo figures of one township, as the report and the tests read them."""
    today = today or timezone.localdate()
    cases = Case.objects.filter(centre__code=code)
    visits = cases.filter(channel=Channel.VISIT)
    soon = today + dt.timedelta(days=3)
    return {
        "cases": cases.count(),
        "visit_cases": visits.count(),
        "visit_person_times": visits.aggregate(n=Sum("person_times"))["n"] or 0,
        "visits_resolved": visits.filter(resolved=True).count(),
        "by_status": dict(cases.values_list("status").annotate(n=Count("id")).order_by("status")),
        "by_channel": dict(cases.values_list("channel").annotate(n=Count("id")).order_by("channel")),
        "disputes": cases.filter(kind=Case.Kind.DISPUTE).count(),
        "group_visits": visits.filter(is_group=True).count(),
        "overdue": cases.filter(next_due_on__lt=today).count(),
        "due_soon": cases.filter(next_due_on__gte=today, next_due_on__lte=soon).count(),
        "closed": cases.filter(status__in=[Status.CLOSED, Status.FINAL]).count(),
    }
