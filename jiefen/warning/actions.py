"""The writes of early warning: the refresh of stored grades, and the leadership's acknowledgement (已研判)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases.errors import ActionError
from jiefen.cases.extensions import tell_staff
from jiefen.org import authz
from jiefen.org.queries import leadership_of

from .models import ALARMING, Grade, RiskAcknowledgement, RiskAssessment
from .rules import Context, facts_for, grade_of

BATCH = 500
CASE_FIELDS = ("id", "number", "status", "centre_id", "village_id", "channel", "next_due_on")


@dataclass
class RefreshReport:
    assessed: int = 0
    changed: int = 0
    raised: int = 0  # rises to orange or red, each told to the centre's leadership


def refresh(cases, today=None):
    """Grade every case of the queryset `cases` on `today` and store the result, batch by batch, each batch in a
    constant number of queries (its facts, its stored rows, one insert, one update); tell the leadership of each
    case that rises to orange or red. Returns a RefreshReport."""
    today = today or timezone.localdate()
    context = Context.load(today)
    report = RefreshReport()
    leaders = {}  # centre id -> its leadership, read once per township
    # Batches by primary key, each read afresh: no cursor stays open across the writes (SQLite's would see them).
    last = 0
    while batch := list(cases.filter(pk__gt=last).only(*CASE_FIELDS).order_by("pk")[:BATCH]):
        _refresh_batch(batch, context, report, leaders)
        last = batch[-1].pk
    return report


@transaction.atomic
def _refresh_batch(cases, context, report, leaders):
    facts = facts_for(cases, context)
    stored = {
        a.case_id: a for a in RiskAssessment.objects.filter(case_id__in=list(facts)).select_related("acknowledged")
    }
    new, changed, rises = [], [], []
    for case in cases:
        grade, reasons = grade_of(facts[case.pk], context)
        old = stored.get(case.pk)
        report.assessed += 1
        if old is None:
            new.append(RiskAssessment(case=case, grade=grade, reasons=reasons, computed_on=context.today))
            before = Grade.GREEN
        else:
            before = old.grade
            if old.grade == grade and old.reasons == reasons and old.computed_on == context.today:
                continue
            old.grade, old.reasons, old.computed_on = grade, reasons, context.today
            if old.acknowledged is not None and not old.acknowledged.stands_for(grade):
                old.acknowledged = None
            changed.append(old)
        if old is None or before != grade:
            report.changed += 1
        if grade in ALARMING and grade < before:
            rises.append((case, grade, reasons))
    # Two workers refreshing at once: the second one's rows for the same new cases are simply not written.
    RiskAssessment.objects.bulk_create(new, ignore_conflicts=True)
    RiskAssessment.objects.bulk_update(changed, ["grade", "reasons", "computed_on", "acknowledged"])
    for case, grade, reasons in rises:
        report.raised += 1
        _tell_leadership(case, grade, reasons, context.today, leaders)


def _tell_leadership(case, grade, reasons, today, leaders):
    if case.centre_id not in leaders:
        leaders[case.centre_id] = list(leadership_of(case.centre_id))
    title = _("预警：%(number)s 升为%(grade)s（%(reasons)s）") % {
        "number": case.number, "grade": Grade(grade).label, "reasons": "；".join(reasons),
    }
    link = reverse("case_detail", args=[case.number])
    for leader in leaders[case.centre_id]:
        # Once per case, grade, day and leader (the key is unique across all notifications).
        key = f"warning:{case.pk}:{grade}:{today:%Y-%m-%d}:{leader.pk}"
        tell_staff(leader, title[:200], link=link, dedupe_key=key)


def may_acknowledge(user, case):
    """Only the leadership of the case's own centre studies its warnings (已研判)."""
    return authz.in_roles(user, authz.LEADERSHIP) and authz.scope_of(user).centre == case.centre


@transaction.atomic
def do_acknowledge_warning(acting_user, case, *, measures):
    """Record that `acting_user` has studied the case's current warning (已研判) and what is being done; it stands
    until the grade rises above the one acknowledged. One audit record."""
    if not may_acknowledge(acting_user, case):
        raise ActionError(_("只有本中心领导班子成员可以研判预警"))
    measures = (measures or "").strip()
    if not measures:
        raise ActionError(_("请填写研判意见和措施"), field="measures")
    assessment = RiskAssessment.objects.select_for_update().filter(case=case).first()
    if assessment is None or not assessment.is_warning:
        raise ActionError(_("该案件当前没有预警，无需研判"))
    ack = RiskAcknowledgement.objects.create(
        case=case, grade=assessment.grade, measures=measures, by=acting_user, at=timezone.now(),
    )
    assessment.acknowledged = ack
    assessment.save(update_fields=["acknowledged"])
    record(acting_user, "warning.acknowledge", case, grade=assessment.grade, measures_len=len(measures))
    return ack


def cases_to_refresh():
    """Every open case of every township, and every case whose stored grade is still a warning (closed since: it
    turns green)."""
    from django.db.models import Q

    from jiefen.cases.access import centre_cases
    from jiefen.cases.models import StatusGroup
    from jiefen.org.models import Unit

    townships = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).values_list("id", flat=True)
    return centre_cases(townships).filter(Q(status__in=StatusGroup.OPEN) | Q(risk__grade__lt=Grade.GREEN))


_last_refresh = {"at": None}


def refresh_warnings_if_due(now=None):
    """The worker's round: refresh every grade when WARNING_REFRESH_MINUTES (default 15) have passed since this
    process last did, so a contact recorded this morning raises its warning within the quarter-hour without the
    worker reading every open case each minute. Returns the RefreshReport, or None when not due."""
    now = now or timezone.now()
    every = dt.timedelta(minutes=getattr(settings, "WARNING_REFRESH_MINUTES", 15))
    last = _last_refresh["at"]
    if last is not None and now - last < every:
        return None
    _last_refresh["at"] = now
    return refresh(cases_to_refresh(), timezone.localdate(now))
