"""Read a case's facts against the active warning rules: its grade (the most severe matched) and the reasons.

`facts_for` reads the facts of a whole batch of cases in a constant number of queries; `grade_of` applies the rules
to one case's facts without touching the database, so the refresh of many cases costs no query per case.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.models import Channel, Contact, Event, Handover, Party, StatusGroup
from jiefen.grid.models import KeyPerson

from .models import Grade, SensitivePeriod, WarningRule

Kind = WarningRule.Kind


@dataclass
class Facts:
    """What the rules look at, for one case."""

    open: bool
    max_head_count: int = 0
    contact_times: list = field(default_factory=list)  # when each contact in the longest window happened
    # (organ, mode) when the case came down from an organ above (上级交办、转送), else None.
    higher: tuple | None = None
    key_people: list = field(default_factory=list)  # (name, group label)
    next_due_on: dt.date | None = None
    failed_mediations: int = 0


@dataclass(frozen=True)
class Context:
    """What is the same for every case of a refresh: the active rules and today's sensitive periods."""

    today: dt.date
    rules: tuple
    periods: tuple

    @classmethod
    def load(cls, today):
        rules = tuple(WarningRule.objects.filter(active=True))
        periods = tuple(SensitivePeriod.objects.filter(active=True, starts_on__lte=today, ends_on__gte=today))
        return cls(today=today, rules=rules, periods=periods)

    @property
    def longest_window(self):
        return max((r.window_days for r in self.rules if r.kind == Kind.REPEAT_CONTACTS), default=0)


class _Blank(dict):
    """A rule's reason with a placeholder it has no value for shows it empty rather than failing the refresh."""

    def __missing__(self, key):
        return ""


def _reason(rule, **values):
    return rule.reason.format_map(_Blank(values))


def _match(rule, facts, today, periods):
    """The reason `rule` gives for a case with `facts`, or None when it does not match."""
    if rule.kind == Kind.GROUP_SIZE and facts.max_head_count >= max(rule.threshold, 1):
        return _reason(rule, n=facts.max_head_count)
    if rule.kind == Kind.REPEAT_CONTACTS:
        since = today - dt.timedelta(days=rule.window_days)
        n = sum(1 for at in facts.contact_times if at > since)
        if n >= max(rule.threshold, 1):
            return _reason(rule, n=n, days=rule.window_days)
    if rule.kind == Kind.HIGHER_LEVEL and facts.higher:
        organ, mode = facts.higher
        return _reason(rule, organ=organ, mode=mode)
    if rule.kind == Kind.KEY_PERSON and facts.key_people:
        return "；".join(_reason(rule, name=name, group=group) for name, group in facts.key_people)
    due = facts.next_due_on
    if rule.kind == Kind.DEADLINE and due is not None and due <= today + dt.timedelta(days=rule.window_days):
        return _reason(rule, due=f"{due:%Y-%m-%d}", days=rule.window_days, late=max((today - due).days, 0))
    if rule.kind == Kind.SENSITIVE_DATE and periods:
        return _reason(rule, period="、".join(p.name for p in periods))
    if rule.kind == Kind.MEDIATION_FAILED and facts.failed_mediations >= max(rule.threshold, 1):
        return _reason(rule, n=facts.failed_mediations)
    return None


def grade_of(facts, context):
    """(grade, reasons) of a case with `facts`: the most severe grade any rule matches, with one reason per kind
    (that of its most severe matching row); green without a reason when nothing matches or the case is closed."""
    if not facts.open:
        return Grade.GREEN, []
    found = {}
    for rule in sorted(context.rules, key=lambda r: (r.grade, r.pk)):
        if rule.kind in found:
            continue
        reason = _match(rule, facts, context.today, context.periods)
        if reason is not None:
            found[rule.kind] = (rule.grade, reason)
    if not found:
        return Grade.GREEN, []
    ordered = sorted(found.values(), key=lambda pair: pair[0])
    return Grade(ordered[0][0]), [reason for _grade, reason in ordered]


def facts_for(cases, context):
    """{case id: Facts} for a list of cases, in six queries whatever their number."""
    ids = [c.pk for c in cases]
    facts = {c.pk: Facts(open=c.status in StatusGroup.OPEN, next_due_on=c.next_due_on) for c in cases}
    if not ids:
        return facts
    kinds = {r.kind for r in context.rules}
    if Kind.GROUP_SIZE in kinds:
        heads = Contact.objects.filter(case_id__in=ids).values("case_id").annotate(m=Max("head_count"))
        for row in heads:
            facts[row["case_id"]].max_head_count = row["m"] or 0
    if Kind.REPEAT_CONTACTS in kinds:
        since = context.today - dt.timedelta(days=context.longest_window)
        # Contacts are timestamps; the window is counted in local days, so compare local dates.
        for case_id, at in Contact.objects.filter(case_id__in=ids, occurred_at__date__gt=since).values_list(
            "case_id", "occurred_at",
        ):
            facts[case_id].contact_times.append(timezone.localdate(at))
    if Kind.HIGHER_LEVEL in kinds:
        _higher_level(cases, facts)
    if Kind.KEY_PERSON in kinds:
        _key_people(cases, facts)
    if Kind.MEDIATION_FAILED in kinds:
        failed = Event.objects.filter(case_id__in=ids, kind="mediation_failed")
        for row in failed.values("case_id").annotate(n=Count("id")):
            facts[row["case_id"]].failed_mediations = row["n"]
    return facts


def _higher_level(cases, facts):
    """越级: an item an organ above handed down or forwarded (a transfer between townships is no such thing)."""
    handovers = Handover.objects.filter(case_id__in=list(facts), from_case__isnull=True).values_list(
        "case_id", "from_organ", "mode",
    )
    modes = dict(Handover.Mode.choices)
    for case_id, organ, mode in handovers:
        facts[case_id].higher = (organ, str(modes.get(mode, mode)))
    for case in cases:
        if case.channel == Channel.ASSIGNED and facts[case.pk].higher is None:
            facts[case.pk].higher = (_("上级机关"), _("交办"))


def _key_people(cases, facts):
    """A party whose name and village (the party's, else the case's) match an active key person of the centre."""
    village_of = {c.pk: c.village_id for c in cases}
    parties = list(Party.objects.filter(case_id__in=list(facts)).values_list("case_id", "name", "village_id"))
    names = {name for _c, name, _v in parties}
    if not names:
        return
    register = defaultdict(list)
    people = KeyPerson.objects.filter(
        active=True, centre_id__in={c.centre_id for c in cases}, name__in=names,
    ).values_list("name", "village_id", "group")
    groups = dict(KeyPerson.Group.choices)
    for name, village_id, group in people:
        register[(name, village_id)].append(str(groups.get(group, group)))
    for case_id, name, village_id in parties:
        for group in register.get((name, village_id or village_of[case_id]), []):
            if (name, group) not in facts[case_id].key_people:
                facts[case_id].key_people.append((name, group))


def evaluate(case, today):
    """(grade, [reasons]) of one case on `today`."""
    context = Context.load(today)
    return grade_of(facts_for([case], context)[case.pk], context)
