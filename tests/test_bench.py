"""The benchmark's synthetic data and its command, on a small county (no timing is asserted here)."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jiefen.cases import search
from jiefen.cases.models import Case, CaseSequence, Contact, Deadline, Event, Party, StatusGroup
from jiefen.cases.personal import clean_id_number, keyed_hash
from jiefen.demo import synthetic
from jiefen.org.models import Role, Unit, User

CASES = 300


@pytest.fixture
def loaded(db):
    out = io.StringIO()
    call_command("load_synthetic", cases=CASES, townships=3, stdout=out)
    return out.getvalue()


def search_ids(word):
    sql, params = search.matching_ids_sql(word)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def case_text(case):
    """The text search.index_case indexes for a case."""
    names = " ".join(p.name for p in case.parties.all())
    return f"{case.number} {case.category.name} {case.village.name} {names} {case.request} {case.facts}"


def test_it_loads_a_county_of_townships_villages_and_staff(loaded):
    county = Unit.objects.get(code=synthetic.COUNTY_CODE)
    townships = Unit.objects.filter(parent=county, kind=Unit.Kind.TOWNSHIP)
    assert townships.count() == 3
    for town in townships:
        assert Unit.objects.filter(parent=town, kind=Unit.Kind.VILLAGE).count() == 20
        assert town.subtree().filter(kind=Unit.Kind.VILLAGE).first().path.startswith(town.path)
    assert User.objects.get(username=synthetic.SUPERVISOR).role == Role.SUPERVISOR
    assert User.objects.get(username=synthetic.clerk_username(2)).unit.township in townships
    assert f"loaded {CASES:,} cases" in loaded


def test_it_loads_each_case_with_parties_contacts_and_events(loaded):
    assert Case.objects.count() == CASES
    parties = Counter(Party.objects.values_list("case_id", flat=True))
    contacts = Counter(Contact.objects.values_list("case_id", flat=True))
    events = Counter(Event.objects.values_list("case_id", flat=True))
    for case in Case.objects.all():
        assert 1 <= parties[case.pk] <= 2
        assert 1 <= contacts[case.pk] <= 3 and case.contact_count == contacts[case.pk]
        assert events[case.pk] >= 2
        assert case.person_times == sum(case.contacts.values_list("head_count", flat=True))
        assert case.received_by.unit_id == case.centre_id and case.village.parent_id == case.centre_id
    assert Event.objects.filter(kind="register").count() == CASES
    assert 2 * CASES <= Event.objects.count() <= 7 * CASES


def test_it_writes_valid_personal_data_and_its_keyed_hashes(loaded):
    for party in Party.objects.exclude(id_number=""):
        assert clean_id_number(party.id_number) == party.id_number
        assert party.id_number_hash == keyed_hash(party.id_number)
    for party in Party.objects.exclude(phone="")[:50]:
        assert party.phone_hash == keyed_hash(party.phone)


def test_it_mixes_statuses_and_keeps_clocks_of_open_cases(loaded):
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses["closed"] > CASES / 2
    open_cases = Case.objects.filter(status__in=StatusGroup.OPEN)
    assert open_cases.exists()
    for case in open_cases:
        assert case.deadlines.filter(state__in=[Deadline.State.RUNNING, Deadline.State.EXEMPT]).exists(), case.status
        running = case.deadlines.filter(state=Deadline.State.RUNNING).select_related("rule")
        due = [d.due_on for d in running if d.rule.is_obligation]
        assert case.next_due_on == (min(due) if due else None)
        assert all(d.length == d.rule.length and d.unit == d.rule.unit for d in running)
    assert not Deadline.objects.exclude(case__status__in=StatusGroup.OPEN).exists()


def test_case_sequences_match_the_numbers_issued(loaded):
    for seq in CaseSequence.objects.all():
        numbers = Case.objects.filter(centre=seq.centre, number__startswith=f"{seq.centre.code}-{seq.year}-")
        assert numbers.count() == seq.last
        assert numbers.order_by("-number").first().number.endswith(f"-{seq.last:05d}")


@pytest.mark.parametrize("word", ["工资", "鱼塘"])
def test_a_search_for_a_word_finds_exactly_the_cases_whose_text_contains_it(loaded, word):
    cases = Case.objects.select_related("category", "village").prefetch_related("parties")
    expected = {case.pk for case in cases if word in case_text(case)}
    assert expected and len(expected) < CASES / 5
    assert search_ids(word) == expected


def test_it_refuses_to_load_twice(loaded):
    with pytest.raises(CommandError, match="already loaded"):
        call_command("load_synthetic", cases=10, stdout=io.StringIO())


def test_bench_prints_every_row(loaded):
    out = io.StringIO()
    call_command("bench", repeat=2, warmup=1, stdout=out)
    table = out.getvalue()
    rows = [line.split() for line in table.splitlines()]
    expected = [(name, persona) for persona in ("clerk", "supervisor") for name in (
        "list", "list status+village", "list overdue", "search 工资", "search 鱼塘", "case page",
    )] + [("intake", "clerk")]
    for name, persona in expected:
        assert any(" ".join(r[: len(name.split()) + 1]) == f"{name} {persona}" for r in rows), (name, persona, table)
    assert "ERROR" not in table
    assert f"{CASES:,} cases" in table
    assert Case.objects.count() == CASES  # the cases the desk rows registered are gone again
    assert search_ids("路灯") == {c.pk for c in Case.objects.all() if "路灯" in c.request}


def test_bench_refuses_an_empty_database(db):
    with pytest.raises(CommandError, match="no synthetic data"):
        call_command("bench", repeat=1, stdout=io.StringIO())
