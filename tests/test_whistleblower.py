"""The accuser stays hidden from the accused side of the unit tree (信访工作条例: the identity of a person who
accuses is not disclosed to the accused person or unit): the accused unit, every unit under it, and the unit
directly responsible for it (a grid's village). The accused side does not see the case at all."""

import pytest
from django.urls import reverse

from jiefen.api.tokens import do_create_api_token
from jiefen.audit.models import AuditRecord
from jiefen.cases import access
from jiefen.cases.errors import ActionError
from jiefen.cases.models import Case, Channel, LegalClass, Status
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_set_accused_unit,
    do_sign_for_case,
    registry,
)
from jiefen.notify.models import Notification
from jiefen.org.models import Role

from .factories import person, register

MARKER = "举报人甲乙丙"


@pytest.fixture
def accusation(org, people):
    """An accusation against the first village's grid, registered at the desk."""
    parties = [{"name": MARKER, "address": "东村1组88号", "phone": "13900001111"}]
    return register(
        people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION, accused_unit=org["grid_a"],
        request="检举网格员收受好处", parties=parties,
    )


@pytest.fixture
def village_worker(org):
    """A grid worker whose account sits at the village (as most villages' are): the grid's own village."""
    return person("village_worker", Role.MEDIATOR, org["village_a"], "吴村网格")


def test_the_village_of_an_accused_grid_never_sees_the_accusation(client, org, people, accusation, village_worker):
    for user in (village_worker, people["mediator"]):  # the village's worker and the grid's own worker
        assert not access.cases_for(user).filter(pk=accusation.pk).exists()
        client.force_login(user)
        assert client.get(reverse("case_detail", args=[accusation.number])).status_code == 404
        assert client.get(reverse("case_receipt", args=[accusation.number])).status_code == 404
        listing = client.get(reverse("case_list")).content.decode()
        assert accusation.number not in listing and MARKER not in listing
        token = do_create_api_token(user, name="核查", scopes=["read"])[1]
        api = client.get(f"/api/cases/{accusation.number}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api.status_code == 404 and MARKER not in api.content.decode()
        assert not access.may_see_identity(user, accusation)


def test_the_centre_and_an_unrelated_village_are_not_the_accused_side(org, people, accusation):
    assert access.cases_for(people["clerk"]).filter(pk=accusation.pk).exists()
    assert access.may_see_identity(people["clerk"], accusation)
    other_village_worker = person("west_worker", Role.MEDIATOR, org["village_b"], "郑西村")
    assert access.may_see_identity(other_village_worker, accusation)
    assert org["grid_a"].pk in access.accused_side_ids(people["handler"])  # the handler works for 东村
    assert org["grid_a"].pk not in access.accused_side_ids(people["other_handler"])


# ---- An accusation whose accused unit is not known yet, and naming or correcting it ----

@pytest.fixture
def unnamed(org, people):
    """An accusation by letter that does not (yet) say which unit it is about."""
    parties = [{"name": MARKER, "address": "东村1组88号"}]
    return register(
        people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION, request="检举有人违规发放补贴",
        parties=parties, channel=Channel.LETTER,
    )


def test_an_accusation_without_its_accused_unit_is_the_desks_alone(client, org, people, unnamed, village_worker):
    for persona in ("clerk", "leader", "director"):
        assert access.cases_for(people[persona]).filter(pk=unnamed.pk).exists()
    for user in (people["handler"], people["land_handler"], people["mediator"], village_worker, people["supervisor"]):
        assert not access.cases_for(user).filter(pk=unnamed.pk).exists()
        client.force_login(user)
        assert client.get(reverse("case_detail", args=[unnamed.number])).status_code == 404


def test_it_is_not_handed_over_before_a_leader_names_the_accused_unit(client, org, people, unnamed):
    do_accept_case(people["leader"], unnamed, expected_version=unnamed.version)
    assert "assign" not in {t.action for t in registry.available(people["leader"], unnamed)}
    client.force_login(people["leader"])
    response = client.post(reverse("case_act", args=[unnamed.number, "assign"]),
                           {"assign-expected_version": unnamed.version, "assign-unit": org["village_b"].pk})
    assert response.status_code == 409 and "须先确定被检举控告单位" in response.content.decode()
    assert Case.objects.get(pk=unnamed.pk).pending_unit is None
    page = client.get(reverse("case_detail", args=[unnamed.number])).content.decode()
    assert "确定被检举控告单位" in page
    response = client.post(reverse("case_act", args=[unnamed.number, "set_accused_unit"]), {
        "set_accused_unit-expected_version": unnamed.version, "set_accused_unit-accused_unit": org["grid_a"].pk,
        "set_accused_unit-reason": "信访人来电说明是东村第一网格",
    })
    assert response.status_code == 302
    case = Case.objects.get(pk=unnamed.pk)
    assert case.accused_unit == org["grid_a"] and case.status == Status.ACCEPTED
    assert AuditRecord.objects.filter(action="case.set_accused_unit", object_ref=case.number).count() == 1
    assert access.cases_for(people["land_handler"]).filter(pk=case.pk).exists() is False  # not handed over yet
    assignable = set(access.assignable_units(case).values_list("pk", flat=True))
    assert org["village_a"].pk not in assignable and org["village_b"].pk in assignable


def test_correcting_the_accused_unit_after_the_hand_over_takes_the_case_back_and_withdraws_notices(org, people):
    case = register(people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION,
                    accused_unit=org["land_office"], request="检举自然资源所违规审批")
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"],
                   co_units=[org["labour_office"]])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    # 东村's handler was told of the hand-over (交办待签收); and a notice of the case of another kind.
    assert Notification.objects.filter(case=case, recipient=people["handler"]).count() == 1
    Notification.objects.create(recipient=people["handler"], case=case, title=f"{case.number}待办")
    Notification.objects.create(recipient=people["land_handler"], case=case, title="无关的通知")
    with pytest.raises(ActionError, match="没有变化"):
        do_set_accused_unit(people["leader"], case, expected_version=case.version, accused_unit=org["land_office"],
                            reason="同一单位")
    do_set_accused_unit(people["leader"], case, expected_version=case.version, accused_unit=org["grid_a"],
                        reason="核实后确认反映的是东村第一网格")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.ACCEPTED and case.responsible_unit is None and case.handler is None
    assert not case.co_units.exists()
    assert not access.cases_for(people["handler"]).filter(pk=case.pk).exists()  # 东村 is the grid's village
    assert not Notification.objects.filter(case=case, recipient=people["handler"]).exists()
    assert Notification.objects.filter(case=case, recipient=people["land_handler"]).exists()
    event = case.events.get(kind="set_accused_unit")
    assert event.data["notifications_withdrawn"] == 2 and "东村" in event.data["withdrawn_units"]
    assert not event.public


def test_only_an_accusation_names_an_accused_unit_and_only_the_leadership_names_it(org, people):
    claim = register(people["clerk"], village=org["village_a"])
    assert "set_accused_unit" not in {t.action for t in registry.available(people["leader"], claim)}
    unnamed = register(people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION)
    assert "set_accused_unit" not in {t.action for t in registry.available(people["clerk"], unnamed)}
    with pytest.raises(ActionError, match="只能选择本乡镇"):
        do_set_accused_unit(people["leader"], unnamed, expected_version=unnamed.version,
                            accused_unit=org["other_village"], reason="误选")


def test_the_online_accusation_asks_whom_it_concerns(client, org, people):
    from .test_portal import petition_data, petition_url

    page = client.get(petition_url(org)).content.decode()
    assert "检举控告的单位" in page and org["grid_a"].name in page
    response = client.post(petition_url(org), petition_data(org, legal_class="accusation"))
    assert response.status_code == 400 and "检举控告请选择被检举控告的单位" in response.content.decode()
    assert not Case.objects.exists()
    response = client.post(petition_url(org), petition_data(org, key="k-0002", legal_class="accusation",
                                                            accused_unit=org["grid_a"].pk))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.legal_class == LegalClass.ACCUSATION and case.accused_unit == org["grid_a"]
    assert not access.cases_for(people["mediator"]).filter(pk=case.pk).exists()


def test_the_api_names_the_accused_unit_by_its_code(client, org, people):
    from .test_api import new_case_body

    token = do_create_api_token(people["clerk"], name="12345热线", scopes=["read", "create"])[1]
    reference = client.get("/api/reference", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert org["grid_a"].code in {u["code"] for u in reference["accusable_units"]}
    body = new_case_body(legal_class="accusation", accused_unit=org["grid_a"].code)
    response = client.post("/api/cases", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    assert Case.objects.get(number=response.json()["number"]).accused_unit == org["grid_a"]
    body = new_case_body(legal_class="accusation", accused_unit=org["other_village"].code)
    response = client.post("/api/cases", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400 and Case.objects.count() == 1
