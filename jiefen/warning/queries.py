"""Reads of early warning: the warning list, the case page's badge and the leader's home card."""

from django.db.models import Prefetch

from jiefen.cases.access import cases_for
from jiefen.cases.inputs import centre_leaders, centre_villages
from jiefen.cases.models import StatusGroup
from jiefen.leadership.models import CaseOwner
from jiefen.org import authz

from .models import ALARMING, Grade, RiskAssessment

# Who reads warnings: their reasons name key people (重点人员), a register the leadership keeps (KEY_GROUPS).
READERS = authz.LEADERSHIP


def may_read(user):
    return authz.in_roles(user, READERS)


def warnings_for(user):
    """The stored warnings (red to blue) of the open cases `user` may see (cases.access.cases_for, so the accused
    side never meets one), most severe first. The grade and case of each row are read through risk_grade_case."""
    return (
        RiskAssessment.objects.filter(
            grade__lt=Grade.GREEN, case__in=cases_for(user), case__status__in=StatusGroup.OPEN,
        )
        .select_related("case", "case__village", "acknowledged", "acknowledged__by")
        .order_by("grade", "-case__received_at", "-case__id")
    )


def warning_list(user, *, grade=None, village=None, owner=None, pending=False):
    """The warning list, narrowed: by grade (1..4), village (Unit pk), owning leader (包案, User pk), or to those
    not yet studied (已研判) under their present grade. The owners come in one query for the page
    (`with_owners`), so the page costs the same whatever its number of rows."""
    rows = warnings_for(user)
    if grade is not None:
        rows = rows.filter(grade=grade)
    if village is not None:
        rows = rows.filter(case__village_id=village)
    if owner is not None:
        rows = rows.filter(case__owners__leader_id=owner)
    if pending:
        rows = rows.filter(acknowledged__isnull=True)
    return rows


def with_owners(rows):
    """The page's rows with each case's owning leaders (包案领导) read in one query."""
    return rows.prefetch_related(
        Prefetch("case__owners", queryset=CaseOwner.objects.select_related("leader"), to_attr="owner_rows"),
    )


def filter_choices(user):
    """The villages and owning leaders the list can be narrowed to: those of the user's township."""
    return {"villages": list(centre_villages(user)), "leaders": list(centre_leaders(user))}


def case_section(user, case, steps):
    """The case's risk grade and reasons among the facts of the case page (for those who read warnings)."""
    if not may_read(user):
        return steps, None
    assessment = RiskAssessment.objects.filter(case=case).select_related("acknowledged__by").first()
    if assessment is None:
        return steps, None
    context = {"risk": assessment, "number": case.number}
    return steps, {"template": "warning/_case_badge.html", "context": context, "slot": "facts"}


def home_warnings(user, limit=10):
    """The red and orange warnings not yet studied, for the leader's home: the leader's own 包案 first."""
    if not may_read(user):
        return []
    rows = warnings_for(user).filter(grade__in=ALARMING, acknowledged__isnull=True)
    rows = list(with_owners(rows)[:limit])
    for row in rows:
        row.mine = any(o.leader_id == user.pk for o in row.case.owner_rows)
    return sorted(rows, key=lambda r: (not r.mine, r.grade))
