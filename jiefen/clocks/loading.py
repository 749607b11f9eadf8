"""Loading a year's official holiday schedule, as an administrator pastes it from the State Council notice.

One line per holiday period or make-up working day::

    2027-01-01~2027-01-03 元旦 休
    2027-02-07 春节 班

Blank lines and lines starting with # are skipped. Any bad line rejects the whole text: a half-loaded schedule
would count deadlines on a guess without the warning that an unloaded year gives.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.org import authz

from . import hooks
from .calendar import fmt
from .models import HolidayDay, HolidayYear

KINDS = {"休": HolidayDay.Kind.HOLIDAY, "班": HolidayDay.Kind.WORKDAY}
KIND_WORDS = {kind: word for word, kind in KINDS.items()}
# The longest official break so far is the Spring Festival's 9 days (10 in 2020 by a later extension); a longer
# line is almost surely a typo such as 2027-01-01~2027-01-31.
MAX_PERIOD_DAYS = 15
FIRST_YEAR, LAST_YEAR = 2000, 2100
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NAME_MAX = HolidayDay._meta.get_field("name").max_length
SOURCE_MAX = HolidayYear._meta.get_field("source").max_length


@dataclass
class LoadResult:
    holiday_year: HolidayYear
    holidays: int
    workdays: int
    cases_recomputed: list


def may_load_schedule(user):
    """The holiday schedule and the clock rules bind every centre: superusers and staff centre directors only."""
    if not user or not user.is_active:
        return False
    return bool(user.is_superuser or (user.is_staff and authz.in_roles(user, authz.DIRECTORS)))


def _date(text, line_no):
    if DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationError(
        _("第%(n)s行：“%(text)s”不是有效日期，应写作YYYY-MM-DD，如2027-01-01") % {"n": line_no, "text": text}
    )


def _parse_line(year, line_no, line):
    """The days of one line as (date, kind, name), or ValidationError naming the line."""
    # Chinese input methods type a full-width tilde; spaces around it are harmless.
    line = re.sub(r"\s*[~～]\s*", "~", line)
    parts = line.split()
    if len(parts) != 3:
        raise ValidationError(
            _("第%(n)s行：格式应为“日期[~日期] 节日名称 休/班”，如“%(y)s-01-01~%(y)s-01-03 元旦 休”")
            % {"n": line_no, "y": year}
        )
    dates, name, word = parts
    first_text, tilde, last_text = dates.partition("~")
    first = _date(first_text, line_no)
    last = _date(last_text, line_no) if tilde else first
    if word not in KINDS:
        raise ValidationError(
            _("第%(n)s行：类型应为“休”（放假）或“班”（调休上班），不能是“%(word)s”") % {"n": line_no, "word": word}
        )
    if len(name) > NAME_MAX:
        raise ValidationError(_("第%(n)s行：节日名称不能超过%(max)s个字") % {"n": line_no, "max": NAME_MAX})
    for day in (first, last):
        if day.year != year:
            raise ValidationError(
                _("第%(n)s行：%(day)s不在%(year)s年内") % {"n": line_no, "day": day.isoformat(), "year": year}
            )
    if last < first:
        raise ValidationError(_("第%(n)s行：结束日期早于开始日期") % {"n": line_no})
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(
            _("第%(n)s行：一段放假或调休不应超过%(max)s天，请检查日期是否有误") % {"n": line_no, "max": MAX_PERIOD_DAYS}
        )
    kind = KINDS[word]
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    if kind == HolidayDay.Kind.WORKDAY:
        for day in days:
            if day.weekday() < 5:
                raise ValidationError(
                    _("第%(n)s行：%(day)s本是工作日，不能登记为调休上班") % {"n": line_no, "day": fmt(day)}
                )
    return [(day, kind, name) for day in days]


def parse_schedule(year, text):
    """The HolidayDay rows (unsaved) that `text` lists for `year`; ValidationError listing every bad line."""
    errors, rows, seen = [], [], {}
    for line_no, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            days = _parse_line(year, line_no, line)
        except ValidationError as e:
            errors.extend(e.messages)
            continue
        clash = next(((day, kind) for day, kind, _name in days if day in seen), None)
        if clash:
            day, kind = clash
            other_no, other_kind = seen[day]
            if kind == other_kind:
                message = _("第%(n)s行：%(day)s与第%(m)s行重复")
            else:
                message = _("第%(n)s行：%(day)s与第%(m)s行矛盾，同一天不能既放假又上班")
            errors.append(message % {"n": line_no, "m": other_no, "day": day.isoformat()})
            continue
        for day, kind, name in days:
            seen[day] = (line_no, kind)
            rows.append(HolidayDay(date=day, kind=kind, name=name))
    if not errors and not rows:
        errors.append(_("没有填写任何节假日安排"))
    if not errors and not any(row.kind == HolidayDay.Kind.HOLIDAY for row in rows):
        errors.append(_("只有调休上班日而没有放假安排，请检查是否漏填"))
    if errors:
        raise ValidationError(errors)
    return sorted(rows, key=lambda row: row.date)


def format_schedule(year):
    """The loaded schedule of `year` written back in the pasted format, one line per run of days."""
    lines, run = [], []
    for day in HolidayDay.objects.filter(date__year=year).order_by("date"):
        if run and (day.kind, day.name) == (run[-1].kind, run[-1].name) and day.date == run[-1].date + dt.timedelta(1):
            run.append(day)
            continue
        if run:
            lines.append(_format_run(run))
        run = [day]
    if run:
        lines.append(_format_run(run))
    return "\n".join(lines)


def _format_run(run):
    dates = run[0].date.isoformat()
    if len(run) > 1:
        dates += "~" + run[-1].date.isoformat()
    return f"{dates} {run[0].name} {KIND_WORDS[run[0].kind]}"


def load_year(year, text, source, acting_user):
    """Replace `year`'s schedule with the one in `text` and recompute the deadlines it moves, all or nothing."""
    if acting_user is not None and not may_load_schedule(acting_user):
        raise PermissionDenied
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("年份应在%(a)s至%(b)s之间") % {"a": FIRST_YEAR, "b": LAST_YEAR})
    source = (source or "").strip()
    if not source:
        raise ValidationError(_("请填写安排的来源，如国务院办公厅通知的名称和文号"))
    if len(source) > SOURCE_MAX:
        raise ValidationError(_("来源不能超过%(max)s个字") % {"max": SOURCE_MAX})
    rows = parse_schedule(year, text)
    with transaction.atomic():
        # The year row first: its lock makes a second administrator loading the same year wait for this one.
        holiday_year, _created = HolidayYear.objects.update_or_create(year=year, defaults={"source": source})
        HolidayDay.objects.filter(date__year=year).delete()
        HolidayDay.objects.bulk_create(rows)
        holidays = sum(row.kind == HolidayDay.Kind.HOLIDAY for row in rows)
        workdays = len(rows) - holidays
        record(acting_user, "clocks.load_holidays", holiday_year, source=source, holidays=holidays, workdays=workdays)
        # The cases app recomputes the deadlines the new schedule moves (hooks.on_schedule_loaded).
        cases = hooks.schedule_loaded(acting_user, [year])
    return LoadResult(holiday_year, holidays, workdays, cases)
