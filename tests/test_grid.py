"""The grid module through its actions and reads: households, visitors, household visits, the dispute ledger,
coverage, campaigns and key groups (issue 4)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases.access import cases_for
from jiefen.cases.actions import ActionError
from jiefen.cases.models import Case, Channel, LegalClass, Party, Status
from jiefen.cases.queries import case_list
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_close_case,
    do_record_agreement,
    do_record_mediation_failure,
    do_record_mediation_session,
    do_refer_case,
    do_sign_for_case,
)
from jiefen.grid import queries
from jiefen.grid.access import key_people_for
from jiefen.grid.actions import (
    do_add_household,
    do_add_visitor,
    do_create_campaign,
    do_list_key_person,
    do_record_dispute,
    do_record_household_visit,
    do_record_key_person_visit,
    do_unlist_key_person,
    do_update_household,
    do_update_visitor,
)
from jiefen.grid.models import DisputeRecord, Finding, Household, HouseholdVisit, KeyPerson, KeyPersonVisit, Visitor
from jiefen.org.models import Role, Unit

from .factories import person, unit

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


@pytest.fixture
def grid(org, people):
    """东村第一网格 with its grid worker on the register and five households; a second grid of 东村 with three."""
    second = unit("东村第二网格", Unit.Kind.GRID, org["village_a"])
    worker = do_add_visitor(people["director"], name="周网格", kind=Visitor.Kind.GRID_WORKER, phone="13800000001",
                            grids=[org["grid_a"]], account=people["mediator"])
    elder = do_add_visitor(people["director"], name="陈五老", kind=Visitor.Kind.ELDER, specialities="邻里纠纷")
    first = [
        do_add_household(people["mediator"], grid=org["grid_a"], head_name=f"东一户{i}", address=f"东村1组{i}号",
                         members=3)
        for i in range(5)
    ]
    others = [
        do_add_household(people["clerk"], grid=second, head_name=f"东二户{i}", address=f"东村2组{i}号", members=2)
        for i in range(3)
    ]
    return SimpleNamespace(unit=org["grid_a"], second=second, worker=worker, elder=elder, first=first, others=others)


def visit(people, grid, household, day=None, finding=Finding.NOTHING, note="", user=None, visitor=None):
    return do_record_household_visit(
        user or people["mediator"], household=household, visited_on=day or TODAY(), visitor=visitor or grid.worker,
        finding=finding, note=note or ("邻里因宅基地边界争吵" if finding != Finding.NOTHING else ""),
    )


def dispute_from(people, grid, household, **extra):
    v = visit(people, grid, household, finding=Finding.DISPUTE)
    fields = {
        "dispute_kind": "neighbour", "risk_level": "medium", "request": "两户因宅基地边界砌墙发生争执，要求拆除围墙",
        "parties": [{"name": household.head_name, "phone": "13800138000"},
                 {"role": Party.Role.RESPONDENT, "name": "邻居老王"}],
        "mediator": grid.elder,
    }
    fields.update(extra)
    return v, do_record_dispute(people["mediator"], visit=v, **fields)


def audit(action):
    return AuditRecord.objects.filter(action=action)


# ---- households and the register ----

def test_a_grid_worker_adds_a_household_to_own_grid_with_an_audit_record(org, people, grid):
    household = do_add_household(
        people["mediator"], grid=grid.unit, head_name="李大树", address="东村1组9号", members=4
    )
    assert (household.village, household.centre) == (org["village_a"], org["town"])
    assert audit("household.add").filter(object_ref=str(household), actor=people["mediator"]).count() == 1


def test_a_grid_worker_may_not_add_a_household_to_another_grid(org, people, grid):
    before = Household.objects.count(), AuditRecord.objects.count()
    with pytest.raises(ActionError, match="负责范围"):
        do_add_household(people["mediator"], grid=grid.second, head_name="李大树", address="东村2组9号")
    assert (Household.objects.count(), AuditRecord.objects.count()) == before


def test_a_household_is_entered_once_per_grid(people, grid):
    with pytest.raises(ActionError, match="已登记该户"):
        do_add_household(people["clerk"], grid=grid.unit, head_name="东一户0", address="东村1组0号")


@pytest.mark.parametrize("who", ["handler", "supervisor", "outsider"])
def test_households_are_not_entered_by_handlers_the_county_or_another_township(org, people, grid, who):
    with pytest.raises(ActionError):
        do_add_household(people[who], grid=grid.unit, head_name="李大树", address="东村1组9号")
    assert not Household.objects.filter(head_name="李大树").exists()


def test_a_household_bad_members_count_is_refused_in_chinese(people, grid):
    with pytest.raises(ActionError, match="家庭人口"):
        do_add_household(people["clerk"], grid=grid.unit, head_name="李大树", address="东村1组9号", members=0)


def test_a_household_taken_off_the_register_keeps_its_visits(people, grid):
    household = grid.first[0]
    visit(people, grid, household)
    do_update_household(people["mediator"], household, head_name=household.head_name, address=household.address,
                        members=5, active=False)
    household.refresh_from_db()
    assert household.members == 5 and not household.active and household.visits.count() == 1
    entry = audit("household.update").get()
    assert set(entry.details["changed"]) == {"members", "active"}
    with pytest.raises(ActionError, match="不在册"):
        visit(people, grid, household)


def test_the_register_of_visitors_is_kept_by_the_centre(org, people, grid):
    assert grid.worker.user == people["mediator"] and list(grid.worker.grids.all()) == [grid.unit]
    with pytest.raises(ActionError, match="同名同电话"):
        do_add_visitor(people["clerk"], name="周网格", kind=Visitor.Kind.GRID_WORKER, phone="13800000001")
    with pytest.raises(ActionError, match="已关联"):
        do_add_visitor(people["clerk"], name="另一人", kind=Visitor.Kind.POLICE, account=people["mediator"])
    with pytest.raises(ActionError, match="不能进行"):
        do_add_visitor(people["mediator"], name="新人", kind=Visitor.Kind.STEWARD)
    other_grid = unit("白水村第一网格", Unit.Kind.GRID, org["other_village"])
    with pytest.raises(ActionError, match="本乡镇"):
        do_add_visitor(people["clerk"], name="新人", kind=Visitor.Kind.STEWARD, grids=[other_grid])
    do_update_visitor(people["director"], grid.elder, name="陈五老", kind=Visitor.Kind.ELDER, specialities="土地纠纷",
                      active=False)
    grid.elder.refresh_from_db()
    assert not grid.elder.active and grid.elder.specialities == "土地纠纷"
    assert audit("visitor.add").count() == 2 and audit("visitor.update").count() == 1


# ---- household visits ----

def test_a_grid_worker_records_a_visit_with_an_audit_record(org, people, grid):
    v = visit(people, grid, grid.first[0])
    assert (v.grid, v.village, v.centre) == (grid.unit, org["village_a"], org["town"])
    assert v.recorded_by == people["mediator"]
    assert audit("household_visit.record").filter(actor=people["mediator"]).count() == 1


def test_a_visit_is_not_dated_in_the_future(people, grid):
    with pytest.raises(ActionError, match="走访日期不能晚于今天"):
        visit(people, grid, grid.first[0], day=TODAY() + dt.timedelta(days=1))
    assert not HouseholdVisit.objects.exists() and not audit("household_visit.record").exists()


def test_a_grid_worker_may_not_visit_a_household_of_another_grid(people, grid):
    with pytest.raises(ActionError, match="负责范围"):
        visit(people, grid, grid.others[0])
    visit(people, grid, grid.others[0], user=people["clerk"])  # the centre's desk may enter it


def test_the_visitor_must_be_on_the_centres_register(org, people, grid):
    foreign = Visitor.objects.create(centre=org["other_town"], name="外镇人", kind=Visitor.Kind.POLICE)
    with pytest.raises(ActionError, match="名册"):
        visit(people, grid, grid.first[0], visitor=foreign)


def test_a_concern_or_dispute_needs_a_note(people, grid):
    with pytest.raises(ActionError, match="简要记录"):
        do_record_household_visit(people["mediator"], household=grid.first[0], visited_on=TODAY(),
                                  visitor=grid.worker, finding=Finding.CONCERN, note=" ")


# ---- the dispute ledger ----

def test_a_visit_that_finds_a_dispute_creates_a_grid_dispute_case_in_one_step(org, people, grid):
    v, entry = dispute_from(people, grid, grid.first[1])
    case = entry.case
    assert (case.kind, case.channel, case.legal_class) == (Case.Kind.DISPUTE, Channel.GRID, LegalClass.DISPUTE)
    assert case.status == Status.REGISTERED and case.village == org["village_a"] and case.category.name == "邻里纠纷"
    assert case.received_by == people["mediator"]
    v.refresh_from_db()
    assert v.case == case and entry.source_visit == v and entry.found_on == v.visited_on
    assert [p.role for p in case.parties.order_by("id")] == [Party.Role.PETITIONER, Party.Role.RESPONDENT]
    # In the same lists, clocks and figures as every other case.
    assert case.deadlines.filter(rule__code="acceptance").exists()
    for who in ("clerk", "leader", "mediator"):
        assert case.pk in [r["id"] for r in case_list(people[who])[0:50]]
    assert not cases_for(people["outsider"]).filter(pk=case.pk).exists()
    assert audit("dispute.record").filter(details__case=case.number).count() == 1
    assert audit("case.register").filter(object_ref=case.number).count() == 1


def test_the_case_page_shows_the_ledger_row_and_its_source_visit(client, people, grid):
    v, entry = dispute_from(people, grid, grid.first[1])
    client.force_login(people["clerk"])
    html = client.get(reverse("case_detail", args=[entry.case.number])).content.decode()
    assert "纠纷台账" in html and entry.get_dispute_kind_display() in html
    assert reverse("grid:visit_detail", args=[v.pk]) in html


def test_the_dispute_case_goes_through_mediation_to_closure(org, people, grid):
    _v, entry = dispute_from(people, grid, grid.first[1])
    case = entry.case
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["mediator"], case, expected_version=case.version)
    do_record_mediation_session(people["mediator"], case, held_on=TODAY(), place="东村调解室", minutes="双方各退一步")
    do_record_agreement(
        people["mediator"], case, expected_version=case.version, terms="围墙后移0.5米", signed_on=TODAY()
    )
    do_close_case(people["mediator"], case, expected_version=case.version, resolved=True)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    assert queries.ledger(people["leader"], status="agreed").get() == entry


def test_a_dispute_is_recorded_once_per_visit_and_only_for_a_dispute_finding(people, grid):
    v, _entry = dispute_from(people, grid, grid.first[1])
    cases = Case.objects.count()
    with pytest.raises(ActionError, match="已登记"):
        do_record_dispute(people["mediator"], visit=v, dispute_kind="land", risk_level="low", request="再登记一次",
                          parties=[{"name": "甲"}])
    plain = visit(people, grid, grid.first[2])
    with pytest.raises(ActionError, match="未发现矛盾纠纷"):
        do_record_dispute(people["mediator"], visit=plain, dispute_kind="land", risk_level="low", request="x",
                          parties=[{"name": "甲"}])
    assert Case.objects.count() == cases and DisputeRecord.objects.count() == 1


def test_a_refused_dispute_leaves_no_case_no_ledger_row_and_no_audit_record(people, grid):
    v = visit(people, grid, grid.first[1], finding=Finding.DISPUTE)
    before = Case.objects.count(), AuditRecord.objects.count()
    for fields, message in (
        ({"dispute_kind": "nonsense", "risk_level": "low", "request": "x", "parties": [{"name": "甲"}]}, "纠纷类型"),
        ({"dispute_kind": "land", "risk_level": "extreme", "request": "x", "parties": [{"name": "甲"}]}, "风险等级"),
        ({"dispute_kind": "land", "risk_level": "low", "request": " ", "parties": [{"name": "甲"}]}, "纠纷情况"),
        ({"dispute_kind": "land", "risk_level": "low", "request": "x", "parties": []}, "当事人"),
        ({"dispute_kind": "land", "risk_level": "low", "request": "x", "parties": [{"name": "甲"}],
              "found_on": TODAY() + dt.timedelta(days=2)}, "不能晚于今天"),
    ):
        with pytest.raises(ActionError, match=message):
            do_record_dispute(people["mediator"], visit=v, **fields)
    v.refresh_from_db()
    assert (Case.objects.count(), AuditRecord.objects.count()) == before and v.case is None


def test_a_dispute_reported_otherwise_is_recorded_for_a_village(org, people, grid):
    entry = do_record_dispute(people["clerk"], village=org["village_b"], dispute_kind="wages", risk_level="high",
                              request="工头拖欠三名村民工资", parties=[{"name": "钱三"}], found_on=days_ago(3))
    assert entry.source_visit is None and entry.case.village == org["village_b"]
    assert entry.case.category.name == "劳动工资"
    assert timezone.localdate(entry.case.received_at) == days_ago(3)
    with pytest.raises(ActionError, match="本村"):
        do_record_dispute(people["mediator"], village=org["village_b"], dispute_kind="land", risk_level="low",
                          request="x", parties=[{"name": "甲"}])
    with pytest.raises(ActionError, match="本乡镇"):
        do_record_dispute(people["clerk"], village=org["other_village"], dispute_kind="land", risk_level="low",
                          request="x", parties=[{"name": "甲"}])


def test_the_ledger_filters_by_village_kind_risk_and_status(org, people, grid):
    _v, neighbours = dispute_from(people, grid, grid.first[1])
    wages = do_record_dispute(people["clerk"], village=org["village_b"], dispute_kind="wages", risk_level="high",
                              request="拖欠工资", parties=[{"name": "钱三"}])
    leader = people["leader"]
    assert list(queries.ledger(leader)) == [wages, neighbours] or set(queries.ledger(leader)) == {wages, neighbours}
    assert list(queries.ledger(leader, village=org["village_b"])) == [wages]
    assert list(queries.ledger(leader, dispute_kind="neighbour")) == [neighbours]
    assert list(queries.ledger(leader, risk_level="high")) == [wages]
    assert set(queries.ledger(leader, status="open")) == {wages, neighbours}
    assert not queries.ledger(leader, status="closed").exists()
    # The village's grid worker sees the village's disputes only; the outsider nothing.
    assert list(queries.ledger(people["mediator"])) == [neighbours]
    assert not queries.ledger(people["outsider"]).exists()


# ---- coverage ----

def test_coverage_over_a_grid_with_known_visits(people, grid):
    period = queries.Period(days_ago(30), TODAY())
    h = grid.first
    visit(people, grid, h[0], day=days_ago(30))  # on the first day of the period: counts
    visit(people, grid, h[0], day=days_ago(10))  # the same household again: counts once
    visit(people, grid, h[1], day=TODAY())  # on the last day: counts
    visit(people, grid, h[2], day=days_ago(31))  # the day before the period: does not count
    visit(people, grid, h[3], day=days_ago(5))
    do_update_household(people["clerk"], h[3], head_name=h[3].head_name, address=h[3].address, members=1,
                        active=False)  # off the register: in neither figure
    visit(people, grid, grid.others[0], day=days_ago(1), user=people["clerk"])
    assert queries.grid_coverage(grid.unit, period) == {"households": 4, "visited": 2, "rate": 50.0, "period": period}
    by_grid = queries.coverage(people["leader"], period, village=grid.unit.parent)
    figures = {r["unit"].name: (r["households"], r["visited"], r["rate"]) for r in by_grid["rows"]}
    assert figures == {"东村第一网格": (4, 2, 50.0), "东村第二网格": (3, 1, 33.3)}
    assert by_grid["total"] == {"households": 7, "visited": 3, "rate": 42.9}
    rows = queries.coverage(people["leader"], period)["rows"]
    by_village = {r["unit"].name: (r["households"], r["visited"]) for r in rows}
    assert by_village == {"东村": (7, 3), "西村": (0, 0)}
    # The grid worker sees the own grid's households only.
    mine = queries.coverage(people["mediator"], period)
    assert [(r["unit"].name, r["households"], r["visited"]) for r in mine["rows"]] == [("东村", 4, 2)]


def test_coverage_counts_in_a_fixed_number_of_queries(people, grid):
    period = queries.Period(days_ago(30), TODAY())
    for household in grid.first:
        visit(people, grid, household, day=days_ago(3))
    with CaptureQueriesContext(connection) as few:
        queries.coverage(people["leader"], period)
    for i in range(20):
        household = do_add_household(people["clerk"], grid=grid.second, head_name=f"新户{i}", address=f"2组{i + 50}号")
        visit(people, grid, household, day=days_ago(2), user=people["clerk"])
    with CaptureQueriesContext(connection) as many:
        queries.coverage(people["leader"], period)
    assert len(many) == len(few) <= 4


# ---- campaigns ----

def test_a_campaign_shows_visits_disputes_mediated_and_resolved_per_village(org, people, grid):
    campaign = do_create_campaign(
        people["leader"], name="秋季矛盾纠纷大排查", starts_on=days_ago(20), ends_on=TODAY() + dt.timedelta(days=10),
        villages=[org["village_a"], org["village_b"]], target_coverage=80, target_resolution=90,
    )
    assert audit("campaign.create").count() == 1
    visit(people, grid, grid.first[0], day=days_ago(25))  # before the campaign
    visit(people, grid, grid.first[0], day=days_ago(2))
    visit(people, grid, grid.first[1], day=days_ago(3))
    _v, agreed = dispute_from(people, grid, grid.first[2])
    _v, failed = dispute_from(people, grid, grid.first[3])
    _v, _pending = dispute_from(people, grid, grid.first[4])
    for entry, result in ((agreed, "agree"), (failed, "fail")):
        case = entry.case
        do_accept_case(people["leader"], case, expected_version=case.version)
        do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
        do_sign_for_case(people["mediator"], case, expected_version=case.version)
        if result == "agree":
            do_record_agreement(people["mediator"], case, expected_version=case.version, terms="赔偿500元",
                                signed_on=TODAY())
        else:
            do_record_mediation_failure(people["mediator"], case, expected_version=case.version, reason="分歧过大")
            do_refer_case(people["mediator"], case, expected_version=case.version, route="litigation",
                          guidance="告知向人民法院起诉")
    figures = queries.campaign_figures(campaign)
    east, west = figures["rows"]
    assert (east["households"], east["visited"], east["found"], east["mediated"], east["resolved"]) == (8, 5, 3, 2, 1)
    assert east["coverage"] == 62.5 and not east["coverage_met"] and east["resolution"] == 33.3
    assert (west["households"], west["visited"], west["found"], west["coverage"]) == (0, 0, 0, None)
    assert figures["running"] and figures["days_left"] == 10
    assert figures["total"]["found"] == 3


def test_a_campaign_needs_villages_of_the_centre_and_sensible_dates(org, people):
    for fields, message in (
        ({"starts_on": TODAY(), "ends_on": days_ago(1), "villages": [org["village_a"]]}, "结束日期"),
        ({"starts_on": TODAY(), "ends_on": TODAY(), "villages": []}, "至少选择"),
        ({"starts_on": TODAY(), "ends_on": TODAY(), "villages": [org["other_village"]]}, "本乡镇"),
        ({"starts_on": TODAY(), "ends_on": TODAY(), "villages": [org["village_a"]], "target_coverage": 120}, "0至100"),
    ):
        with pytest.raises(ActionError, match=message):
            do_create_campaign(people["leader"], name="专项行动", **fields)
    with pytest.raises(ActionError, match="不能进行"):
        do_create_campaign(people["clerk"], name="专项行动", starts_on=TODAY(), ends_on=TODAY(),
                           villages=[org["village_a"]])
    assert not audit("campaign.create").exists()


# ---- key groups ----

@pytest.fixture
def key_person(org, people, grid):
    return do_list_key_person(people["director"], village=org["village_a"], name="孙老汉",
                              group=KeyPerson.Group.PETITIONER, reason="多年反映土地补偿问题", interval_days=30,
                              responsible=grid.worker, listed_on=days_ago(40))


def test_a_key_person_is_listed_with_a_visit_plan_and_flagged_when_overdue(people, key_person):
    assert key_person.next_visit_due == days_ago(10)
    row = queries.key_people(people["director"])[0]
    assert row.overdue and row.days_overdue == 10
    assert audit("key_person.list").count() == 1


def test_a_key_person_visit_moves_the_next_visit_due(people, grid, key_person):
    do_record_key_person_visit(people["mediator"], key_person, visited_on=days_ago(2), visitor=grid.worker,
                               note="情绪稳定，已告知政策")
    key_person.refresh_from_db()
    assert key_person.last_visited_on == days_ago(2)
    assert key_person.next_visit_due == days_ago(2) + dt.timedelta(days=30)
    # A visit entered late does not move the plan back.
    do_record_key_person_visit(
        people["director"], key_person, visited_on=days_ago(20), visitor=grid.worker, note="补录"
    )
    key_person.refresh_from_db()
    assert key_person.last_visited_on == days_ago(2) and KeyPersonVisit.objects.count() == 2
    assert not queries.key_people(people["director"])[0].overdue
    assert audit("key_person.visit").count() == 2
    with pytest.raises(ActionError, match="列管日期"):
        do_record_key_person_visit(people["director"], key_person, visited_on=days_ago(50), visitor=grid.worker,
                                   note="x")


def test_a_key_person_is_unlisted_with_a_reason(people, grid, key_person):
    with pytest.raises(ActionError, match="原因"):
        do_unlist_key_person(people["director"], key_person, reason="")
    with pytest.raises(ActionError, match="不能进行"):
        do_unlist_key_person(people["mediator"], key_person, reason="已化解")
    do_unlist_key_person(people["leader"], key_person, reason="诉求已解决，三个月无反复")
    key_person.refresh_from_db()
    assert not key_person.active and audit("key_person.unlist").get().details["reason"].startswith("诉求")
    with pytest.raises(ActionError, match="已解除"):
        do_record_key_person_visit(people["mediator"], key_person, visited_on=TODAY(), visitor=grid.worker, note="x")


def test_key_groups_are_visible_to_the_leadership_and_the_villages_mediators_only(org, people, key_person):
    seen = {who: key_people_for(people[who]).filter(pk=key_person.pk).exists() for who in (
        "director", "leader", "mediator", "clerk", "handler", "supervisor", "outsider")}
    assert seen == {"director": True, "leader": True, "mediator": True, "clerk": False, "handler": False,
                    "supervisor": False, "outsider": False}
    west_mediator = person("west_mediator", Role.MEDIATOR, org["village_b"], "西调解")
    assert not key_people_for(west_mediator).exists()
    west = do_add_visitor(people["director"], name="西调解", kind=Visitor.Kind.MEDIATOR, account=west_mediator)
    with pytest.raises(ActionError, match="负责范围"):
        do_record_key_person_visit(west_mediator, key_person, visited_on=TODAY(), visitor=west, note="x")
    assert not KeyPersonVisit.objects.exists()


def test_key_people_are_listed_only_by_the_leadership(org, people):
    for who in ("clerk", "mediator", "handler"):
        with pytest.raises(ActionError):
            do_list_key_person(people[who], village=org["village_a"], name="某人", group="other", reason="x")
    with pytest.raises(ActionError, match="走访周期"):
        do_list_key_person(people["leader"], village=org["village_a"], name="某人", group="other", reason="x",
                           interval_days=0)
    assert not KeyPerson.objects.exists()


def test_campaign_figures_take_a_fixed_number_of_queries(org, people, grid):
    campaign = do_create_campaign(people["leader"], name="大排查", starts_on=days_ago(10), ends_on=TODAY(),
                                  villages=[org["village_a"], org["village_b"]])
    visit(people, grid, grid.first[0], day=days_ago(1))
    with CaptureQueriesContext(connection) as few:
        queries.campaign_figures(campaign)
    for household in grid.first[1:]:
        visit(people, grid, household, day=days_ago(2))
        dispute_from(people, grid, household)
    with CaptureQueriesContext(connection) as many:
        figures = queries.campaign_figures(campaign)
    assert len(many) == len(few) <= 4 and figures["total"]["found"] == 4
    assert figures["running"] and figures["days_left"] == 0  # its last day is today


def test_a_households_history_lists_its_visits_newest_first_with_the_case_they_opened(people, grid):
    household = grid.first[1]
    visit(people, grid, household, day=days_ago(30))
    v, entry = dispute_from(people, grid, household)
    history = queries.household_history(household)
    assert [h.pk for h in history] == [v.pk, history[1].pk] and history[0].case == entry.case
    assert history[1].visited_on == days_ago(30)
