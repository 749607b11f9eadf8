import datetime as dt
import functools

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.figures import counting as figures

from .. import deadlines, transitions
from ..models import Case, Event


ALLOWED_CLOCK_SKEW = dt.timedelta(minutes=1)


class ActionError(Exception):
    """A step refused, with a message for the person who tried it."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class CaseChanged(ActionError):
    def __init__(self):
        super().__init__(_("案件已被他人更新，请刷新页面查看最新状态后再操作"))


def check_step(user, case, action):
    """The transition row for `action`, or ActionError saying why the step is not allowed."""
    t = transitions.find(action, case.kind, case.status)
    if t is None:
        raise ActionError(
            _("案件当前状态为“%(status)s”，不能执行“%(action)s”")
            % {"status": case.get_status_display(), "action": transitions.label_for(action, case.kind)}
        )
    if not transitions.role_may(user, case, t):
        raise ActionError(_("您的角色无权对本案执行“%(action)s”") % {"action": t.label})
    return t


def perform(
    case, action, user, *, expected_version, summary, changes=None, note="", data=None, clock_date=None, extra=None,
    at=None,
):
    """Take step `action` on `case`: check it, compare-and-swap the version, write one event and one audit record.

    `changes` are Case fields to set; `clock_date` is the date the step's clocks count from (a service date, a
    request date), default the day of `at`; `extra` is called with (case, event) inside the transaction for the
    step's own rows; `at` is when the step happened, default now (earlier only when entering records after the
    fact, e.g. from a paper ledger). Must be called inside transaction.atomic.
    """
    if expected_version is not None and int(expected_version) != case.version:
        # Someone acted since this person loaded the page: say so before judging the step on stale state.
        raise CaseChanged()
    t = check_step(user, case, action)
    entered_later = at is not None
    at = _check_time(case, at, clock_date)
    if entered_later and t.target and at + ALLOWED_CLOCK_SKEW < _last_move_at(case):
        # Entered after the fact, a change of status still follows the last one: the timeline reads in order.
        raise ActionError(_("办理时间不能早于本案上一次状态变更的时间"))
    changes = dict(changes or {})
    counted = figures.snapshot(case)  # the daily figures move with the case, in this transaction
    before = case.status
    if t.target:
        changes["status"] = t.target
    if t.versioned:
        if expected_version is None or int(expected_version) != case.version:
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
    event = Event.objects.create(
        case=case,
        kind=action,
        at=at,
        actor=user,
        from_status=before,
        to_status=case.status,
        summary=summary,
        note=note,
        data=data or {},
        public=t.public,
    )
    if extra:
        extra(case, event)
        # Per-instance caches of transitions.role_may (recusals, co-handlers) may be stale now.
        case.__dict__.pop("_recused_ids", None)
        case.__dict__.pop("_co_units", None)
    deadlines.apply_event(case, action, clock_date or timezone.localdate(at))
    record(user, f"case.{action}", case, status=case.status)
    figures.update(case, counted)
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


def step(action):
    """Make `func(user, case, ...)` the action for step `action`: one transaction, and the step's permission
    checked before any of its fields are judged (a refused user learns nothing about the form)."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(user, case, *args, **kwargs):
            with transaction.atomic():
                expected = kwargs.get("expected_version")
                if expected is not None and int(expected) != case.version:
                    raise CaseChanged()
                check_step(user, case, action)
                return func(user, case, *args, **kwargs)

        wrapper.action = action
        return wrapper

    return decorate


def atomic_action(func):
    """Run an action in one transaction."""

    def wrapper(*args, **kwargs):
        with transaction.atomic():
            return func(*args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper
