"""The roster's one write path (generate a month, edit a day, swap two shifts) and its two reads the desk needs.

Each write checks permission, locks the centre's roster, changes shifts, and writes one DutyChange and one audit
record in the same transaction. Working days come from the official schedule (WorkCalendar): weekends and
statutory holidays are skipped, make-up working days (调休上班) are duty days. A month whose year's schedule is
not loaded is planned on plain weekdays and says so.
"""

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases.models import Channel
from jiefen.clocks.calendar import WorkCalendar
from jiefen.org import authz
from jiefen.org.models import Unit
from jiefen.org.queries import leadership_of

from .models import WEEKDAYS, DutyChange, DutyShift


class DutyError(Exception):
    """A roster change refused, with a message for the person who tried it."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Generated:
    shifts: list
    kept: list = field(default_factory=list)  # days that already had a leader and were left as they were
    replaced: int = 0
    warning: str = ""


# Who may do what -------------------------------------------------------------------------------------------------


def may_manage(user, centre):
    """Generate and edit the roster: the centre's director (中心主任/管理员)."""
    return user.is_active and authz.in_roles(user, authz.DIRECTORS) and authz.scope_of(user).centre == centre


def may_swap(user, shift):
    """Swap `shift` with another: the director, or the leader whose shift it is."""
    if may_manage(user, shift.centre):
        return True
    own = authz.in_roles(user, authz.ON_DUTY) and shift.leader_id == user.pk
    return user.is_active and own and authz.scope_of(user).centre == shift.centre


def eligible_leaders(centre):
    """The leadership members a centre's roster may name: active leaders and directors of that centre."""
    return leadership_of(centre, directors_last=True)


# Reads ------------------------------------------------------------------------------------------------------------


def today_leader(centre, date=None):
    """The leader on reception duty at `centre` on `date` (default today), or None."""
    if centre is None:
        return None
    shift = (
        DutyShift.objects.filter(centre=centre, date=date or timezone.localdate(), leader__is_active=True)
        .select_related("leader").first()
    )
    return shift.leader if shift else None


def walk_in_defaults(centre, channel, received_at):
    """Intake defaults (jiefen.cases.extensions.intake_defaults): a walk-in (来访) is received by the leader on
    duty that day unless the clerk names another (领导公开接访)."""
    if channel != Channel.VISIT:
        return {}
    leader = today_leader(centre, timezone.localdate(received_at))
    return {"receiving_leader": leader} if leader else {}


def uncovered_days(centre, start=None, days=14):
    """Working days from `start` (default today) over the next `days` days with no one on duty, as DayInfo."""
    start = start or timezone.localdate()
    end = start + dt.timedelta(days=days)
    covered = set(
        DutyShift.objects.filter(centre=centre, date__gte=start, date__lt=end, leader__is_active=True)
        .values_list("date", flat=True)
    )
    calendar = WorkCalendar(range(start.year, end.year + 1))
    infos = (calendar.day(start + dt.timedelta(days=n)) for n in range(days))
    return [info for info in infos if info.working and info.date not in covered]


def month_days(year, month):
    return [dt.date(year, month, d) for d in range(1, month_calendar.monthrange(year, month)[1] + 1)]


def schedule_warning(year):
    return _(
        "%(year)s年节假日安排尚未载入，暂按周一至周五为工作日排班；请管理员载入该年安排后核对节假日和调休上班日的值班"
    ) % {"year": year}


def day_label(day):
    return _("%(m)s月%(d)s日（周%(w)s）") % {"m": day.month, "d": day.day, "w": WEEKDAYS[day.weekday()]}


# Writes -----------------------------------------------------------------------------------------------------------


def _lock_roster(centre):
    """Serialise roster writes of one centre: two directors generating at once queue instead of interleaving."""
    Unit.objects.select_for_update().filter(pk=centre.pk).first()


def _check_manager(user, centre):
    if not may_manage(user, centre):
        raise DutyError(_("只有本中心主任（管理员）可以生成或调整值班表"))


def _check_leader(centre, leader, field="leader"):
    if not eligible_leaders(centre).filter(pk=leader.pk).exists():
        raise DutyError(_("%(name)s不是本中心的领导班子成员，不能排入值班") % {"name": leader}, field=field)


def _next_in_rotation(centre, first_day, leaders):
    """Where the rotation starts: after the last leader on duty before `first_day`, so months follow each other."""
    before = DutyShift.objects.filter(centre=centre, date__lt=first_day).order_by("-date")
    last = before.values_list("leader", flat=True).first()
    ids = [u.pk for u in leaders]
    return ids.index(last) + 1 if last in ids else 0


@transaction.atomic
def generate_month(centre, year, month, leaders, acting_user, *, overwrite=False):
    """Put one of `leaders` (in turn, in the order given) on duty on every working day of the month.

    Days that already have a leader are kept unless `overwrite`, which replaces the whole month. Returns Generated,
    whose `warning` is set when the year's holiday schedule is not loaded.
    """
    _check_manager(acting_user, centre)
    leaders = list(leaders)
    if not leaders:
        raise DutyError(_("请至少选择一名值班领导"), field="leaders")
    if len({u.pk for u in leaders}) != len(leaders):
        raise DutyError(_("同一名领导选择了两次"), field="leaders")
    for leader in leaders:
        _check_leader(centre, leader, field="leaders")
    _lock_roster(centre)

    calendar = WorkCalendar([year])
    infos = [calendar.day(day) for day in month_days(year, month)]
    first, last = infos[0].date, infos[-1].date
    existing = DutyShift.objects.filter(centre=centre, date__range=(first, last))
    replaced, kept = 0, []
    if overwrite:
        replaced, _deleted = existing.delete()
    else:
        kept = sorted(existing.values_list("date", flat=True))
    open_days = [info.date for info in infos if info.working and info.date not in set(kept)]
    start = _next_in_rotation(centre, first, leaders)
    shifts = [
        DutyShift(centre=centre, date=day, leader=leaders[(start + n) % len(leaders)])
        for n, day in enumerate(open_days)
    ]
    DutyShift.objects.bulk_create(shifts)
    warning = schedule_warning(year) if not all(info.known for info in infos) else ""

    names = "、".join(u.display_name for u in leaders)
    summary = _("生成%(y)s年%(m)s月值班表：%(n)s天，轮值%(names)s") % {
        "y": year,
        "m": month,
        "n": len(shifts),
        "names": names,
    }
    if kept:
        summary += _("（保留已有安排%(n)s天）") % {"n": len(kept)}
    DutyChange.objects.create(
        centre=centre, kind=DutyChange.Kind.GENERATE, day=first, summary=summary, actor=acting_user
    )
    record(
        acting_user, "duty.generate", centre, month=f"{year}-{month:02d}", days=len(shifts), kept=len(kept),
        replaced=replaced, leaders=[u.pk for u in leaders], warning=warning,
    )
    return Generated(shifts=shifts, kept=kept, replaced=replaced, warning=warning)


@transaction.atomic
def edit_day(centre, date, leader, acting_user, *, note="", reason=""):
    """Put `leader` on duty on `date` (any day, a weekend reception too), or take the day off the roster (None).

    Returns the shift, or None when the day has no one on duty afterwards.
    """
    _check_manager(acting_user, centre)
    if leader is not None:
        _check_leader(centre, leader)
    _lock_roster(centre)
    shift = DutyShift.objects.filter(centre=centre, date=date).select_related("leader").first()
    before = shift.leader if shift else None
    note = note.strip()
    if leader is None:
        if shift is None:
            return None
        shift.delete()
        after_text = _("无人值班")
    else:
        if shift is not None and shift.leader_id == leader.pk and shift.note == note:
            return shift
        shift, _created = DutyShift.objects.update_or_create(
            centre=centre, date=date, defaults={"leader": leader, "note": note}
        )
        after_text = leader.display_name
    summary = _("%(day)s值班：%(before)s → %(after)s") % {
        "day": day_label(date), "before": before.display_name if before else _("无人值班"), "after": after_text,
    }
    DutyChange.objects.create(
        centre=centre, kind=DutyChange.Kind.EDIT, day=date, summary=summary, reason=reason.strip(), actor=acting_user
    )
    record(
        acting_user, "duty.edit", centre, date=date.isoformat(), before=before.pk if before else None,
        after=leader.pk if leader else None, note=note, reason=reason.strip(),
    )
    return shift if leader is not None else None


@transaction.atomic
def swap_days(day_a, day_b, reason, acting_user):
    """Exchange the leaders of two shifts of one centre, for a reason (调班). Returns the two shifts, reloaded.

    The shifts are read again under the roster lock: if either changed since the caller read it, the swap is
    refused rather than applied to a roster the person did not see.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DutyError(_("请填写调班原因"), field="reason")
    if day_a.centre_id != day_b.centre_id:
        raise DutyError(_("只能与本中心的值班调换"), field="other")
    if day_a.pk == day_b.pk:
        raise DutyError(_("请选择另一天的值班"), field="other")
    centre = day_a.centre
    if not (may_swap(acting_user, day_a) or may_swap(acting_user, day_b)):
        raise DutyError(_("只能调换本人的值班；其他调整请联系中心主任"))
    _lock_roster(centre)
    fresh = DutyShift.objects.filter(pk__in=[day_a.pk, day_b.pk]).select_related("leader", "centre")
    current = {s.pk: s for s in fresh}
    a, b = current.get(day_a.pk), current.get(day_b.pk)
    if a is None or b is None or a.leader_id != day_a.leader_id or b.leader_id != day_b.leader_id:
        raise DutyError(_("值班表已被他人调整，请刷新后重试"))
    if a.leader_id == b.leader_id:
        raise DutyError(_("两天是同一名领导值班，无需调换"), field="other")
    if min(a.date, b.date) < timezone.localdate():
        raise DutyError(_("已过去的值班日不能调班"), field="other")
    a_leader, b_leader = a.leader, b.leader
    a.leader, b.leader = b_leader, a_leader
    DutyShift.objects.filter(pk=a.pk).update(leader=b_leader)
    DutyShift.objects.filter(pk=b.pk).update(leader=a_leader)

    was = {a.date: a_leader, b.date: b_leader}
    first, second = sorted(was)
    summary = _("调班：%(d1)s %(l1)s ⇄ %(d2)s %(l2)s") % {
        "d1": day_label(first), "l1": was[first].display_name, "d2": day_label(second), "l2": was[second].display_name,
    }
    DutyChange.objects.create(
        centre=centre, kind=DutyChange.Kind.SWAP, day=first, summary=summary, reason=reason, actor=acting_user
    )
    record(
        acting_user, "duty.swap", centre, dates=[a.date.isoformat(), b.date.isoformat()],
        leaders_before=[a_leader.pk, b_leader.pk], reason=reason,
    )
    return a, b

