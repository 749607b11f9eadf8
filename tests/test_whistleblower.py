"""The accuser stays hidden from the accused side of the unit tree (信访工作条例: the identity of a person who
accuses is not disclosed to the accused person or unit): the accused unit, every unit under it, and the unit
directly responsible for it (a grid's village). The accused side does not see the case at all."""

import pytest
from django.urls import reverse

from jiefen.api.tokens import do_create_api_token
from jiefen.cases import access
from jiefen.cases.models import LegalClass
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
