"""The write path's core: `perform` takes one step on a case (DESIGN.md §4), `write_event` writes the timeline.

Every step's action (the modules beside this one) ends in `perform`; registration (jiefen.cases.actions.intake)
writes its event through `write_event` and tells the hooks through `tracked`.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.context import current_via
from jiefen.audit.records import record

from .. import deadlines, extensions
from ..errors import ActionError, CaseChanged
from ..models import Case, Event
from . import registry

__all__ = [
    "ALLOWED_CLOCK_SKEW", "ActionError", "CaseChanged", "announce", "atomic_action", "perform", "tracked",
    "write_event",
]

ALLOWED_CLOCK_SKEW = dt.timedelta(minutes=1)

# Called with (case, event) after every step, once its clocks moved, inside its transaction: the written notices
# (jiefen.cases.notices) issue the document the step makes due.
_after_step: list[Callable[[Case, Event], object]] = []


def register_after_step(hook):
    if hook not in _after_step:
        _after_step.append(hook)


def announce(case, event):
    """Run the after-step hooks for an event written outside `perform` (registration's own events)."""
    for hook in _after_step:
        hook(case, event)


class tracked:  # lowercase: used as a context manager, like transaction.atomic
    """Around a change of a case, inside its transaction: the hooks of apps above the core (the figures' daily
    counts) see the case before and after. `case` is None for a case being registered."""

    def __init__(self, case):
        self.before = [(hook, hook.before(case)) for hook in extensions.case_change_hooks]

    def done(self, case):
        for hook, token in self.before:
            hook.after(case, token)


def write_event(case, kind, user, *, at, summary, from_status="", note="", data=None, public=False):
    """The one place a timeline entry is written: every step's, and registration's. A step taken by another
    system through an API token keeps the token's name ("via"), shown to staff beside the actor."""
    if via := current_via.get():
        data = {**(data or {}), "via": via}
    return Event.objects.create(
        case=case, kind=kind, at=at, actor=user, from_status=from_status, to_status=case.status, summary=summary,
        note=note, data=data or {}, public=public,
    )


def perform(case, user, *, summary, changes=None, note="", data=None, clock_date=None, extra=None, at=None):
    """Take the step whose action is running (registry.taking()) on `case`: compare-and-swap the version, write one
    event and one audit record.

    The step's action has already checked it once (state, role, guards) and kept the version the person saw.
    `changes` are Case fields to set; `clock_date` is the date the step's clocks count from (a service date, a
    request date), default the day of `at`; `extra` is called with (case, event) inside the transaction for the
    step's own rows; `at` is when the step happened, default now (earlier only when entering records after the
    fact, e.g. from a paper ledger). Runs inside the action's transaction.
    """
    taking = registry.taking()
    t, expected_version, action = taking.transition, taking.expected_version, taking.action
    registry.run_checks(case, action)
    entered_later = at is not None
    at = _check_time(case, at, clock_date)
    if entered_later and t.target and at + ALLOWED_CLOCK_SKEW < _last_move_at(case):
        # Entered after the fact, a change of status still follows the last one: the timeline reads in order.
        raise ActionError(_("办理时间不能早于本案上一次状态变更的时间"))
    changes = dict(changes or {})
    change = tracked(case)  # the daily figures move with the case, in this transaction
    before = case.status
    if t.target:
        changes["status"] = t.target
    if t.versioned:
        if expected_version is None:
            raise CaseChanged()
        updated = Case.objects.filter(pk=case.pk, version=case.version).update(version=F("version") + 1, **changes)
        if not updated:
            raise CaseChanged()
        case.version += 1
    elif changes:
        Case.objects.filter(pk=case.pk).update(**changes)
    computed = [name for name, value in changes.items() if hasattr(value, "resolve_expression")]
    for name, value in changes.items():
        if name not in computed:
            setattr(case, name, value)
    if computed:
        case.refresh_from_db(fields=computed)
    event = write_event(
        case, action, user, at=at, from_status=before, summary=summary, note=note, data=data, public=t.public
    )
    if extra:
        extra(case, event)
        registry.forget(case)  # recusals and co-handlers may have changed
    deadlines.apply_event(case, action, clock_date or timezone.localdate(at))
    announce(case, event)
    record(user, f"case.{action}", case, status=case.status)
    change.done(case)
    return event


def _last_move_at(case):
    """When the case last changed status (registration at first)."""
    return case.events.exclude(from_status=F("to_status")).aggregate(m=Max("at"))["m"] or case.received_at


def _check_time(case, at, clock_date):
    """When a step happened: now, or earlier when entered after the fact, never before the case or in the future."""
    now = timezone.now()
    at = at or now
    if at > now + ALLOWED_CLOCK_SKEW:
        raise ActionError(_("办理时间不能晚于当前时间"))
    if at < case.received_at:
        raise ActionError(_("办理时间不能早于案件登记时间"))
    if clock_date is not None and clock_date > timezone.localdate(now):
        raise ActionError(_("日期不能晚于今天"))
    return at


def atomic_action(func):
    """Run an action in one transaction."""

    def wrapper(*args, **kwargs):
        with transaction.atomic():
            return func(*args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper
