"""Reads for the owner's page (我的包案), the 包案与化解 section of the case page and the visit pages."""

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.cases.access import cases_for
from jiefen.cases.models import Deadline, Status, StatusGroup
from jiefen.cases.queries import LIST_COLUMNS
from jiefen.org.models import User
from jiefen.org.queries import leadership_of

from .access import visits_for
from .models import CaseOwner, HardCase, LeaderVisit, StabilisationMeasure, VisitCase
from .rules import assess, assessment

# Where the next step of an owned case is a leadership decision (see the step registry, jiefen.cases.steps).
DECISIONS = {
    Status.REGISTERED: _("待决定是否受理"),
    Status.ACCEPTED: _("待交办"),
    Status.REVIEW_REQUESTED: _("待出具复查意见"),
    Status.REREVIEW_REQUESTED: _("待出具复核意见"),
    Status.MEDIATION_FAILED: _("调解不成，待决定导入途径"),
}

def leaders_of(centre):
    """The centre's leadership: who may own a case or go on a visit."""
    return leadership_of(centre)


def staff_of(centre):
    """Everyone with an account in the centre's unit tree: leaders, clerks, department and village staff."""
    return (
        User.objects.filter(is_active=True, unit__path__startswith=centre.path)
        .select_related("unit").order_by("unit__path", "role", "id")
    )


def my_cases(user):
    """The owner's page: open cases `user` owns with their clocks, what needs their decision, their hard cases.

    Owned cases come through CaseOwner's (case, leader) unique index and the user's data scope; a fixed number of
    queries however many cases (tests pin it).
    """
    today = timezone.localdate()
    soon = today + dt.timedelta(days=settings.DUE_SOON_DAYS)
    owned = cases_for(user).filter(owners__leader=user)
    rows = list(
        owned.filter(status__in=StatusGroup.OPEN)
        .order_by(F("next_due_on").asc(nulls_last=True), "-received_at")
        .values(*LIST_COLUMNS)
    )
    ids = [r["id"] for r in rows]
    clocks = {}
    running = Deadline.objects.filter(case_id__in=ids, state=Deadline.State.RUNNING, rule__is_obligation=True)
    for d in running.select_related("rule").order_by("due_on"):
        clocks.setdefault(d.case_id, d)  # the earliest: the one next_due_on shows
    hard = assess(HardCase.objects.filter(case_id__in=ids))
    co_owners = {}
    for owner in CaseOwner.objects.filter(case_id__in=ids).exclude(leader=user).select_related("leader"):
        co_owners.setdefault(owner.case_id, []).append(owner.leader.display_name)
    decisions = []
    for row in rows:
        row["clock"] = clocks.get(row["id"])
        row["hard"] = hard.get(row["id"])
        row["co_owners"] = co_owners.get(row["id"], [])
        reasons = []
        if row["status"] in DECISIONS:
            reasons.append(DECISIONS[row["status"]])
        if row["next_due_on"] and row["next_due_on"] < today:
            reasons.append(_("已超期，请督促办理"))
        if row["hard"] and row["hard"].missing:
            reasons.append(_("“1211”未落实：%(m)s") % {"m": "；".join(row["hard"].missing)})
        if reasons:
            decisions.append({"case": row, "reasons": reasons})
    # Measures whose review date has come: of the hard cases the user owns, or with the user answerable.
    due_measures = list(
        StabilisationMeasure.objects.filter(done=False, review_on__lte=today)
        .filter(Q(hard_case__case_id__in=ids) | Q(person=user, hard_case__case__in=cases_for(user)))
        .select_related("hard_case__case", "person").order_by("review_on", "id")
    )
    return {
        "rows": rows,
        "decisions": decisions,
        "due_measures": due_measures,
        "todo_count": len(decisions) + len(due_measures),
        "hard_count": len(hard),
        "overdue": sum(1 for r in rows if r["next_due_on"] and r["next_due_on"] < today),
        "due_soon": sum(1 for r in rows if r["next_due_on"] and today <= r["next_due_on"] <= soon),
        "closed_count": owned.exclude(status__in=StatusGroup.OPEN).count(),
        "visits": list(LeaderVisit.objects.filter(leader=user).select_related("village")[:5]),
        "overview": centre_overview(user),
        "today": today,
    }


def centre_overview(user):
    """包案 across the centre, per leader: open cases owned and how many are hard cases (DESIGN.md §2)."""
    scope = cases_for(user).filter(status__in=StatusGroup.OPEN)
    return list(
        CaseOwner.objects.filter(case__in=scope)
        .values("leader_id", "leader__full_name", "leader__username")
        .annotate(cases=Count("case", distinct=True), hard=Count("case__hard_case", distinct=True))
        .order_by("-cases", "leader_id")
    )


# The case page's 包案与化解 section: the steps declared for it (steps.py) are shown there, not in the 办理 panel.
SECTION = "leadership"


def case_section(user, case, steps):
    """The 包案与化解 section of the case page (registered in apps.py as a section of the core's case page).

    `steps` are the page's available steps ({"t", "form", "open"}); the section takes those declared for it
    (SECTION): their guards already left out what makes no sense now (the parts of a hard case before it is
    one, removing an owner when there is none).
    """
    owners = list(CaseOwner.objects.filter(case=case).select_related("leader", "assigned_by"))
    found = assessment(case)
    hard_case = found.hard_case if found else None
    mine = {s["t"].action: s for s in steps if s["t"].section == SECTION}
    section = {
        "owners": owners,
        "hard_case": hard_case,
        "assessment": found,
        "steps": mine,
        "visits": list(VisitCase.objects.filter(case=case).select_related("visit__leader", "visit__village")),
        "today": timezone.localdate(),
    }
    if hard_case is not None:
        section["task_force"] = list(hard_case.task_force.select_related("user__unit"))
        section["measures"] = list(hard_case.measures.select_related("person"))
    rest = [s for s in steps if s["t"].section != SECTION]
    return rest, {"template": "leadership/_case_section.html", "context": section}


def visit_list(user, *, leader=None):
    """The visit list, newest first, served by the (centre, visited_on) index; with how many cases each gave."""
    visits = visits_for(user).select_related("leader", "village").annotate(case_count=Count("cases"))
    if leader is not None:
        visits = visits.filter(leader=leader)
    return visits.order_by("-visited_on", "-id")


def village_open_cases(user, village):
    """Open cases of a village, for the visit page's "记入已有案件" suggestions."""
    return list(
        cases_for(user).filter(village=village, status__in=StatusGroup.OPEN)
        .order_by("-received_at").values("number", "request")[:30]
    )
