"""The open API: tokens and their permissions, cases, contacts, workflow steps, figures, JSON errors (Open311:
tests/test_georeport.py)."""

import hashlib
import io

import pytest
from django.core.management import call_command

from jiefen.api.models import ApiToken, Scope
from jiefen.api.tokens import do_create_api_token, do_revoke_api_token
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, Channel, Status
from jiefen.org.models import Role

from .factories import VALID_IDS, person, register

pytestmark = pytest.mark.django_db

ALL = list(Scope.values)


@pytest.fixture
def api_account(org):
    """A service account for the county's 12345 hotline, as a clerk of the township."""
    return person("api-12345", Role.CLERK, org["town"], "12345热线对接")


@pytest.fixture
def token(api_account):
    def make(user=None, scopes=ALL):
        return do_create_api_token(user or api_account, name="12345热线", scopes=scopes)[1]

    return make


def auth(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def get(client, url, raw, **params):
    return client.get(url, params, **auth(raw))


def post(client, url, raw, body=None, **headers):
    return client.post(url, body or {}, content_type="application/json", **auth(raw), **headers)


def step(client, case, action, raw, body):
    return post(client, f"/api/cases/{case.number}/actions/{action}", raw, body)


def new_case_body(**extra):
    body = {
        "category": "劳动工资", "village": None, "request": "要求结清拖欠的工资", "facts": "老板拒付",
        "parties": [{"name": "陈大山", "id_number": VALID_IDS[0], "phone": "13800138000"}],
    }
    body.update(extra)
    return body


# ---- Tokens ----

def test_a_token_is_stored_only_as_its_hash(api_account):
    token, raw = do_create_api_token(api_account, name="12345热线", scopes=["read"])
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in str(token.__dict__.values())
    assert AuditRecord.objects.filter(action="api.token_create").exists()


def test_the_command_shows_the_token_once(api_account):
    out = io.StringIO()
    call_command("create_api_token", user=api_account.username, name="热线", scopes="read,figures", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.scopes == ["figures", "read"] and token.token_hash == hashlib.sha256(raw.encode()).hexdigest()


def test_no_token_a_wrong_token_or_a_revoked_token_is_401_in_json(client, api_account, token):
    raw = token()
    for headers in ({}, auth("jf_wrong"), auth("nonsense")):
        response = client.get("/api/cases", **headers)
        assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
        assert "令牌" in response.json()["detail"]
    do_revoke_api_token(ApiToken.objects.get())
    assert get(client, "/api/cases", raw).status_code == 401
    assert AuditRecord.objects.filter(action="api.token_revoke").exists()


def test_using_a_token_notes_when(client, token):
    raw = token()
    get(client, "/api/cases", raw)
    assert ApiToken.objects.get().last_used_at is not None


def test_the_openapi_document_is_served_and_no_docs_page_from_a_cdn(client):
    doc = client.get("/api/openapi.json")
    assert doc.status_code == 200 and doc.json()["openapi"].startswith("3.")
    # Open311 GeoReport v2 answers in XML too and is its own document (tests/test_georeport.py).
    assert not any("open311" in path for path in doc.json()["paths"])
    assert client.get("/api/docs").status_code == 404


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/no/such/thing")
    assert response.status_code == 404 and response.json()["detail"] == "接口地址不存在"


def test_every_api_answer_is_json_even_where_django_answers_first(token):
    """A POST without a CSRF token, a method a route does not take, under the case API and under Open311: the
    answer is the API's JSON with a Chinese message, never Django's HTML page (issue 14, point 2)."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    unknown = client.post("/api/no/such/thing", {"a": "1"})
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/json"
    assert unknown.json()["detail"] == "接口地址不存在"
    wrong_method = client.delete("/api/cases", HTTP_AUTHORIZATION=f"Bearer {token()}")
    assert wrong_method.status_code == 405 and wrong_method["Content-Type"] == "application/json"
    assert wrong_method.json() == {"detail": "该接口不支持此请求方法", "errors": []}
    assert "GET" in wrong_method["Allow"]
    open311 = client.put("/api/open311/v2/services.json")
    assert open311.status_code == 405 and open311.json() == [{"code": 405, "description": "该接口不支持此请求方法"}]
    # Outside /api/ the pages keep Django's own answer (here its CSRF refusal, an HTML page).
    page = client.post("/accounts/login/", {})
    assert page.status_code == 403 and "text/html" in page["Content-Type"]


# ---- Every endpoint refuses a token without its permission ----

def endpoints(case_number):
    return [
        ("get", "/api/cases", None, Scope.READ),
        ("get", f"/api/cases/{case_number}", None, Scope.READ),
        ("get", "/api/reference", None, Scope.READ),
        ("get", "/api/steps", None, Scope.READ),
        ("post", "/api/cases", new_case_body(), Scope.CREATE),
        ("post", f"/api/cases/{case_number}/contacts", {"channel": "call"}, Scope.CONTACT),
        ("post", f"/api/cases/{case_number}/actions/note", {"text": "电话核实"}, Scope.ACT),
        ("get", "/api/figures?start=2026-01-01&end=2026-11-30", None, Scope.FIGURES),
    ]


def call(client, method, url, body, raw):
    if method == "get":
        return client.get(url, **auth(raw))
    return post(client, url, raw, body)


def test_the_endpoint_list_covers_every_operation_of_the_document(client, people):
    documented = {(m, p) for p, ops in client.get("/api/openapi.json").json()["paths"].items() for m in ops}
    placeholders = [("330101-2026-00001", "{number}"), ("actions/note", "actions/{action}")]
    listed = set()
    for method, url, _body, _scope in endpoints("330101-2026-00001"):
        path = url.split("?")[0]
        for real, placeholder in placeholders:
            path = path.replace(real, placeholder)
        listed.add((method, path))
    assert documented == listed


@pytest.mark.parametrize("index", range(8))
def test_every_endpoint_refuses_a_token_without_its_permission(client, people, token, index):
    case = register(people["clerk"], village=people["handler"].unit)
    method, url, body, scope = endpoints(case.number)[index]
    raw = token(scopes=[s for s in ALL if s != scope])
    before = (Case.objects.count(), case.events.count())
    response = call(client, method, url, body, raw)
    assert response.status_code == 403, response.content
    assert str(Scope(scope).label) in response.json()["detail"]
    assert (Case.objects.count(), case.events.count()) == before


@pytest.mark.parametrize("index", range(8))
def test_every_endpoint_answers_a_token_with_its_permission(client, people, token, leader_token, index):
    case = register(people["clerk"], village=people["handler"].unit)
    method, url, body, scope = endpoints(case.number)[index]
    response = call(client, method, url, body, leader_token if scope == Scope.ACT else token(scopes=[scope]))
    assert response.status_code in (200, 201), response.content


@pytest.fixture
def leader_token(people):
    return do_create_api_token(people["leader"], name="领导工作台", scopes=ALL)[1]


# ---- Cases ----

def test_the_list_is_the_accounts_scope_with_filters_and_paging(client, org, people, token):
    mine = [register(people["clerk"], request=f"诉求{i}") for i in range(3)]
    register(people["outsider"])
    raw = token()
    page = get(client, "/api/cases", raw, page_size=2).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["results"][0]["number"] == mine[-1].number
    assert get(client, "/api/cases", raw, page=2, page_size=2).json()["results"][0]["number"] == mine[0].number
    assert get(client, "/api/cases", raw, status="accepted").json()["count"] == 0
    assert get(client, "/api/cases", raw, channel="visit").json()["count"] == 3
    outsider = token(user=people["outsider"])
    assert get(client, "/api/cases", outsider).json()["count"] == 1


def test_bad_parameters_are_400_with_a_chinese_message(client, token):
    response = get(client, "/api/cases", token(), page=0)
    assert response.status_code == 400 and response.json()["detail"].startswith("请求参数不正确")
    assert response.json()["errors"][0]["field"] == "page"


def test_reading_a_case_masks_personal_data_and_lists_the_allowed_steps(client, people, token, leader_token):
    case = register(people["clerk"])
    body = get(client, f"/api/cases/{case.number}", token()).json()
    assert body["number"] == case.number and body["status"] == "registered" and body["version"] == case.version
    assert body["parties"][0]["id_number"] == "110***********002X" and VALID_IDS[0] not in str(body)
    assert "note" in {s["action"] for s in body["allowed_actions"]}
    assert "accept" not in {s["action"] for s in body["allowed_actions"]}
    lead = get(client, f"/api/cases/{case.number}", leader_token).json()
    assert "accept" in {s["action"] for s in lead["allowed_actions"]}


def test_a_case_out_of_scope_is_404_as_for_one_that_does_not_exist(client, people, token):
    case = register(people["outsider"])
    for number in (case.number, "nope"):
        response = get(client, f"/api/cases/{number}", token())
        assert response.status_code == 404 and response.json()["detail"].startswith("案件不存在")


def test_creating_a_case(client, org, people, token):
    response = post(client, "/api/cases", token(), new_case_body(village=org["village_a"].code, channel="call"))
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.channel == Channel.CALL and case.village == org["village_a"]
    assert case.received_by.username == "api-12345"
    assert response.json()["query_code"] == case.query_code and response.json()["created"] is True
    assert AuditRecord.objects.filter(action="case.register", object_ref=case.number).exists()


def test_creating_with_the_same_idempotency_key_gives_one_case(client, token):
    raw = token()
    first = post(client, "/api/cases", raw, new_case_body(), HTTP_IDEMPOTENCY_KEY="req-1")
    again = post(client, "/api/cases", raw, new_case_body(), HTTP_IDEMPOTENCY_KEY="req-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"] and again.json()["created"] is False
    assert Case.objects.count() == 1


@pytest.mark.parametrize("change, field, message", [
    ({"parties": [{"name": "陈", "id_number": "110105194912310021"}]}, "parties.0.id_number", "校验位"),
    ({"parties": [{"name": "陈", "phone": "123"}]}, "parties.0.phone", "电话号码"),
    ({"category": "不存在的分类"}, "category", "事项分类"),
    ({"village": "U99999"}, "village", "村（社区）"),
])
def test_creating_with_bad_data_is_400_and_changes_nothing(client, token, change, field, message):
    response = post(client, "/api/cases", token(), new_case_body(**change))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field and message in response.json()["detail"]
    assert Case.objects.count() == 0


def test_the_read_only_supervisor_cannot_write(client, people, token):
    case = register(people["clerk"])
    raw = token(user=people["supervisor"])
    assert get(client, f"/api/cases/{case.number}", raw).status_code == 200
    assert post(client, "/api/cases", raw, new_case_body()).status_code == 403
    assert post(client, f"/api/cases/{case.number}/contacts", raw, {"channel": "call"}).status_code == 403
    assert step(client, case, "note", raw, {"text": "x"}).status_code == 403
    assert Case.objects.count() == 1 and case.events.count() == 1


def test_adding_a_contact(client, people, token):
    case = register(people["clerk"])
    response = post(client, f"/api/cases/{case.number}/contacts", token(), {"channel": "call", "head_count": 2})
    assert response.status_code == 200
    assert (response.json()["contact_count"], response.json()["person_times"]) == (2, 3)
    assert AuditRecord.objects.filter(action="case.contact", object_ref=case.number).exists()


def test_taking_a_step_the_account_may_take(client, org, people, leader_token):
    case = register(people["clerk"])
    response = step(client, case, "accept", leader_token, {"expected_version": case.version})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    response = step(client, case, "assign", leader_token,
                    {"expected_version": response.json()["version"], "unit": org["village_a"].pk, "note": "请核实"})
    assert response.status_code == 200 and response.json()["pending_unit"] == "东村"
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.events.filter(kind="assign", actor=people["leader"]).exists()
    assert AuditRecord.objects.filter(action="case.assign", actor=people["leader"]).exists()


def test_a_step_the_account_may_not_take_is_403(client, people, token):
    case = register(people["clerk"])
    response = step(client, case, "accept", token(), {"expected_version": case.version})
    assert response.status_code == 403 and "无权" in response.json()["detail"]
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_a_stale_version_or_a_step_not_allowed_now_is_409(client, people, leader_token):
    case = register(people["clerk"])
    stale = step(client, case, "accept", leader_token, {"expected_version": case.version + 5})
    assert stale.status_code == 409 and "已被他人更新" in stale.json()["detail"]
    step(client, case, "accept", leader_token, {"expected_version": case.version})
    again = step(client, case, "accept", leader_token, {"expected_version": case.version + 1})
    assert again.status_code == 409 and "不能执行" in again.json()["detail"]


def test_a_step_with_missing_fields_is_400_with_the_forms_messages(client, people, leader_token):
    case = register(people["clerk"])
    response = step(client, case, "not_accept", leader_token, {"expected_version": case.version})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"reason"}
    # The lawful channel may come from the receiving organ chosen instead: the action asks for it when neither does.
    response = step(client, case, "not_accept", leader_token, {"expected_version": case.version, "reason": "涉诉"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["lawful_channel"]
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_an_unknown_step_is_refused(client, people, leader_token):
    case = register(people["clerk"])
    for action in ("fly", "document", "contact"):
        response = step(client, case, action, leader_token, {})
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == "action"


def test_figures_answer_for_the_accounts_scope(client, people, token):
    register(people["clerk"])
    response = get(client, "/api/figures", token(scopes=["figures"]), start="2026-01-01", end="2026-12-31")
    assert response.status_code == 200 and response.json()["start"] == "2026-01-01"


def test_figures_refuse_a_backwards_period(client, token):
    response = get(client, "/api/figures", token(scopes=["figures"]), start="2026-12-01", end="2026-01-01")
    assert response.status_code == 400 and "结束日期" in response.json()["detail"]


