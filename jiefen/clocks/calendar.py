"""Working days on the official schedule, and due dates counted by 民法典 第二百零一条、第二百零三条.

The schedule is chinesecalendar's, overridden and extended by the years an administrator loads
(HolidayYear/HolidayDay). A date in a year neither knows is counted on the plain week and flagged:
a visible warning, never a crash and never a silent guess.
"""

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar
from django.utils.translation import gettext as _

from .models import HolidayDay, HolidayYear

WEEKDAYS = "一二三四五六日"

_LIBRARY_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _library_years():
    return {d.year for d in chinese_calendar.holidays}


LIBRARY_YEARS = frozenset(_library_years())


@dataclass
class DayInfo:
    date: dt.date
    working: bool
    name: str  # holiday name, "周六"/"周日", or "" for a plain working day
    known: bool  # False when the year's schedule is not loaded


@dataclass
class DueDate:
    start: dt.date
    due: dt.date
    nominal_end: dt.date
    steps: list = field(default_factory=list)
    warning: str = ""

    @property
    def explanation(self):
        return " → ".join(self.steps)


class WorkCalendar:
    """The working-day schedule for a span of years, read once from the database.

    A year outside the span is read when first asked for, so a period that runs longer than the span guessed
    (extensions, pauses, a shared calendar for many cases) is never taken for an unloaded year.
    """

    def __init__(self, years):
        self.years = set()
        self.loaded_years = set()
        self.overrides = {}
        self._read(years)

    @classmethod
    def around(cls, start, span_days=200):
        return cls(range(start.year, (start + dt.timedelta(days=span_days)).year + 1))

    def _read(self, years):
        years = set(years) - self.years
        if not years:
            return
        self.years |= years
        self.loaded_years |= set(HolidayYear.objects.filter(year__in=years).values_list("year", flat=True))
        self.overrides.update((d.date, d) for d in HolidayDay.objects.filter(date__year__in=years))

    def is_known(self, day):
        self._read([day.year])
        return day.year in self.loaded_years or day.year in LIBRARY_YEARS

    def day(self, day):
        self._read([day.year])
        override = self.overrides.get(day)
        if override:
            working = override.kind == HolidayDay.Kind.WORKDAY
            return DayInfo(day, working, _("调休上班") if working else override.name, True)
        weekend_name = _("周%s") % WEEKDAYS[day.weekday()] if day.weekday() >= 5 else ""
        if day.year in self.loaded_years:
            return DayInfo(day, day.weekday() < 5, weekend_name, True)
        if day.year in LIBRARY_YEARS:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            working = chinese_calendar.is_workday(day)
            if on_holiday:
                label = _LIBRARY_HOLIDAY_NAMES.get(name, name or "") or weekend_name
            elif working and day.weekday() >= 5:
                # chinesecalendar names a make-up Saturday or Sunday after the festival it makes up for.
                label = _("调休上班")
            else:
                label = ""
            return DayInfo(day, working, label, True)
        return DayInfo(day, day.weekday() < 5, weekend_name, False)

    def next_working_day(self, day):
        day = day + dt.timedelta(days=1)
        while not self.day(day).working:
            day += dt.timedelta(days=1)
        return day

    def working_days_between(self, start, end):
        """Working days after `start` up to and including `end`."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.day(day).working
        return count


def fmt(day):
    return f"{day:%Y-%m-%d}（周{WEEKDAYS[day.weekday()]}）"


def compute_due(start, length, unit="calendar", additions=(), calendar=None):
    """Count a period from `start` (the start day itself not counted) and roll a non-working last day forward.

    `additions` are (days, reason) pairs added to the length: an approved extension, or days paused for a hearing.
    """
    calendar = calendar or WorkCalendar.around(start, span_days=2 * (length + sum(d for d, _r in additions)) + 30)
    unknown_years = set()
    steps = [_("起算日 %(day)s，当日不计入") % {"day": fmt(start)}]
    total = length
    for days, reason in additions:
        total += days
        steps.append(_("%(reason)s %(days)s日") % {"reason": reason, "days": days})

    if unit == "working":
        day, counted = start, 0
        while counted < total:
            day += dt.timedelta(days=1)
            info = calendar.day(day)
            if not info.known:
                unknown_years.add(day.year)
            counted += info.working
        steps.append(_("计 %(n)s 个工作日 → 末日 %(day)s") % {"n": total, "day": fmt(day)})
        nominal = due = day
    else:
        nominal = start + dt.timedelta(days=total)
        steps.append(_("+%(n)s日 → 名义末日 %(day)s") % {"n": total, "day": fmt(nominal)})
        due = nominal
        info = calendar.day(due)
        if not info.known:
            unknown_years.add(due.year)
        if not info.working:
            while not calendar.day(due).working:
                if not calendar.day(due).known:
                    unknown_years.add(due.year)
                due += dt.timedelta(days=1)
            if not calendar.day(due).known:
                unknown_years.add(due.year)
            steps.append(_("末日为%(name)s，顺延 → %(day)s") % {"name": info.name or _("休息日"), "day": fmt(due)})

    warning = ""
    if unknown_years:
        years = "、".join(str(y) for y in sorted(unknown_years))
        warning = _("%(years)s年节假日安排尚未载入，本期限暂按周末推算；请管理员载入该年安排后复核") % {"years": years}
        steps.append(_("⚠ %(warning)s") % {"warning": warning})
    return DueDate(start=start, due=due, nominal_end=nominal, steps=steps, warning=warning)
