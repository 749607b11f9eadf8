"""One filter set for the case list (jiefen.cases.filters.CaseFilter): the page's form, the API's query and the
figures' links name the same filters and select the same cases; the status groups are declared once."""

from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from jiefen.api.models import Scope
from jiefen.api.tokens import do_create_api_token
from jiefen.cases.filters import CaseFilter
from jiefen.cases.models import Status, StatusGroup
from jiefen.figures import drill, queries

from .factories import register
from .test_figures import MAY_END, MAY_START, TODAY, listed, may, on  # noqa: F401 (may is a fixture)

pytestmark = pytest.mark.django_db


def api_token(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user, name='对接', scopes=[Scope.READ])[1]}"}


def test_open_and_counted_as_done_split_every_state():
    open_, done = set(StatusGroup.OPEN), set(StatusGroup.COUNTED_AS_DONE)
    assert open_ | done == set(Status) and not open_ & done
    assert done == {Status.CLOSED, Status.FINAL, Status.NOT_ACCEPTED, Status.FORWARDED}


def test_the_citizen_is_told_closed_also_when_a_dispute_went_to_another_lawful_route():
    assert set(StatusGroup.CLOSED_TO_CITIZEN) - set(StatusGroup.COUNTED_AS_DONE) == {Status.REFERRED}


def test_the_ledgers_unfinished_are_open_disputes_without_a_mediation_result():
    assert set(StatusGroup.LEDGER_UNFINISHED) < set(StatusGroup.OPEN)
    assert not {Status.AGREED, Status.MEDIATION_FAILED, Status.REFERRED} & set(StatusGroup.LEDGER_UNFINISHED)


def test_the_api_documents_exactly_the_case_lists_filters(client):
    doc = client.get("/api/openapi.json").json()
    parameters = {p["name"] for p in doc["paths"]["/api/cases"]["get"]["parameters"]}
    assert parameters == set(CaseFilter.base_filters) | {"page", "page_size"}


def test_the_api_refuses_a_value_the_page_does_not_offer_in_chinese(client, people):
    response = client.get("/api/cases", {"status": "bogus"}, **api_token(people["clerk"]))
    assert response.status_code == 400
    assert response.json()["detail"] == "请求参数不正确：status取值不符合要求"
    assert response.json()["errors"] == [{"field": "status", "message": "取值不符合要求"}]


def test_the_api_and_the_page_list_the_same_open_cases(client, org, people):
    register(people["clerk"], village=org["village_a"], request="诉求甲")
    register(people["clerk"], village=org["village_b"], request="诉求乙")
    params = {"status": "open", "village": org["village_a"].pk}
    body = client.get("/api/cases", params, **api_token(people["clerk"])).json()
    assert [r["request"] for r in body["results"]] == ["诉求甲"]
    assert listed(people["clerk"], f"/cases/?status=open&village={org['village_a'].pk}") == ["诉求甲"]


def test_every_figures_link_lists_the_same_cases_through_the_api_as_on_the_page(client, people, may):  # noqa: F811
    auth = api_token(people["leader"])
    with on(TODAY):
        data = queries.figures_for(people["leader"], MAY_START, MAY_END)
    links = sorted(set(case_list_links(data)))
    assert len(links) > 10
    listed_somewhere = set()
    for url in links:
        params = QueryDict(urlsplit(url).query, mutable=True)
        params["page_size"] = 100
        with on(TODAY):
            body = client.get("/api/cases", params, **auth).json()
        on_the_page = listed(people["leader"], url)
        assert sorted(r["request"] for r in body["results"]) == on_the_page, url
        listed_somewhere.update(on_the_page)
    assert listed_somewhere == set("ABCDEFG")


def case_list_links(value):
    """Every link to the case list in the figures' data, however deep."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from case_list_links(item)
    elif isinstance(value, str) and value.startswith("/cases/?"):
        yield value


def test_a_figure_cannot_link_to_a_filter_the_case_list_does_not_have():
    with pytest.raises(ValueError, match="not a case list filter"):
        drill.case_list_url({"closed_on": "2026-05-01"})
