"""Reads of the roster pages. Shifts of a month come through the unique (centre, date) index."""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.clocks.calendar import DayInfo, WorkCalendar

from .models import WEEKDAYS, DutyChange, DutyShift
from .services import month_days, schedule_warning


@dataclass
class Day:
    info: DayInfo
    shift: DutyShift | None
    today: dt.date
    own: bool = False  # the shift is the viewer's

    @property
    def date(self):
        return self.info.date

    @property
    def is_today(self):
        return self.date == self.today

    @property
    def is_past(self):
        return self.date < self.today

    @property
    def weekday(self):
        return WEEKDAYS[self.date.weekday()]

    @property
    def label(self):
        """The holiday's name or 调休上班; a plain Saturday or Sunday needs no label in a week grid."""
        plain_weekend = not self.info.working and self.info.name == _("周%s") % self.weekday
        return "" if plain_weekend else self.info.name

    @property
    def kind(self):
        if not self.info.working:
            return "holiday" if self.label else "off"
        return "makeup" if self.date.weekday() >= 5 else "work"

    @property
    def gap(self):
        """A working day still to come with no one on duty: flagged in advance."""
        return self.info.working and self.shift is None and not self.is_past


def read_month(text):
    """(year, month) from "2026-12", or None."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2100:
        return int(match[1]), int(match[2])
    return None


def parse_month(text, today=None):
    """(year, month) from "2026-12"; this month when `text` is empty or not a month."""
    today = today or timezone.localdate()
    return read_month(text) or (today.year, today.month)


def add_months(year, month, n):
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def month_roster(centre, year, month, user=None):
    """The month's days with their shifts, as weeks from Monday, with each leader's count and the schedule warning."""
    calendar = WorkCalendar([year])
    dates = month_days(year, month)
    shifts = {
        s.date: s
        for s in DutyShift.objects.filter(centre=centre, date__range=(dates[0], dates[-1])).select_related("leader")
    }
    today = timezone.localdate()
    user_id = user.pk if user is not None else None
    days = []
    for date in dates:
        shift = shifts.get(date)
        days.append(Day(calendar.day(date), shift, today, own=shift is not None and shift.leader_id == user_id))
    lead = [None] * dates[0].weekday()
    cells = lead + days + [None] * (-(len(lead) + len(days)) % 7)
    counts = Counter(s.leader for s in shifts.values())
    return {
        "year": year,
        "month": month,
        "month_key": f"{year}-{month:02d}",
        "days": days,
        "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
        "counts": sorted(counts.items(), key=lambda item: (-item[1], item[0].pk)),
        "shift_count": len(shifts),
        "working_count": sum(1 for d in days if d.info.working),
        "gaps": [d for d in days if d.gap],
        "warning": "" if all(d.info.known for d in days) else schedule_warning(year),
    }


def recent_changes(centre, limit=10):
    """The latest changes of a centre's roster (index duty_change_centre_at)."""
    return list(DutyChange.objects.filter(centre=centre).select_related("actor")[:limit])


def swap_candidates(shift):
    """Shifts `shift` may be swapped with: another leader's, from today on, within three months."""
    today = timezone.localdate()
    return (
        DutyShift.objects.filter(centre=shift.centre, date__gte=today, date__lte=today + dt.timedelta(days=92))
        .exclude(leader=shift.leader_id)
        .select_related("leader")
        .order_by("date")
    )
