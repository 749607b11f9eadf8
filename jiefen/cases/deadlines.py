"""The clock engine: start, stop, pause, extend and recompute a case's Deadline rows on its events.

Which event starts, stops or pauses which clock is configuration (clocks.ClockRule); this module only applies it.
Called from actions inside their transaction, never on its own.
"""


from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.clocks.calendar import compute_due
from jiefen.clocks.models import ClockRule

from .models import Case, Deadline

OPEN_STATES = [Deadline.State.RUNNING, Deadline.State.PAUSED]


def _rules():
    return list(ClockRule.objects.filter(active=True))


def _compute(deadline, calendar=None):
    due = compute_due(
        deadline.started_on, deadline.length, deadline.unit, [tuple(a) for a in deadline.additions],
        calendar=calendar,
    )
    deadline.due_on, deadline.explanation, deadline.warning = due.due, due.explanation, due.warning


def apply_event(case, event, on_date):
    """Stop, pause, resume and start the clocks that `event` (an action code) touches, as of `on_date`."""
    for deadline in case.deadlines.select_related("rule").filter(
        state__in=[Deadline.State.RUNNING, Deadline.State.PAUSED]
    ):
        rule = deadline.rule
        if event in rule.events("stop_events"):
            deadline.state, deadline.finished_on = Deadline.State.MET, on_date
            deadline.save(update_fields=["state", "finished_on"])
        elif event in rule.events("pause_events") and deadline.state == Deadline.State.RUNNING:
            deadline.state, deadline.paused_on = Deadline.State.PAUSED, on_date
            deadline.save(update_fields=["state", "paused_on"])
        elif event in rule.events("resume_events") and deadline.state == Deadline.State.PAUSED:
            # 复核听证所需时间不计算在期限内: add the paused days back to the period.
            paused_days = (on_date - deadline.paused_on).days
            deadline.additions = deadline.additions + [[paused_days, _("听证中止计时")]]
            deadline.state, deadline.paused_on = Deadline.State.RUNNING, None
            _compute(deadline)
            deadline.save()
    for rule in _rules():
        if rule.start_event != event or not rule.applies(case.kind, case.legal_class, case.channel):
            continue
        deadline = Deadline(case=case, rule=rule, started_on=on_date, length=rule.length, unit=rule.unit)
        if rule.code == "acceptance" and case.identity_unknown:
            # 信访人的姓名（名称）、住址不清的除外.
            deadline.state = Deadline.State.EXEMPT
            deadline.explanation = _("信访人姓名（名称）或住址不清，不适用书面告知期限")
        else:
            _compute(deadline)
        deadline.save()
    refresh_next_due(case)


def extend(case, days, reason):
    """Add an approved extension to the running handling clock; return the deadline."""
    deadline = case.deadlines.select_related("rule").get(state=Deadline.State.RUNNING, rule__max_extension_days__gt=0)
    return _add_days(case, deadline, days, reason)


def prolong(case, rule_code, days, reason):
    """Add `days` to the running clock `rule_code` of `case` (an advisory period the parties agreed to extend);
    return the deadline, or None if that clock is not running."""
    deadline = case.deadlines.filter(state=Deadline.State.RUNNING, rule__code=rule_code).order_by("-id").first()
    return None if deadline is None else _add_days(case, deadline, days, reason)


def _add_days(case, deadline, days, reason):
    deadline.additions = deadline.additions + [[days, reason]]
    _compute(deadline)
    deadline.save()
    refresh_next_due(case)
    return deadline


def extension_room(case):
    """Days still allowed as extension on the running handling clock, or 0 if none."""
    deadline = (
        case.deadlines.select_related("rule")
        .filter(state=Deadline.State.RUNNING, rule__max_extension_days__gt=0)
        .first()
    )
    if deadline is None:
        return 0
    used = sum(days for days, _reason in deadline.additions)
    return max(deadline.rule.max_extension_days - used, 0)


def running(case, rule_code):
    return case.deadlines.filter(rule__code=rule_code, state=Deadline.State.RUNNING).first()


def refresh_next_due(case):
    """Keep Case.next_due_on (earliest running obligation) and the schedule warning in step with the rows."""
    open_rows = case.deadlines.filter(state=Deadline.State.RUNNING, rule__is_obligation=True)
    next_due = open_rows.aggregate(m=Min("due_on"))["m"]
    warning = (
        case.deadlines.filter(state__in=[Deadline.State.RUNNING, Deadline.State.PAUSED]).exclude(warning="").exists()
    )
    Case.objects.filter(pk=case.pk).update(next_due_on=next_due, schedule_warning=warning)
    case.next_due_on, case.schedule_warning = next_due, warning


def touched_by_schedule(years):
    """Open deadlines a newly loaded schedule for `years` may move.

    Those that carry a schedule warning, and those whose counted span (start day to due day) reaches into one of
    `years`: a corrected reload of a year already loaded moves those too, though they carry no warning.
    The span test reads the deadline_state_due index (state, due_on).
    """
    span = Q()
    for year in years:
        span |= Q(started_on__year__lte=year, due_on__year__gte=year)
    return Deadline.objects.filter(state__in=OPEN_STATES).filter(~Q(warning="") | span)


def recompute(case, years, calendar):
    """Recompute `case`'s deadlines touched by `years`; return (deadline, due before, warned before) per change.

    Called by actions.clocks.do_recompute_deadlines with the case row locked, so no other action is moving
    the same deadlines meanwhile.
    """
    changed = []
    for deadline in touched_by_schedule(years).filter(case=case).select_related("rule").order_by("id"):
        before = (deadline.due_on, deadline.warning, deadline.explanation)
        _compute(deadline, calendar)
        if (deadline.due_on, deadline.warning, deadline.explanation) != before:
            deadline.save(update_fields=["due_on", "explanation", "warning"])
            changed.append((deadline, before[0], bool(before[1])))
    if changed:
        refresh_next_due(case)
    return changed


def flag(due_on, today=None, soon_days=3):
    """'overdue', 'soon' or '' for a due date, as shown on every list."""
    if due_on is None:
        return ""
    today = today or timezone.localdate()
    if due_on < today:
        return "overdue"
    if (due_on - today).days <= soon_days:
        return "soon"
    return ""
