"""Open311 GeoReport v2 as published (issue 14, point 1), rule by rule over raw HTTP: both formats of every
operation, discovery, service definitions with attributes, the spec's errors and codes, where the key may come
from, what a read without a key shows, the filters and their defaults, coordinates and the rest of a submission.
The third-party clients drive the same server in tests/test_georeport_clients.py."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from jiefen.api.models import Scope, ServiceRequest
from jiefen.api.tokens import do_create_api_token, do_revoke_api_token
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, Category, Channel, Status
from jiefen.org.models import Role

from .factories import person, register

pytestmark = pytest.mark.django_db

BASE = "/api/open311/v2"


@pytest.fixture
def hotline(org):
    return person("api-12345", Role.CLERK, org["town"], "12345热线对接")


@pytest.fixture
def key(hotline):
    def make(scopes=("read", "create"), user=None):
        return do_create_api_token(user or hotline, name="12345热线", scopes=list(scopes))[1]

    return make


def wages():
    return Category.objects.get(name="劳动工资")


def submission(**extra):
    body = {
        "service_code": str(wages().pk), "description": "工地拖欠三名工人工资", "last_name": "陈", "first_name": "大山",
        "phone": "13800138000", "address_string": "青山镇东村3组", "attribute[employer]": "青山建筑公司",
        "attribute[workers]": "3",
    }
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def submit(client, raw, **extra):
    return client.post(f"{BASE}/requests.json", {**submission(**extra), "api_key": raw})


def errors_of(response):
    """The spec's error list, from JSON or XML."""
    if response["Content-Type"].startswith("text/xml"):
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        return [{"code": int(e.findtext("code")), "description": e.findtext("description")} for e in root]
    return response.json()


def refused(response, code, words):
    assert response.status_code == code, response.content
    [error] = errors_of(response)
    assert error["code"] == code and words in error["description"], error
    return error


# ---- Formats and discovery ----

@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery_names_the_endpoint_its_formats_and_the_spec(client, fmt):
    for path in ("/api/open311/discovery", f"{BASE}/discovery"):
        response = client.get(f"{path}.{fmt}")
        assert response.status_code == 200
        if fmt == "xml":
            assert response["Content-Type"] == "text/xml; charset=utf-8"
            assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
            root = ET.fromstring(response.content)
            endpoint = root.find("endpoints/endpoint")
            assert endpoint.findtext("url") == "http://testserver/api/open311/v2"
            assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
            assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        else:
            endpoint = response.json()["endpoints"][0]
            assert endpoint["url"] == "http://testserver/api/open311/v2" and endpoint["type"] == "production"
            assert response.json()["changeset"].endswith("+08:00")


def test_services_in_both_formats_say_the_same(client):
    as_json = client.get(f"{BASE}/services.json").json()
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    as_xml = [{child.tag: child.text for child in service} for service in root.findall("service")]
    assert [s["service_code"] for s in as_xml] == [s["service_code"] for s in as_json]
    names = {s["service_name"]: s for s in as_json}
    assert "劳动工资" in names and "土地征收" not in names and "干部作风" not in names
    assert names["劳动工资"]["metadata"] is True and names["社会保障"]["metadata"] is False
    metadata = {s["service_name"]: s["metadata"] for s in as_xml}
    assert metadata["劳动工资"] == "true" and metadata["社会保障"] == "false"


def test_a_service_definition_lists_its_attributes(client):
    code = str(wages().pk)
    definition = client.get(f"{BASE}/services/{code}.json").json()
    assert definition["service_code"] == code
    first = definition["attributes"][0]
    assert first == {"variable": True, "code": "employer", "datatype": "string", "required": True,
                     "datatype_description": "", "order": 1, "description": "欠薪的用工单位（或包工头）名称",
                     "values": []}
    root = ET.fromstring(client.get(f"{BASE}/services/{code}.xml").content)
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.findall("attributes/attribute")] == ["employer", "workers", "amount"]
    pollution = Category.objects.get(name="环境保护").pk
    values = ET.fromstring(client.get(f"{BASE}/services/{pollution}.xml").content).findall(
        "attributes/attribute/values/value")
    assert ("noise", "噪声") in [(v.findtext("key"), v.findtext("name")) for v in values]
    social = Category.objects.get(name="社会保障").pk
    assert client.get(f"{BASE}/services/{social}.json").json() == {"service_code": str(social), "attributes": []}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_or_withheld_service_is_the_specs_404(client, fmt):
    land = Category.objects.get(name="土地征收").pk
    for code in ("999999", str(land), "abc"):
        refused(client.get(f"{BASE}/services/{code}.{fmt}"), 404, "service_code")


def test_errors_where_django_answers_first_are_the_specs_too(client):
    put = client.put(f"{BASE}/services.xml")
    refused(put, 405, "不支持此请求方法")
    assert "GET" in put["Allow"]
    refused(client.delete(f"{BASE}/requests.json"), 405, "不支持此请求方法")
    refused(client.get(f"{BASE}/nothing.xml"), 404, "接口地址不存在")
    refused(client.get(f"{BASE}/services.html"), 404, "接口地址不存在")
    refused(client.get(f"{BASE}/tokens/abc.xml"), 404, "不签发 token")


def test_an_unknown_jurisdiction_is_a_404_and_a_known_one_narrows(client, org, key):
    refused(client.get(f"{BASE}/services.json", {"jurisdiction_id": "999999"}), 404, "jurisdiction_id")
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": org["town"].code}).status_code == 200
    raw = key()
    number = submit(client, raw).json()[0]["service_request_id"]
    listed = client.get(f"{BASE}/requests.json", {"jurisdiction_id": org["other_town"].code}).json()
    assert listed == []
    listed = client.get(f"{BASE}/requests.json", {"jurisdiction_id": org["town"].code}).json()
    assert [r["service_request_id"] for r in listed] == [number]


# ---- Keys ----

def test_the_key_may_come_from_the_body_the_query_or_a_header(client, key):
    raw = key()
    body = submission()
    assert client.post(f"{BASE}/requests.json", {**body, "api_key": raw}).status_code == 201
    assert client.post(f"{BASE}/requests.json?api_key={raw}", body).status_code == 201
    assert client.post(f"{BASE}/requests.json", body, HTTP_X_API_KEY=raw).status_code == 201
    assert client.post(f"{BASE}/requests.json", body, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 201
    assert Case.objects.count() == 4


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_submitting_without_a_valid_key_is_403_and_writes_nothing(client, hotline, key, fmt):
    url = f"{BASE}/requests.{fmt}"
    refused(client.post(url, submission()), 403, "缺少 api_key")
    refused(client.post(url, {**submission(), "api_key": "jf_wrong"}), 403, "api_key 无效")
    reader = key(scopes=["read"])
    refused(client.post(url, {**submission(), "api_key": reader}), 403, "登记案件")
    revoked = key()
    do_revoke_api_token(hotline.api_tokens.order_by("-pk").first())
    refused(client.post(url, {**submission(), "api_key": revoked}), 403, "api_key 无效")
    assert Case.objects.count() == 0


def test_a_wrong_key_on_a_read_is_refused_not_read_as_public(client, key):
    refused(client.get(f"{BASE}/requests.json", {"api_key": "jf_wrong"}), 403, "api_key 无效")
    refused(client.get(f"{BASE}/requests.json", {"api_key": key(scopes=["create"])}), 403, "读取案件")


def test_a_key_of_another_township_cannot_submit_there(client, org, key):
    refused(client.post(f"{BASE}/requests.json", {**submission(), "api_key": key(),
                                                  "jurisdiction_id": org["other_town"].code}), 403, "青山镇")
    refused(client.post(f"{BASE}/requests.json", {**submission(), "api_key": key(), "jurisdiction_id": "000"}),
            404, "jurisdiction_id")
    assert Case.objects.count() == 0


# ---- Submitting ----

def test_a_submission_keeps_everything_the_client_sent(client, org, key):
    raw = key()
    response = submit(client, raw, lat="30.274085", long="120.155070", email="chen@example.com",
                      media_url="https://example.com/p/1.jpg", account_id="u-77", device_id="d-1")
    assert response.status_code == 201, response.content
    [created] = response.json()
    assert created["account_id"] == "u-77" and "查询码" in created["service_notice"]
    case = Case.objects.get(number=created["service_request_id"])
    assert case.channel == Channel.ONLINE and case.village == org["village_a"]  # 东村 found in the address
    assert "欠薪的用工单位（或包工头）名称：青山建筑公司；被拖欠工资的人数：3" in case.facts
    given = case.service_request
    assert (given.lat, given.long) == (Decimal("30.274085"), Decimal("120.155070"))
    assert given.address_string == "青山镇东村3组" and given.email == "chen@example.com"
    assert given.attributes == {"employer": "青山建筑公司", "workers": "3"} and given.token.name == "12345热线"
    with connection.cursor() as cursor:  # the email is personal data: encrypted at rest like phones
        cursor.execute("SELECT email FROM api_servicerequest")
        assert "chen@example.com" not in cursor.fetchone()[0]
    # The token is named on the audit trail and on the case's timeline.
    assert AuditRecord.objects.filter(action="api.request", details__token="12345热线").exists()
    [registered] = [e for e in case.events.all() if e.kind == "register"]
    assert "12345热线" in registered.data["via"]


def test_the_case_page_shows_the_location_and_the_source(client, people, key):
    number = submit(client, key(), lat="30.274085", long="120.155070", email="chen@example.com",
                    media_url="https://example.com/p/1.jpg").json()[0]["service_request_id"]
    client.force_login(people["clerk"])
    page = client.get(f"/cases/{number}/").content.decode()
    assert "接口令牌“12345热线”" in page and "青山镇东村3组" in page
    assert "纬度 30.274085，经度 120.155070" in page and "c***@example.com" in page
    assert "chen@example.com" not in page and "https://example.com/p/1.jpg" in page


def test_an_address_naming_no_village_stays_as_given(client, key):
    number = submit(client, key(), address_string="青山镇政府门口").json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.village is None and case.service_request.address_string == "青山镇政府门口"
    raw = key()
    [read] = client.get(f"{BASE}/requests/{number}.json", {"api_key": raw}).json()
    assert read["address"] == "青山镇政府门口"


@pytest.mark.parametrize("change, code, words", [
    ({"address_string": None}, 400, "请提供位置"),
    ({"address_string": None, "address_id": "A-1"}, 400, "address_id"),
    ({"lat": "30.1"}, 400, "lat 与 long 须同时提供"),
    ({"long": "120.1"}, 400, "lat 与 long 须同时提供"),
    ({"lat": "999", "long": "120"}, 400, "lat 超出范围"),
    ({"lat": "30", "long": "-999"}, 400, "long 超出范围"),
    ({"lat": "1e400", "long": "120"}, 400, "lat 须为十进制度数"),
    ({"lat": "nan", "long": "nan"}, 400, "lat 须为十进制度数"),
    ({"lat": "inf", "long": "120"}, 400, "lat 须为十进制度数"),
    ({"description": "欠" * 4001}, 400, "description 不能超过4000字"),
    ({"description": ""}, 400, "缺少 description"),
    ({"service_code": None}, 400, "缺少 service_code"),
    ({"service_code": "999999"}, 404, "service_code"),
    ({"last_name": None, "first_name": None}, 400, "姓名"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"attribute[employer]": None}, 400, "attribute[employer]"),
    ({"attribute[workers]": "三"}, 400, "attribute[workers]"),
    ({"attribute[workers]": "2.5"}, 400, "须为整数"),
    ({"attribute[amount]": "NaN"}, 400, "attribute[amount]"),
    ({"attribute[colour]": "red"}, 400, "没有属性 attribute[colour]"),
    ({"phone": "12345"}, 400, "phone：电话号码格式不正确"),
    ({"description": "工资\x00"}, 400, "非法字符"),
])
def test_bad_submissions_are_refused_in_the_specs_format_and_write_nothing(client, key, change, code, words):
    refused(submit(client, key(), **change), code, words)
    assert Case.objects.count() == 0 and ServiceRequest.objects.count() == 0


def test_a_land_matter_is_not_a_service(client, key):
    land = Category.objects.get(name="土地征收").pk
    refused(submit(client, key(), service_code=str(land)), 404, "service_code")
    assert Case.objects.count() == 0


def test_four_thousand_characters_and_coordinates_at_the_limits_are_fine(client, key):
    response = submit(client, key(), description="欠" * 4000, lat="-90", long="180.0000004")
    refused(response, 400, "long 超出范围")
    response = submit(client, key(), description="欠" * 4000, lat="-90", long="+179.9999996")
    assert response.status_code == 201, response.content
    given = Case.objects.get().service_request
    assert len(Case.objects.get().request) == 4000 and (given.lat, given.long) == (-90, 180)  # to 6 places


def test_a_list_attribute_takes_only_its_keys(client, key):
    pollution = str(Category.objects.get(name="环境保护").pk)
    body = {"service_code": pollution, "attribute[employer]": None, "attribute[workers]": None}
    refused(submit(client, key(), **body, **{"attribute[pollution]": "smell"}), 400, "noise（噪声）")
    response = submit(client, key(), **body, **{"attribute[pollution]": "noise",
                                                "attribute[since]": "2026-11-01T08:00:00+08:00"})
    assert response.status_code == 201, response.content
    assert "污染类型：噪声；开始出现的时间：2026-11-01T08:00:00+08:00" in Case.objects.get().facts


def test_the_xml_answer_to_a_submission(client, key):
    response = client.post(f"{BASE}/requests.xml", {**submission(), "api_key": key()})
    assert response.status_code == 201 and response["Content-Type"] == "text/xml; charset=utf-8"
    request = ET.fromstring(response.content).find("request")
    assert request.findtext("service_request_id") == Case.objects.get().number
    assert request.find("account_id") is not None and not request.findtext("account_id")


def test_a_county_supervisor_key_cannot_submit(client, people):
    raw = do_create_api_token(people["supervisor"], name="县督办", scopes=["read", "create"])[1]
    refused(submit(client, raw), 403, "不能登记")


# ---- Reading ----

def test_a_read_without_a_key_shows_only_what_is_public(client, people, key):
    raw = key()
    number = submit(client, raw, lat="30.274085", long="120.155070",
                    media_url="https://example.com/p/1.jpg").json()[0]["service_request_id"]
    desk = register(people["clerk"])  # a petition registered at the desk is never published
    [public] = client.get(f"{BASE}/requests.json").json()
    assert public["service_request_id"] == number and public["status"] == "open"
    assert public["description"] == "" and public["media_url"] == "" and public["address"] == "东村"
    assert (public["lat"], public["long"]) == (30.27, 120.16)
    assert "陈大山" not in str(public) and "13800138000" not in str(public)
    assert client.get(f"{BASE}/requests/{desk.number}.json").status_code == 404
    keyed = client.get(f"{BASE}/requests.json", {"api_key": raw}).json()
    assert {r["service_request_id"] for r in keyed} == {number, desk.number}
    mine = next(r for r in keyed if r["service_request_id"] == number)
    assert mine["description"] == "工地拖欠三名工人工资" and mine["address"] == "青山镇东村3组"
    assert (mine["lat"], mine["long"]) == (30.274085, 120.15507) and mine["media_url"] == "https://example.com/p/1.jpg"


def test_one_request_in_xml(client, key):
    number = submit(client, key()).json()[0]["service_request_id"]
    root = ET.fromstring(client.get(f"{BASE}/requests/{number}.xml").content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.findtext("service_request_id") == number and request.findtext("status") == "open"
    assert request.findtext("requested_datetime").endswith("+08:00")
    refused(client.get(f"{BASE}/requests/330101-2000-99999.xml"), 404, "service_request_id")


def test_states_map_to_open_and_closed(client, key):
    raw = key()
    number = submit(client, raw).json()[0]["service_request_id"]
    Case.objects.filter(number=number).update(status=Status.NOT_ACCEPTED)
    [one] = client.get(f"{BASE}/requests/{number}.json").json()
    assert one["status"] == "closed" and one["status_notes"].startswith("不予受理")
    assert client.get(f"{BASE}/requests.json", {"status": "open"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"status": "closed"}).json()) == 1
    assert len(client.get(f"{BASE}/requests.json", {"status": "open,closed"}).json()) == 1
    refused(client.get(f"{BASE}/requests.json", {"status": "pending"}), 400, "status")


def test_the_last_90_days_by_default_and_ranges_of_at_most_90(client, key):
    raw = key()
    old, new = (submit(client, raw).json()[0]["service_request_id"] for _ in range(2))
    Case.objects.filter(number=old).update(received_at=timezone.now() - dt.timedelta(days=100))
    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert listed == [new]
    start = (timezone.now() - dt.timedelta(days=120)).isoformat()
    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json", {"start_date": start}).json()]
    assert listed == [old]  # start alone: the 90 days from it
    end = timezone.now().isoformat()
    refused(client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}), 400, "90天")
    refused(client.get(f"{BASE}/requests.json", {"start_date": end, "end_date": start}), 400, "end_date")
    refused(client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}), 400, "W3C")
    naive = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert client.get(f"{BASE}/requests.json", {"start_date": naive}).json()[0]["service_request_id"] == new


def test_service_request_id_overrides_every_other_argument(client, key):
    raw = key()
    old, new = (submit(client, raw).json()[0]["service_request_id"] for _ in range(2))
    Case.objects.filter(number=old).update(received_at=timezone.now() - dt.timedelta(days=200))
    listed = client.get(f"{BASE}/requests.json", {"service_request_id": f"{old},{new}", "status": "closed",
                                                  "service_code": "1", "start_date": "2000-01-01T00:00:00Z"}).json()
    assert {r["service_request_id"] for r in listed} == {old, new}


def test_service_code_filters_by_a_comma_list(client, key):
    raw = key()
    submit(client, raw)
    social = Category.objects.get(name="社会保障").pk
    submit(client, raw, service_code=str(social), **{"attribute[employer]": None, "attribute[workers]": None})
    listed = client.get(f"{BASE}/requests.json", {"service_code": f"{social},abc"}).json()
    assert [r["service_name"] for r in listed] == ["社会保障"]
    both = client.get(f"{BASE}/requests.json", {"service_code": f"{social},{wages().pk}"}).json()
    assert len(both) == 2


def test_a_keyed_read_is_the_accounts_scope(client, org, people, key):
    raw = key()
    submit(client, raw)
    register(people["outsider"])  # another township's case
    other = do_create_api_token(people["outsider"], name="白水镇", scopes=[Scope.READ])[1]
    assert client.get(f"{BASE}/requests.json", {"api_key": other}).json()[0]["service_request_id"] != \
        Case.objects.filter(centre=org["town"]).get().number


def test_inputs_that_look_like_numbers_or_carry_control_characters_are_refused_not_crashed(client, key, people):
    """Found by review: "²" is a digit to str.isdigit() but not to int(); sNaN is a Decimal that is not finite;
    a control character would break the XML of every list it appears in."""
    refused(client.get(f"{BASE}/services/².json"), 404, "service_code")
    assert client.get(f"{BASE}/requests.json", {"service_code": "²"}).status_code == 200
    refused(submit(client, key(), service_code="²"), 404, "service_code")
    refused(submit(client, key(), **{"attribute[workers]": "sNaN"}), 400, "attribute[workers]")
    refused(submit(client, key(), description="欠薪\x01"), 400, "非法字符")
    # Text typed at the desk may carry one (a vertical tab pasted from a document): the XML stays readable.
    raw = key()
    number = submit(client, raw).json()[0]["service_request_id"]
    Case.objects.filter(number=number).update(request="欠薪\x0b三个月")
    body = client.get(f"{BASE}/requests.xml", {"api_key": raw}).content
    assert ET.fromstring(body).find("request").findtext("description") == "欠薪三个月"
    assert Case.objects.count() == 1
