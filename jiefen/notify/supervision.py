"""The supervision round (督办): remind before a statutory clock runs out, escalate when it has.

`supervise` reads the running obligation clocks in one pass and fires what the supervision rules say is due today,
each firing in a transaction of its own. Counting is in working days on the official schedule (DESIGN.md §3):

- a reminder N working days ahead fires on the working day from which N working days remain, i.e. the (N+1)-th
  working day counting back from the due day; a clock due before the (N+1)-th working day after today has at most N
  left. A worker that was down on that day catches up on its next round, until the due day.
- an escalation on the M-th working day overdue fires once M working days have passed since the due day; a clock
  due before the M-th working day counting back from today has.

Each firing is claimed by inserting its Supervision row (unique per clock, rule and due date), so two workers, or a
round repeated, never remind or escalate twice.
"""

import dataclasses
import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from jiefen.cases.access import lock_case
from jiefen.cases.actions import ActionError
from jiefen.cases.models import Deadline, Event
from jiefen.clocks.calendar import WorkCalendar, fmt
from jiefen.org.queries import handlers_of

from . import recipients
from .actions import do_escalate_case
from .models import Notification, Supervision, SupervisionRule
from .outbox import notify

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class SupervisionReport:
    reminded: int = 0  # clocks reminded of
    escalated: int = 0  # clocks escalated
    errors: int = 0


def working_day_after(calendar, day, n):
    """The n-th working day after `day` (n ≥ 1)."""
    for _i in range(n):
        day = calendar.next_working_day(day)
    return day


def working_day_back(calendar, day, n):
    """The n-th working day counting back from `day`, `day` itself included if it is one (n ≥ 1)."""
    seen = 0
    while True:
        if calendar.day(day).working:
            seen += 1
            if seen == n:
                return day
        day -= dt.timedelta(days=1)


def fire_before(rule, today, calendar):
    """Clocks due before the returned day are due for `rule` today (see the module docstring)."""
    if rule.kind == SupervisionRule.Kind.REMINDER:
        return working_day_after(calendar, today, rule.working_days + 1)
    return working_day_back(calendar, today, max(rule.working_days, 1))


def fires(rule, due_on, today, threshold):
    if rule.kind == SupervisionRule.Kind.REMINDER:
        # Once the clock has run out a reminder is pointless: the escalation takes over.
        return today <= due_on < threshold
    return due_on < threshold


def supervise(now=None):
    """Remind and escalate what is due at `now` (default: now); return what was done."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = SupervisionReport()
    report.reminded += remind_unsigned(now)
    rules = list(SupervisionRule.objects.filter(active=True).prefetch_related("clocks"))
    if not rules:
        return report
    calendar = WorkCalendar.around(today, span_days=30)
    thresholds = {rule.pk: fire_before(rule, today, calendar) for rule in rules}
    clocks_of = {rule.pk: {c.pk for c in rule.clocks.all()} for rule in rules}
    horizon = max(thresholds.values())
    # One pass over the running obligation clocks due before the horizon: the deadline_state_due index
    # (state, due_on). Overdue clocks stay in the pass until they are met; the firings already made are read in
    # one query and skipped here, and the unique constraint settles any race with another worker.
    running = list(
        Deadline.objects.filter(state=Deadline.State.RUNNING, rule__is_obligation=True, due_on__lt=horizon)
        .select_related("rule", "case__centre", "case__responsible_unit")
        .order_by("due_on", "id")
    )
    done = set(
        Supervision.objects.filter(
            deadline__state=Deadline.State.RUNNING, deadline__rule__is_obligation=True, deadline__due_on__lt=horizon
        ).values_list("deadline_id", "rule_id", "due_on")
    )
    for deadline in running:
        for rule in rules:
            if clocks_of[rule.pk] and deadline.rule_id not in clocks_of[rule.pk]:
                continue
            if (deadline.pk, rule.pk, deadline.due_on) in done:
                continue
            if not fires(rule, deadline.due_on, today, thresholds[rule.pk]):
                continue
            try:
                if rule.kind == SupervisionRule.Kind.REMINDER:
                    report.reminded += bool(remind(deadline, rule=rule, now=now, calendar=calendar))
                else:
                    escalated = do_escalate_case(deadline.case, deadline, rule=rule, now=now, calendar=calendar)
                    report.escalated += bool(escalated)
            except ActionError:
                continue  # the clock was met or moved since the pass read it
            except Exception:
                # One case that cannot be supervised (a broken font, a unit deleted) must not stop the others;
                # its firing rolled back and is tried again next round.
                logger.exception("supervising deadline %s under rule %s failed", deadline.pk, rule.pk)
                report.errors += 1
    return report


# 签收: a unit signs for what it is handed (交办) by the end of this many working days after the day it was handed.
SIGN_FOR_WORKING_DAYS = 1
# Hand-overs older than this are left alone (a case stuck unsigned that long has been escalated by its clocks).
SIGN_FOR_LOOKBACK = dt.timedelta(days=30)


def remind_unsigned(now):
    """签收 due: remind the handlers of a unit that has not signed for a case handed to it by the end of the
    SIGN_FOR_WORKING_DAYS-th working day after the hand-over; once per hand-over and person. Returns how many
    hand-overs were reminded of."""
    today = timezone.localdate(now)
    latest = {}
    handed = (
        Event.objects.filter(kind="assign", case__pending_unit__isnull=False, at__gte=now - SIGN_FOR_LOOKBACK)
        .select_related("case").order_by("-at", "-id")
    )
    for event in handed:
        latest.setdefault(event.case_id, event)  # the case's latest hand-over only
    if not latest:
        return 0
    calendar = WorkCalendar.around(today, span_days=45)
    told_before = {  # the hand-overs reminded of already: "signfor:<event>:<person>"
        int(key.split(":")[1])
        for key in Notification.objects.filter(dedupe_key__startswith="signfor:", case_id__in=list(latest))
        .values_list("dedupe_key", flat=True)
    }
    reminded = 0
    for event in latest.values():
        case = event.case
        if event.data.get("unit") != case.pending_unit_id or event.pk in told_before:
            continue
        due = working_day_after(calendar, timezone.localdate(event.at), SIGN_FOR_WORKING_DAYS)
        if today <= due:  # the unit has until the end of that working day
            continue
        try:
            with transaction.atomic():
                reminded += _remind_to_sign_for(case, event)
        except Exception:
            # One case that cannot be reminded of must not stop the round (its escalations included).
            logger.exception("sign-for reminder of case %s failed", case.pk)
    return reminded


def _remind_to_sign_for(case, event):
    title = _("待签收超期：%(n)s于%(day)s交办，至今未签收，请即签收办理") % {
        "n": case.number, "day": fmt(timezone.localdate(event.at))}
    link = reverse("case_detail", args=[case.number])
    recused = set(case.recusals.values_list("user_id", flat=True))  # 回避: told nothing of the case
    told = [
        notify(user, kind=Notification.Kind.REMINDER, title=title, body=title, link=link, case=case,
               dedupe_key=f"signfor:{event.pk}:{user.pk}")
        for user in handlers_of(case.pending_unit_id) if user.pk not in recused
    ]
    return int(any(told))


@transaction.atomic
def remind(deadline, *, rule, now, calendar):
    """Remind the rule's recipients that `deadline` runs out soon; return the Supervision, or None if done before."""
    today = timezone.localdate(now)
    # Lock the case row, which every step that stops or moves a clock updates first, and read the clock afresh.
    lock_case(deadline.case_id)
    deadline.refresh_from_db(fields=["state", "due_on"])
    if deadline.state != Deadline.State.RUNNING or deadline.due_on is None or deadline.due_on < today:
        return None
    left = calendar.working_days_between(today, deadline.due_on)
    supervision = Supervision.objects.claim(
        case=deadline.case, deadline=deadline, rule=rule, kind=rule.kind, due_on=deadline.due_on, fired_at=now,
        working_days=left,
    )
    if supervision is None:
        return None
    case, clock = deadline.case, deadline.rule.name
    if left:
        status = _("%(clock)s还剩%(n)s个工作日") % {"clock": clock, "n": left}
    else:
        status = _("%(clock)s今日届满") % {"clock": clock}
    title = _("到期提醒：%(number)s %(status)s") % {"number": case.number, "status": status}
    # Only a clock the law lets extend (the handling period) is told to ask for one; 复查 and 复核 cannot be.
    extendable = deadline.rule.max_extension_days > 0
    body = (_(
        "%(number)s（%(request)s）的%(clock)s将于%(due)s届满。请抓紧办理；确需延长期限的，请按规定报批。"
    ) if extendable else _(
        "%(number)s（%(request)s）的%(clock)s将于%(due)s届满，该期限不得延长，请按期办结。"
    )) % {
        "number": case.number,
        "request": Truncator(" ".join(case.request.split())).chars(40),
        "clock": clock,
        "due": fmt(deadline.due_on),
    }
    link = reverse("case_detail", args=[case.number])
    for user in recipients.for_rule(rule, case):
        notify(
            user, kind=Notification.Kind.REMINDER, title=title, body=body, link=link, case=case,
            supervision=supervision,
            dedupe_key=f"reminder:{deadline.pk}:{deadline.due_on:%Y%m%d}:{rule.pk}:{user.pk}",
        )
    return supervision
