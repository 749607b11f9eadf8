"""An independent model of the statutory clocks (DESIGN.md §3), for checking the clock engine against.

Written from the design brief, not from jiefen.clocks or jiefen.cases.deadlines: the rules are restated here
as plain data and due dates are counted straight on chinesecalendar's schedule, so a slip in the engine, its
configuration rows or the calendar wrapper shows up as a disagreement instead of being copied.
"""

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar

PETITION, DISPUTE = "petition", "dispute"


@dataclass(frozen=True)
class Rule:
    code: str
    length: int
    kinds: frozenset
    start: str
    stops: frozenset
    obligation: bool = True
    pauses: frozenset = frozenset()
    resumes: frozenset = frozenset()
    max_extension: int = 0
    # The legal classes the rule is for; None: every class. 复查 and 复核 follow the 信访处理意见书 of a 申诉求决
    # matter (信访工作条例 第三十一条第六项, 第三十四至三十六条), and so does the 60-day handling limit.
    classes: frozenset | None = None


CLAIM = frozenset({"claim"})
BOTH = frozenset({PETITION, DISPUTE})
ONLY_PETITION = frozenset({PETITION})

# The table of DESIGN.md §3, plus the one-month mediation period of disputes.
RULES = [
    Rule("acceptance", 15, BOTH, "register", frozenset({"accept", "not_accept", "forward"})),
    Rule("handling", 60, ONLY_PETITION, "accept", frozenset({"reply"}), max_extension=30, classes=CLAIM),
    Rule("review_window", 30, ONLY_PETITION, "reply", frozenset({"request_review"}), obligation=False, classes=CLAIM),
    Rule(
        "review_decision", 30, ONLY_PETITION, "request_review", frozenset({"decide_review", "review_remand"}),
        classes=CLAIM,
    ),
    Rule(
        "rereview_window", 30, ONLY_PETITION, "decide_review", frozenset({"request_rereview"}), obligation=False,
        classes=CLAIM,
    ),
    Rule(
        "rereview_decision", 30, ONLY_PETITION, "request_rereview", frozenset({"decide_rereview", "review_remand"}),
        pauses=frozenset({"start_hearing"}), resumes=frozenset({"end_hearing"}), classes=CLAIM,
    ),
    # 一般在一个月内调结: advisory, never overdue.
    Rule("mediation", 30, frozenset({DISPUTE}), "accept", frozenset({"agree", "mediation_failed"}), obligation=False),
]
RULES_BY_CODE = {r.code: r for r in RULES}

# Statuses in which the centre has nothing left to do on the case: no clock of its may still run.
ENDED = frozenset({"not_accepted", "forwarded", "final"})


def working_day(day):
    """(is a working day, is on a known schedule). Unknown years count on the plain week (DESIGN.md §3)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def due_date(start, length):
    """(due date, warned): the start day not counted, calendar days, a non-working last day rolls forward."""
    day = start + dt.timedelta(days=length)
    warned = False
    while True:
        working, known = working_day(day)
        warned = warned or not known
        if working:
            return day, warned
        day += dt.timedelta(days=1)


@dataclass
class Clock:
    code: str
    started_on: dt.date
    state: str = "running"  # running, paused, met, exempt
    additions: list = field(default_factory=list)  # whole days: extensions and hearing pauses
    extension_days: int = 0
    paused_on: dt.date | None = None
    finished_on: dt.date | None = None

    @property
    def rule(self):
        return RULES_BY_CODE[self.code]

    @property
    def due(self):
        """(due date, warned), or (None, False) for an exempt clock."""
        if self.state == "exempt":
            return None, False
        return due_date(self.started_on, self.rule.length + sum(self.additions))

    @property
    def open(self):
        return self.state in ("running", "paused")


def apply_event(clocks, kind, status_after, event, on_date, *, identity_unknown=False, legal_class=""):
    """Move `clocks` (a case's list, oldest first) on by `event` dated `on_date`; append any clock it starts."""
    for clock in clocks:
        if not clock.open:
            continue
        rule = clock.rule
        if event in rule.stops or status_after in ENDED:
            clock.state, clock.finished_on = "met", on_date
        elif event in rule.pauses and clock.state == "running":
            clock.state, clock.paused_on = "paused", on_date
        elif event in rule.resumes and clock.state == "paused":
            # 复核听证所需时间不计算在期限内: the days the hearing ran are added to the period.
            clock.additions.append((on_date - clock.paused_on).days)
            clock.state, clock.paused_on = "running", None
    for rule in RULES:
        if rule.start == event and kind in rule.kinds and (rule.classes is None or legal_class in rule.classes):
            exempt = rule.code == "acceptance" and identity_unknown
            clocks.append(Clock(rule.code, on_date, state="exempt" if exempt else "running"))


def touched(clocks, kind, status_after, event):
    """The open clocks `event` would end, pause or resume (as apply_event would move them)."""
    found = []
    for clock in clocks:
        rule = clock.rule
        if (
            clock.state == "running"
            and (event in rule.stops or status_after in ENDED or event in rule.pauses)
            or clock.state == "paused"
            and (event in rule.stops or status_after in ENDED or event in rule.resumes)
        ):
            found.append(clock)
    return found


def extend(clocks, days):
    clock = next(c for c in clocks if c.state == "running" and c.rule.max_extension)
    clock.additions.append(days)
    clock.extension_days += days


def extension_room(clocks):
    clock = next((c for c in clocks if c.state == "running" and c.rule.max_extension), None)
    return 0 if clock is None else max(clock.rule.max_extension - clock.extension_days, 0)


def latest(clocks, code):
    found = [c for c in clocks if c.code == code]
    return found[-1] if found else None


def next_due(clocks):
    dues = [c.due[0] for c in clocks if c.state == "running" and c.rule.obligation]
    return min(dues) if dues else None


def schedule_warning(clocks):
    return any(c.due[1] for c in clocks if c.open)
