"""Page, API and action agree on every step, for every role, in every state (STYLE.md §11).

For each case of a fixture that holds both kinds of case in every state (and the states guards care about: a reply
whose review window runs, a hearing under way, an agreement, a dispute closed without one, a hard case) and each
persona: the steps the case page offers, the steps the API lists for a token of that account, and the steps whose
action does not refuse (called for real, then rolled back) must be the same set.
"""

import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiefen.api.tokens import do_create_api_token
from jiefen.cases.errors import ActionError
from jiefen.cases.models import Case, Channel, LegalClass, Status
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_close_case,
    do_decide_review,
    do_draft_reply,
    do_record_agreement,
    do_record_mediation_failure,
    do_refer_case,
    do_report_back,
    do_request_rereview,
    do_request_review,
    do_sign_for_case,
    do_sign_off,
    do_start_hearing,
    registry,
)
from jiefen.leadership.steps import do_add_measure, do_assign_owner, do_designate_hard_case

from .factories import HIGHER, county_clerk, hand_down, register, reply_signed_off

PERSONAS = [
    "clerk", "leader", "director", "handler", "other_handler", "land_handler", "mediator", "supervisor", "county",
]
PETITION_STATES = [
    Status.REGISTERED, Status.ACCEPTED, Status.NOT_ACCEPTED, Status.FORWARDED, Status.ASSIGNED, Status.IN_HANDLING,
    Status.REPLIED, Status.REVIEW_REQUESTED, Status.REVIEW_DECIDED, Status.REREVIEW_REQUESTED, Status.FINAL,
    Status.CLOSED,
]
DISPUTE_STATES = [
    Status.REGISTERED, Status.ACCEPTED, Status.NOT_ACCEPTED, Status.ASSIGNED, Status.MEDIATING, Status.AGREED,
    Status.MEDIATION_FAILED, Status.REFERRED, Status.CLOSED,
]
STEP_ID = re.compile(r'<details class="step" id="step-([a-z_]+)"')


class RolledBack(Exception):
    """Raised after a step went through, to undo it: the walk only asks whether the action accepts it."""


def in_state(people, org, kind, status):
    """A case of `kind` put straight into `status`, handed to (and, past 签收, handled by) the first village."""
    case = register(people["clerk"], village=org["village_a"], kind=kind)
    pending = org["village_a"] if status == Status.ASSIGNED else None
    responsible = org["village_a"] if status not in (Status.REGISTERED, Status.ACCEPTED, Status.ASSIGNED) else None
    Case.objects.filter(pk=case.pk).update(status=status, pending_unit=pending, responsible_unit=responsible)
    return case


def lived(people, org):
    """Cases brought through the actions to where guards speak."""
    leader, handler, mediator, county = people["leader"], people["handler"], people["mediator"], people["county"]
    today = timezone.localdate()

    def handled(case=None):
        case = case or register(people["clerk"], village=org["village_a"])
        do_accept_case(leader, case, expected_version=case.version)
        do_assign_case(leader, case, expected_version=case.version, unit=org["village_a"])
        do_sign_for_case(handler, case, expected_version=case.version)
        return case

    replied = handled()
    reply_signed_off(handler, replied, outcome="reject", served_on=today, content="不予支持")
    hearing = handled()
    reply_signed_off(handler, hearing, outcome="reject", served_on=today, content="否")
    do_request_review(leader, hearing, expected_version=hearing.version, requested_on=today)
    do_decide_review(county, hearing, expected_version=hearing.version, **HIGHER, outcome="uphold",
                     served_on=today, content="否")
    do_request_rereview(leader, hearing, expected_version=hearing.version, requested_on=today)
    do_start_hearing(leader, hearing, expected_version=hearing.version, on_date=today)
    decided = handled()
    reply_signed_off(handler, decided, outcome="reject", served_on=today, content="否")
    do_request_review(leader, decided, expected_version=decided.version, requested_on=today)
    do_decide_review(county, decided, expected_version=decided.version, **HIGHER, outcome="uphold",
                     served_on=today, content="否")
    # The written answer on its way: drafted (awaiting 审签), and signed off (awaiting 送达).
    drafted = handled()
    do_draft_reply(handler, drafted, expected_version=drafted.version, outcome="support", content="支持")
    signed = handled()
    do_draft_reply(handler, signed, expected_version=signed.version, outcome="support", content="支持")
    do_sign_off(leader, signed, expected_version=signed.version, approved=True)
    hard = handled()
    do_designate_hard_case(leader, hard, expected_version=hard.version, kind="backlog", reason="久拖未决")
    do_add_measure(leader, hard, text="上门走访", person_name="村支书", review_on=today)
    do_assign_owner(leader, hard, leader=leader)

    def mediating():
        case = register(people["clerk"], village=org["village_a"], kind=Case.Kind.DISPUTE)
        do_accept_case(leader, case, expected_version=case.version)
        do_assign_case(leader, case, expected_version=case.version, unit=org["village_a"])
        do_sign_for_case(mediator, case, expected_version=case.version)
        return case

    agreed = mediating()
    do_record_agreement(mediator, agreed, expected_version=agreed.version, terms="按月付清", signed_on=today)
    referred = mediating()
    do_record_mediation_failure(mediator, referred, expected_version=referred.version, reason="对方拒绝")
    do_refer_case(mediator, referred, expected_version=referred.version, route="litigation", guidance="可起诉")
    do_close_case(mediator, referred, expected_version=referred.version, resolved=False)
    # Mediating, its one-month period running (延长调解期限 is offered).
    talking = mediating()
    # Handed down from above (上级交办), its 5-working-day window to object open.
    handed = register(people["clerk"], village=org["village_a"], channel=Channel.ASSIGNED)
    # An accusation by letter that does not say which unit it is about: only a leader may name it.
    unnamed = register(people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION)
    # Handed down by the county and answered: the township reports back (报结), the county reviews the report.
    answered = handled(hand_down(county, org["town"], village=org["village_a"]))
    reply_signed_off(handler, answered, outcome="support", served_on=today, content="支持")
    reported = handled(hand_down(county, org["town"], village=org["village_a"]))
    reply_signed_off(handler, reported, outcome="support", served_on=today, content="支持")
    do_report_back(leader, reported, expected_version=reported.version, reported_on=today, result="已解决")
    return [replied, decided, hearing, drafted, signed, hard, agreed, referred, talking, handed, unnamed, answered,
            reported]


def accepted_by_actions(user, number):
    """The steps whose action does not refuse `user` on case `number`: each called for real, then rolled back."""
    accepted = set()
    for declared in registry.steps():
        case = Case.objects.get(number=number)
        try:
            with transaction.atomic():
                declared.action(user, case, expected_version=case.version)
                raise RolledBack
        except registry.StepRefused:
            continue
        except (ActionError, RolledBack):  # a missing or bad field, or done: the step itself was allowed
            accepted.add(declared.code)
    return accepted


@pytest.fixture
def people(people, org):
    """The personas and a desk account of the county (its 信访局): the county decides 复查 here, and reviews
    what the township reports back on items it handed down."""
    return {**people, "county": county_clerk(org)}


@pytest.mark.django_db(transaction=False)
def test_page_api_and_action_agree_on_every_step_role_and_state(client, org, people):
    numbers = [in_state(people, org, Case.Kind.PETITION, s).number for s in PETITION_STATES]
    numbers += [in_state(people, org, Case.Kind.DISPUTE, s).number for s in DISPUTE_STATES]
    numbers += [c.number for c in lived(people, org)]
    not_in_api = {s.code for s in registry.steps() if not s.api}
    checked = 0
    for persona in PERSONAS:
        user = people[persona]
        token = do_create_api_token(user, name="一致性检查", scopes=["read", "act"])[1]
        client.force_login(user)
        for number in numbers:
            page = client.get(reverse("case_detail", args=[number]))
            if page.status_code == 404:  # out of this persona's data scope: the API agrees
                api = client.get(f"/api/cases/{number}", HTTP_AUTHORIZATION=f"Bearer {token}")
                assert api.status_code == 404, (persona, number)
                continue
            offered = set(STEP_ID.findall(page.content.decode()))
            api = client.get(f"/api/cases/{number}", HTTP_AUTHORIZATION=f"Bearer {token}")
            listed = {a["action"] for a in api.json()["allowed_actions"]}
            accepted = accepted_by_actions(user, number)
            status = Case.objects.get(number=number).status
            assert offered - not_in_api == listed, (persona, number, status, (offered - not_in_api) ^ listed)
            assert offered == accepted, (persona, number, status, offered ^ accepted)
            checked += 1
    # Every persona but the outsider-to-a-unit saw some cases; every step was offered to someone somewhere.
    assert checked > 100


def test_every_step_is_offered_somewhere_in_the_walk(org, people):
    """The fixture reaches every step: a step no persona can take in any state would pass the walk unseen."""
    numbers = [in_state(people, org, Case.Kind.PETITION, s).number for s in PETITION_STATES]
    numbers += [in_state(people, org, Case.Kind.DISPUTE, s).number for s in DISPUTE_STATES]
    numbers += [c.number for c in lived(people, org)]
    seen = set()
    for persona in PERSONAS:
        for number in numbers:
            seen |= {t.action for t in registry.available(people[persona], Case.objects.get(number=number))}
    assert seen == set(registry.codes())


def test_a_guard_hides_the_step_and_its_action_refuses_it_with_the_reason(org, people):
    """听证结束 is not offered before a hearing has started, and the action says why (409 on the page and API)."""
    case = next(c for c in lived(people, org) if c.status == Status.REREVIEW_REQUESTED)
    leader = people["leader"]
    offered = {t.action for t in registry.available(leader, case)}
    assert "end_hearing" in offered and "start_hearing" not in offered
    with pytest.raises(registry.StepRefused, match="听证已在进行中") as refused:
        registry.dispatch(leader, case, "start_hearing", expected_version=case.version, on_date=timezone.localdate())
    assert refused.value.conflict
