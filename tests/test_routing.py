"""属地管理、分级负责: routing rules, 首办负责 hand-over, co-handlers and 回避."""

import pytest
from django.urls import reverse

from jiefen.cases import access, actions
from jiefen.cases.models import Case, Category, Event, Status
from jiefen.cases.steps import (
    do_accept_case,
    do_add_note,
    do_assign_case,
    do_close_case,
    do_recuse,
    do_reply_case,
    do_return_case,
    do_sign_for_case,
)
from jiefen.org.models import Role, Unit
from jiefen.routing.models import RoutingRule
from jiefen.routing.rules import propose

from .factories import person, register


@pytest.fixture
def rules(org):
    land = Category.objects.get(name="土地征收")
    wages = Category.objects.get(name="劳动工资")
    county_dept = Unit.objects.create(
        name="县人社局", kind=Unit.Kind.DEPARTMENT, parent=org["county"], code="330100-RS"
    )
    return {
        "territorial": RoutingRule.objects.create(
            centre=org["town"], basis="territorial", priority=500, note="其余事项属地办理"
        ),
        "land": RoutingRule.objects.create(centre=org["town"], category=land, unit=org["land_office"], note="土地事项"),
        "land_east": RoutingRule.objects.create(
            centre=org["town"], category=land, village=org["village_a"], unit=org["village_a"], note="东村土地由村处理"
        ),
        "wages": RoutingRule.objects.create(
            centre=org["town"], category=wages, unit=county_dept, basis="higher", note="欠薪超出乡镇职权"
        ),
        "county_dept": county_dept,
    }


def test_the_most_specific_rule_wins_and_says_why(org, rules):
    land = Category.objects.get(name="土地征收")
    east = propose(org["town"], land, org["village_a"])
    assert east.unit == org["village_a"] and east.rule == rules["land_east"] and "东村土地由村处理" in east.reason
    west = propose(org["town"], land, org["village_b"])
    assert west.unit == org["land_office"] and west.rule == rules["land"] and not west.forward
    neighbours = propose(org["town"], Category.objects.get(name="邻里纠纷"), org["village_b"])
    assert neighbours.unit == org["village_b"] and neighbours.rule == rules["territorial"]
    assert "属地管理" in neighbours.reason


def test_a_matter_beyond_the_township_is_proposed_for_forwarding(org, rules):
    proposal = propose(org["town"], Category.objects.get(name="劳动工资"), org["village_a"])
    assert proposal.unit == rules["county_dept"] and proposal.forward


def test_an_accusation_goes_to_the_discipline_unit_unless_that_unit_is_accused(org, rules):
    """检举控告 (信访工作条例 第三十条第一款): a legal-class rule outranks the category rules; the accused side is never
    proposed, so an accusation against the 纪检 unit itself falls back to the other rules."""
    land = Category.objects.get(name="土地征收")
    # Without a rule of its own, an accusation against 东村 of 东村's land is not proposed to 东村.
    assert propose(org["town"], land, org["village_a"], "accusation", org["village_a"]).rule == rules["land"]
    discipline = RoutingRule.objects.create(
        centre=org["town"], legal_class="accusation", unit=org["labour_office"], basis="discipline",
        note="检举控告由纪检监察室办理",
    )
    proposal = propose(org["town"], land, org["village_b"], "accusation", org["village_b"])
    assert proposal.unit == org["labour_office"] and proposal.rule == discipline
    assert "纪检监察（检举控告）" in proposal.reason
    assert propose(org["town"], land, org["village_b"], "claim").rule == rules["land"]
    against_it = propose(org["town"], land, org["village_b"], "accusation", org["labour_office"])
    assert against_it.rule == rules["land"]
    east = propose(org["town"], land, org["village_a"], "accusation", org["labour_office"])
    assert east.rule == rules["land_east"]
    # An accused grid: neither the grid nor its village handles it.
    RoutingRule.objects.filter(pk=discipline.pk).delete()
    grid = propose(org["town"], land, org["village_a"], "accusation", org["grid_a"])
    assert grid.rule == rules["land"]


def test_no_rule_no_proposal(org):
    assert propose(org["town"], Category.objects.get(name="其他"), None) is None


def test_the_desk_shows_the_proposed_unit(client, org, people, rules):
    client.force_login(people["clerk"])
    land = Category.objects.get(name="土地征收")
    body = client.get(reverse("desk_route"), {"category": land.pk, "village": org["village_b"].pk}).content.decode()
    assert "自然资源所" in body and "土地事项" in body


def test_the_assign_form_proposes_the_rule_unit(client, org, people, rules):
    case = register(people["clerk"], village=org["village_b"], category=Category.objects.get(name="土地征收"))
    do_accept_case(people["leader"], case, expected_version=case.version)
    client.force_login(people["leader"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert f'<option value="{org["land_office"].pk}" selected>' in body and "土地事项" in body


def _assigned(org, people, unit):
    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=unit)
    return case


def test_the_centre_stays_responsible_until_the_unit_signs_for_it(org, people):
    case = _assigned(org, people, org["village_a"])
    assert case.status == Status.ASSIGNED and case.responsible_unit is None and case.pending_unit == org["village_a"]
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    case.refresh_from_db()
    assert case.status == Status.IN_HANDLING and case.responsible_unit == org["village_a"]
    assert case.handler == people["handler"] and case.pending_unit is None
    # Re-assigned elsewhere: the village stays responsible until the land office signs.
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["land_office"])
    case.refresh_from_db()
    assert case.responsible_unit == org["village_a"] and case.pending_unit == org["land_office"]


def test_a_unit_cannot_close_a_case_it_was_wrongly_given_only_return_it(org, people):
    case = _assigned(org, people, org["village_a"])
    with pytest.raises(actions.ActionError, match="不能执行"):
        do_close_case(people["handler"], case, expected_version=case.version, resolved=False)
    with pytest.raises(actions.ActionError, match="退回理由"):
        do_return_case(people["handler"], case, expected_version=case.version, reason="")
    do_return_case(people["handler"], case, expected_version=case.version, reason="属劳动保障所职责")
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.pending_unit is None and case.responsible_unit is None
    assert Event.objects.filter(case=case, kind="return_case", note="属劳动保障所职责").count() == 1


def test_only_the_unit_handed_the_case_may_sign_for_it(org, people):
    case = _assigned(org, people, org["village_a"])
    with pytest.raises(actions.ActionError, match="无权"):
        do_sign_for_case(people["land_handler"], case, expected_version=case.version)


def test_co_handlers_see_the_case_and_add_notes_but_do_not_reply(org, people):
    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"],
                   co_units=[org["labour_office"]])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    labour = person("labour", Role.HANDLER, org["labour_office"], "冯所长")
    assert access.cases_for(labour).filter(pk=case.pk).exists()
    do_add_note(labour, case, text="劳动保障所已核实用工记录")
    with pytest.raises(actions.ActionError, match="无权"):
        do_reply_case(labour, case, expected_version=case.version, outcome="support", served_on=None, content="x")


def test_a_recused_staff_member_cannot_sign_for_or_act(org, people):
    colleague = person("colleague", Role.HANDLER, org["village_a"], "东村干部乙")
    case = _assigned(org, people, org["village_a"])
    do_recuse(people["leader"], case, person=people["handler"], reason="与信访人系近亲属")
    with pytest.raises(actions.ActionError, match="无权"):
        do_sign_for_case(people["handler"], case, expected_version=case.version)
    do_sign_for_case(colleague, case, expected_version=case.version)
    assert Case.objects.get(pk=case.pk).handler == colleague


def test_only_leaders_recuse_someone_else(org, people):
    case = _assigned(org, people, org["village_a"])
    with pytest.raises(actions.ActionError, match="本人申请回避"):
        do_recuse(people["clerk"], case, person=people["handler"], reason="利害关系")
    do_recuse(people["handler"], case, reason="本人与被反映人有经济往来")
    assert case.recusals.get().user == people["handler"]
