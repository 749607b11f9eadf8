"""On a phone, the accused grid's own worker finds nothing of an accusation against the grid: not in the list, not
in a search for the accuser's name, not at the case's address; the desk sees it whole."""

import pytest

from jiefen.cases.models import LegalClass
from jiefen.org.models import Role

from ..factories import build_org, build_personas, person, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ACCUSER = "检举人丁戊己"


@pytest.fixture
def world(transactional_db):
    org = build_org()
    people = build_personas(org)
    people["village_worker"] = person("village_worker", Role.MEDIATOR, org["village_a"], "吴村网格")
    case = register(
        people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION, accused_unit=org["grid_a"],
        request="检举网格员收受好处费", parties=[{"name": ACCUSER, "address": "东村2组6号", "phone": "13700001234"}],
    )
    return org, people, case


def test_the_accused_grids_worker_sees_nothing_of_the_accuser_on_a_phone(world, login_page, live_server, shoot):
    _org, people, case = world
    for who in ("mediator", "village_worker"):  # the grid's worker, and a worker of the grid's village
        phone = login_page(people[who], viewport=PHONE)
        phone.goto(f"{live_server.url}/cases/")
        assert case.number not in phone.content() and ACCUSER not in phone.content()
        phone.goto(f"{live_server.url}/cases/?q={ACCUSER}")
        assert case.number not in phone.inner_text("main") and "没有" in phone.inner_text("main")
        response = phone.goto(f"{live_server.url}/cases/{case.number}/")
        assert response.status == 404 and ACCUSER not in phone.content()
        response = phone.goto(f"{live_server.url}/cases/{case.number}/receipt/")
        assert response.status == 404 and ACCUSER not in phone.content()
        shoot(phone, f"wb-01-{who}-404-phone")
    desk = login_page(people["clerk"], viewport=PHONE)
    desk.goto(f"{live_server.url}/cases/{case.number}/")
    assert ACCUSER in desk.content()
    shoot(desk, "wb-02-desk-sees-it-phone")
