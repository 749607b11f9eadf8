"""The demo centre's roster (called by county.seed): this month and the next, over its leaders in turn."""

from jiefen.duty.models import DutyShift
from jiefen.duty.queries import add_months
from jiefen.duty.services import generate_month
from jiefen.org.models import Role, User


def seed_roster(centre, today):
    """Generate the months (this and next) that have no roster yet, as the centre's director would."""
    director = User.objects.filter(unit=centre, role=Role.DIRECTOR, is_active=True).order_by("id").first()
    leaders = list(User.objects.filter(unit=centre, role=Role.LEADER, is_active=True).order_by("id"))
    if director is None or not leaders:
        return []
    results = []
    for n in (0, 1):
        year, month = add_months(today.year, today.month, n)
        if not DutyShift.objects.filter(centre=centre, date__year=year, date__month=month).exists():
            results.append(generate_month(centre, year, month, leaders, director))
    return results


def roster_by_day(centre):
    """{date: leader} of a centre's roster, for the demo's visits to be received by the leader on duty."""
    return {s.date: s.leader for s in DutyShift.objects.filter(centre=centre).select_related("leader")}
