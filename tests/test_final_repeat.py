"""终结后重复信访: after 复核 (or once a written answer or review decision stood unchallenged) the same person's same
facts and reasons are not accepted again (信访工作条例 第三十六条第三款, jiefen.cases.law.FINAL). The desk shows the
earlier case and registers nothing until the clerk says whether it is that matter again; a repeat is flagged on its
page, its 不予受理 reason is proposed, and the case list counts it apart."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiefen.cases import queries
from jiefen.cases.models import Case, Deadline, Party, Status
from jiefen.cases.personal import keyed_hash
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_decide_rereview,
    do_decide_review,
    do_request_rereview,
    do_request_review,
    do_sign_for_case,
)
from jiefen.cases.steps.decisions import NotAcceptForm

from .factories import HIGHER, VALID_IDS, register, reply_signed_off
from .test_views import intake_post

FINAL_WARNING = "该信访人有已终结的信访事项"
OPEN_WARNING = "该来访人已有未办结的案件"
ARTICLE = "第三十六条第三款"
OTHER_PERSON = {"party-0-name": "林小河", "party-0-id_number": VALID_IDS[1], "party-0-phone": "13900139000"}


def replied(org, people, *, parties=None):
    """A 申诉求决 case answered in writing today: its 复查 window starts today."""
    leader, handler = people["leader"], people["handler"]
    case = register(people["clerk"], village=org["village_a"], parties=parties)
    do_accept_case(leader, case, expected_version=case.version)
    do_assign_case(leader, case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(handler, case, expected_version=case.version)
    reply_signed_off(
        handler, case, expected_version=case.version, outcome="reject", served_on=timezone.localdate(),
        content="经调查核实，工资已于2025年12月结清，双方签字确认。",
    )
    return case


def final(org, people, *, parties=None):
    """A 申诉求决 case taken to 终结 by the real steps, all today: answered, reviewed, re-reviewed (upheld)."""
    clerk, leader, today = people["clerk"], people["leader"], timezone.localdate()
    case = replied(org, people, parties=parties)
    do_request_review(clerk, case, expected_version=case.version, requested_on=today)
    do_decide_review(
        leader, case, expected_version=case.version, **HIGHER, outcome="uphold", served_on=today,
        content="原处理意见认定事实清楚。",
    )
    do_request_rereview(clerk, case, expected_version=case.version, requested_on=today)
    do_decide_rereview(
        leader, case, expected_version=case.version, **HIGHER, outcome="uphold", served_on=today,
        content="同意复查意见。",
    )
    case.refresh_from_db()
    assert case.status == Status.FINAL
    return case


def lapse_window(case):
    """Move the case's latest 复查/复核 window to have fallen due yesterday."""
    window = case.deadlines.filter(rule__code__in=queries.WINDOW_CLOCKS).latest("id")
    Deadline.objects.filter(pk=window.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))


def finals_of(people, id_number=VALID_IDS[0]):
    return [c.pk for c in queries.final_cases_of(keyed_hash(id_number), "", people["clerk"])]


def test_a_final_matter_brought_again_is_held_then_registered_as_a_repeat(client, org, people):
    earlier = final(org, people)
    client.force_login(people["clerk"])

    response = client.post(reverse("desk"), intake_post(org))
    body = response.content.decode()
    assert response.status_code == 200 and FINAL_WARNING in body and 'role="alert"' in body
    assert earlier.number in body and ARTICLE in body and "不再受理" in body
    assert "复核意见（青政复〔2026〕1号）：维持" in body  # the decision: the summary of the re-review decision
    assert "系同一事实和理由：登记为终结后重复信访" in body and "确属新的事项，正常登记" in body
    assert OPEN_WARNING not in body
    assert Case.objects.count() == 1

    response = client.post(reverse("desk"), intake_post(org, final_repeat_of=str(earlier.pk)))
    repeat = Case.objects.exclude(pk=earlier.pk).get()
    assert response.status_code == 302 and response.url == reverse("case_detail", args=[repeat.number])
    assert repeat.final_repeat_of == earlier

    body = client.get(reverse("case_detail", args=[repeat.number])).content.decode()
    assert "终结后重复信访" in body and earlier.number in body and ARTICLE in body and "不再受理" in body
    body = client.get(reverse("case_detail", args=[earlier.number])).content.decode()
    assert 'id="final-repeat"' not in body


def test_the_not_accept_form_proposes_the_reason_citing_the_rule(client, org, people):
    earlier = final(org, people)
    repeat = register(people["clerk"], village=org["village_a"], final_repeat_of=earlier)
    form = NotAcceptForm(case=repeat, user=people["leader"], prefix="not_accept")
    reason = form.initial["reason"]
    assert ARTICLE in reason and earlier.number in reason and "复核终结" in reason and "不再受理" in reason
    client.force_login(people["leader"])
    assert reason in client.get(reverse("case_detail", args=[repeat.number])).content.decode()
    plain = register(people["clerk"], village=org["village_a"], parties=[{"name": "林小河", "id_number": VALID_IDS[1]}])
    assert "reason" not in NotAcceptForm(case=plain, user=people["leader"], prefix="not_accept").initial


def test_the_case_list_counts_repeats_apart(client, org, people):
    earlier = final(org, people)
    repeat = register(people["clerk"], village=org["village_a"], final_repeat_of=earlier)
    other = register(people["clerk"], village=org["village_a"], parties=[{"name": "林小河", "id_number": VALID_IDS[1]}])
    client.force_login(people["clerk"])
    body = client.get(reverse("case_list"), {"final_repeat": "true"}).content.decode()
    assert repeat.number in body and earlier.number not in body and other.number not in body
    assert "共 1 件" in body
    body = client.get(reverse("case_list")).content.decode()
    assert all(c.number in body for c in (earlier, repeat, other)) and "终结后重复信访" in body


def test_a_new_matter_of_the_same_person_is_registered_normally(client, org, people):
    earlier = final(org, people)
    client.force_login(people["clerk"])
    response = client.post(reverse("desk"), intake_post(org, final_new="True", request="要求修缮村道"))
    assert response.status_code == 302
    assert Case.objects.exclude(pk=earlier.pk).get().final_repeat_of is None


@pytest.mark.parametrize("choice", ["other_person", "out_of_scope", "not_a_number"])
def test_a_case_not_among_the_matches_is_refused_and_nothing_is_written(client, org, people, choice):
    earlier = final(org, people)
    chosen = {
        "other_person": lambda: final(org, people, parties=[{"name": "林小河", "id_number": VALID_IDS[1]}]).pk,
        "out_of_scope": lambda: register(people["outsider"], village=org["other_village"]).pk,
        "not_a_number": lambda: "abc",
    }[choice]()
    cases, parties = Case.objects.count(), Party.objects.count()
    client.force_login(people["clerk"])
    response = client.post(reverse("desk"), intake_post(org, final_repeat_of=str(chosen)))
    body = response.content.decode()
    assert response.status_code == 400 and "所选的原案件不是该信访人已终结的同一事项" in body
    assert earlier.number in body and FINAL_WARNING in body  # offered again
    assert (Case.objects.count(), Party.objects.count()) == (cases, parties)


def test_another_person_is_not_flagged(client, org, people):
    final(org, people)
    client.force_login(people["clerk"])
    response = client.post(reverse("desk"), intake_post(org, **OTHER_PERSON))
    assert response.status_code == 302 and Case.objects.count() == 2
    assert Case.objects.filter(final_repeat_of__isnull=False).count() == 0
    assert finals_of(people, VALID_IDS[1]) == []


def test_an_answer_that_stood_unchallenged_is_final_once_its_window_lapsed(client, org, people):
    answered = replied(org, people)
    assert finals_of(people) == []  # the 复查 window still runs: an open case, a visit is added to it
    client.force_login(people["clerk"])
    body = client.post(reverse("desk"), intake_post(org)).content.decode()
    assert OPEN_WARNING in body and FINAL_WARNING not in body

    lapse_window(answered)
    assert finals_of(people) == [answered.pk]
    response = client.post(reverse("desk"), intake_post(org))
    body = response.content.decode()
    assert response.status_code == 200 and FINAL_WARNING in body and answered.number in body
    assert OPEN_WARNING not in body and "送达处理意见书" in body  # the decision: the written answer's summary
    response = client.post(reverse("desk"), intake_post(org, final_repeat_of=str(answered.pk)))
    assert response.status_code == 302
    assert Case.objects.exclude(pk=answered.pk).get().final_repeat_of == answered


def test_a_review_decision_that_stood_unchallenged_is_final_too(org, people):
    clerk, leader, today = people["clerk"], people["leader"], timezone.localdate()
    case = replied(org, people)
    do_request_review(clerk, case, expected_version=case.version, requested_on=today)
    lapse_window(case)  # the 复查 window: requested within it, so not final
    assert finals_of(people) == []
    do_decide_review(
        leader, case, expected_version=case.version, **HIGHER, outcome="uphold", served_on=today, content="维持。",
    )
    assert finals_of(people) == []
    lapse_window(case)  # the 复核 window, never used
    assert finals_of(people) == [case.pk]


def test_an_open_case_gets_the_open_warning_not_the_final_one(client, org, people):
    first = register(people["clerk"], village=org["village_a"])
    client.force_login(people["clerk"])
    response = client.post(reverse("desk"), intake_post(org))
    body = response.content.decode()
    assert response.status_code == 200 and OPEN_WARNING in body and first.number in body
    assert FINAL_WARNING not in body and ARTICLE not in body
    assert finals_of(people) == []


def test_the_desk_check_shows_the_final_case_as_the_clerk_types(client, org, people):
    earlier = final(org, people)
    client.force_login(people["clerk"])
    body = client.post(
        reverse("desk_check"), {"party-0-id_number": VALID_IDS[0]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert FINAL_WARNING in body and earlier.number in body and ARTICLE in body and OPEN_WARNING not in body
    body = client.post(
        reverse("desk_check"), {"party-0-id_number": VALID_IDS[1]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert FINAL_WARNING not in body


def test_the_final_check_is_one_query_however_many_cases(org, people, django_assert_num_queries):
    final(org, people)
    lapse_window(replied(org, people))
    register(people["clerk"], village=org["village_a"])
    with django_assert_num_queries(1):
        found = list(queries.final_cases_of(keyed_hash(VALID_IDS[0]), keyed_hash("13800138000"), people["clerk"]))
        assert [c.decision for c in found] and all(c.category.name for c in found)
    assert len(found) == 2
