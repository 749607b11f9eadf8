"""After any sequence of case actions, the aggregates the actions kept equal a full recount from the cases.

Hypothesis draws a sequence of steps (which case, which step, how many days pass before it) over three cases
registered on 2026-01-05 (a petition in 东村 by visit, a dispute in 西村 by phone, a petition of no village
online) and more registered on the way; every step goes through the actions as a page would, with input that
is usually valid (a refused step changes nothing, which the recount also checks). Reopening by review and
re-review, 终结 without closed_at, moving villages, satisfaction answers and later contacts all occur.
Each example runs in a transaction rolled back at its end.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jiefen.cases.actions import ActionError, do_case_action
from jiefen.cases.models import Case, Channel
from jiefen.figures import counting, rebuild

from .factories import register

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY, LAST_DAY = dt.date(2026, 1, 5), dt.date(2026, 12, 20)
# The natural next steps from each status; "advance" picks one of them, so most cases get far.
NEXT = {
    "registered": ["accept", "accept", "accept", "not_accept", "forward"],
    "accepted": ["assign"],
    "assigned": ["sign_for"],
    "in_handling": ["reply"],
    "mediating": ["agree", "agree", "mediation_failed"],
    "agreed": ["close"],
    "mediation_failed": ["refer"],
    "referred": ["close"],
    "replied": ["close", "close", "request_review"],
    "review_requested": ["decide_review"],
    "review_decided": ["close", "request_rereview"],
    "rereview_requested": ["decide_rereview"],
    "closed": ["request_review", "request_rereview", "satisfaction"],
}
STEPS = ["advance"] * 6 + ["contact", "satisfaction", "correct_place", "register", "accept", "close"]


class Rollback(Exception):
    pass


def attempt(people, org, case, step, day, flip):
    """Try `step` on `case` as the person who would take it; a refused step is fine."""
    leader, clerk = people["leader"], people["clerk"]
    dispute = case.kind == Case.Kind.DISPUTE
    kwargs = {"expected_version": case.version}
    user = leader
    if step == "accept":
        pass
    elif step == "not_accept":
        kwargs.update(reason="不属于受理范围", lawful_channel="向人民法院起诉")
    elif step == "forward":
        kwargs.update(organ="县自然资源局")
    elif step == "assign":
        kwargs.update(unit=org["village_a"] if dispute else org["land_office"])
    elif step == "sign_for":
        user = people["mediator"] if dispute else people["land_handler"]
    elif step in ("reply", "decide_review", "decide_rereview"):
        kwargs.update(outcome="support" if flip else "explain", served_on=day, content="书面意见")
    elif step == "close":
        kwargs.update(resolved=flip)
    elif step in ("request_review", "request_rereview"):
        user = clerk
        kwargs.update(requested_on=day)
    elif step == "agree":
        kwargs.update(terms="双方同意", signed_on=day)
    elif step == "mediation_failed":
        kwargs.update(reason="双方分歧大")
    elif step == "refer":
        kwargs.update(route="litigation", guidance="引导起诉")
    elif step == "contact":
        user, kwargs = clerk, {"channel": Channel.CALL, "head_count": 2 if flip else 1}
    elif step == "satisfaction":
        user = clerk
        kwargs = {"rating": "满意" if flip else "不满意", "reason": "" if flip else "太慢", "source": "callback"}
    elif step == "correct_place":
        kwargs.update(village=org["village_b"] if case.village_id == org["village_a"].pk else org["village_a"],
                      reason="更正")
    try:
        do_case_action(user, case, step, **kwargs)
    except ActionError:
        pass


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(STEPS), st.integers(0, 20), st.integers(0, 5)),
        min_size=12,
        max_size=50,
    )
)
def test_the_aggregates_equal_a_recount_after_any_sequence_of_actions(people, org, steps):
    try:
        with transaction.atomic():
            day = FIRST_DAY
            with time_machine.travel(dt.datetime.combine(day, dt.time(9), SHANGHAI), tick=False):
                cases = [
                    register(people["clerk"], village=org["village_a"], channel=Channel.VISIT, head_count=3),
                    register(people["clerk"], village=org["village_b"], kind=Case.Kind.DISPUTE, channel=Channel.CALL),
                    register(people["clerk"], channel=Channel.ONLINE),
                ]
            for which, step, days, flip in steps:
                day = min(day + dt.timedelta(days=days), LAST_DAY)
                with time_machine.travel(dt.datetime.combine(day, dt.time(10 + len(cases) % 8), SHANGHAI), tick=False):
                    if step == "register":
                        cases.append(register(people["clerk"], village=org["village_a"] if flip % 2 else None,
                                              kind=Case.Kind.DISPUTE if flip % 3 == 0 else Case.Kind.PETITION))
                        continue
                    case = Case.objects.get(pk=cases[which % len(cases)].pk)
                    if step == "advance":
                        options = NEXT.get(case.status, ["contact"])
                        step = options[flip % len(options)]
                    attempt(people, org, case, step, day, flip % 2 == 0)
            for status in Case.objects.values_list("status", flat=True):
                event(f"a case ended {status}")
            assert counting.differences() == []
            assert counting.differences(by_database=True) == []  # the ORM's GROUP BY recount agrees
            rebuild.rebuild()  # and so does the rebuild inside the database
            assert counting.differences() == []
            raise Rollback
    except Rollback:
        pass
