"""Recomputing statutory clocks when the holiday schedule they were counted on changes."""

from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.clocks.calendar import WorkCalendar, fmt

from .. import deadlines
from ..models import Case
from ..steps.perform import atomic_action, write_event


def _change_text(deadline, due_before):
    if due_before == deadline.due_on:
        return _("%(rule)s %(day)s不变") % {"rule": deadline.rule.name, "day": fmt(deadline.due_on)}
    return _("%(rule)s %(before)s → %(after)s") % {
        "rule": deadline.rule.name,
        "before": fmt(due_before) if due_before else _("未定"),
        "after": fmt(deadline.due_on),
    }


@atomic_action
def do_recompute_deadlines(acting_user, years):
    """Recompute the open deadlines a newly loaded schedule for `years` moves; one event and audit row per case.

    Not a state transition, so it writes its event itself (as do_register_case does) and leaves the case version
    alone: a clerk with a form open on the case must not be told it changed under them. Returns the cases changed.
    """
    years = sorted(set(years))
    calendar = WorkCalendar(years)
    affected = deadlines.touched_by_schedule(years).values("case_id")
    # Locking the case rows, in id order, serialises this with any action moving the same clocks: every such
    # action updates its case row (compare-and-swap) before it touches a deadline.
    cases = Case.objects.select_for_update().filter(pk__in=affected).order_by("pk")
    changed_cases = []
    for case in cases:
        changes = deadlines.recompute(case, years, calendar)
        if not changes:
            continue
        year_text = "、".join(str(y) for y in years)
        summary = _("已载入%(years)s年节假日安排，重新计算期限：%(changes)s") % {
            "years": year_text,
            "changes": "；".join(_change_text(d, before) for d, before, _warned in changes),
        }
        data = {
            "years": years,
            "deadlines": [
                {
                    "rule": d.rule.code,
                    "before": before.isoformat() if before else None,
                    "after": d.due_on.isoformat(),
                    "warning_cleared": warned and not d.warning,
                }
                for d, before, warned in changes
            ],
        }
        write_event(
            case, "recompute_deadlines", acting_user, at=timezone.now(), from_status=case.status, summary=summary,
            data=data, public=True,
        )
        record(acting_user, "case.recompute_deadlines", case, years=years, deadlines=data["deadlines"])
        changed_cases.append(case)
    return changed_cases
