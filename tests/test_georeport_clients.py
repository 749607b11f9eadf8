"""Other people's Open311 clients against a live jiefen server (issue 14, point 1): `georeport` 0.3.1 and `open311`
1.1, both installed from the package index (requirements.lock), used as their READMEs say. Our own tests of the
spec are in tests/test_georeport.py; these prove that software we did not write can talk to us."""

import importlib.util
import sys
import types
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from georeport import GeoReport

from jiefen.api.tokens import do_create_api_token
from jiefen.cases.models import Case, Category

from .factories import build_org, build_personas, reseed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db):
    reseed()  # a transactional test starts from an empty database: put back the migrations' rows
    org = build_org()
    people = build_personas(org)
    raw = do_create_api_token(people["clerk"], name="12345热线", scopes=["read", "create"])[1]
    return {"org": org, "people": people, "key": raw, "wages": Category.objects.get(name="劳动工资")}


def load_open311():
    """The Open311 class of open311 1.1 (2011, written for Python 2), as installed, patched only where Python 3
    breaks it:
    1. its modules import each other Python-2 style (`from api import API`, `from object_dict import ...`:
       implicit relative imports), so the package cannot be imported; they are loaded here under those names;
    2. its XML reader calls Element.getchildren(), removed in Python 3.9: it is handed an ElementTree whose
       elements still have it;
    3. it posts a str body, which Python 3's urlopen refuses: the body is encoded to bytes on the way out.
    Its URLs, parameters and parsing are its own."""
    root = Path(importlib.util.find_spec("open311").submodule_search_locations[0])
    saved = {name: sys.modules.get(name) for name in ("object_dict", "xml2dict", "xml2dict.xml2dict", "api",
                                                      "api.api")}

    def load(name, path, package=None):
        spec = importlib.util.spec_from_file_location(
            name, path, submodule_search_locations=[str(package)] if package else None
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    try:
        load("object_dict", root / "api/xml2dict/object_dict.py")
        load("xml2dict", root / "api/xml2dict/__init__.py", package=root / "api/xml2dict")
        sys.modules["xml2dict.xml2dict"].ET = types.SimpleNamespace(fromstring=_fromstring)  # patch 2
        api = load("api.api", root / "api/api.py")
        sys.modules["api"] = types.SimpleNamespace(API=api.API, api=api, urlopen=api.urlopen, urlencode=api.urlencode)
        client = load("open311_client", root / "open311.py")
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    client.urlopen = _urlopen_bytes  # patch 3
    return client.Open311


class _Element(ET.Element):
    def getchildren(self):
        return list(self)


def _fromstring(text):
    parser = ET.XMLParser(target=ET.TreeBuilder(element_factory=_Element))
    parser.feed(text)
    return parser.close()


def _urlopen_bytes(url, data=None):
    return urllib.request.urlopen(url, data.encode() if isinstance(data, str) else data)


# ---- open311 1.1: lists, submits (XML, its default), reads back ----

def test_the_open311_client_submits_and_reads_back(world, live_server):
    Open311 = load_open311()
    client = Open311(endpoint=f"{live_server.url}/api/open311/v2", api_key=world["key"])
    services = client.service_list()
    assert "劳动工资" in {s["service_name"] for s in services}
    wages = next(s for s in services if s["service_name"] == "劳动工资")
    assert wages["service_code"] == str(world["wages"].pk) and wages["metadata"] == "true"

    created = client.post_service_request(
        service_code=wages["service_code"], description="工地拖欠三名工人工资", first_name="大山", last_name="陈",
        phone="13800138000", email="chen@example.com", address_string="青山镇东村3组", lat="30.274085",
        long="120.155070", media_url="https://example.com/p/1.jpg",
        **{"attribute[employer]": "青山建筑公司", "attribute[workers]": "3"},
    )
    number = created["service_requests"]["request"]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.village == world["org"]["village_a"] and case.service_request.email == "chen@example.com"
    assert case.parties.get().name == "陈大山"

    # Its reads send no key: they get the public view, without the description.
    listed = client.service_requests()
    assert listed["service_request_id"] == number and listed["status"] == "open"  # one request: one element
    assert listed["description"] is None and listed["lat"] == "30.27"
    one = client.get_service_request(number)["service_requests"]["request"]
    assert one["service_name"] == "劳动工资" and one["address"] == "东村"


def test_the_open311_client_gets_the_specs_errors(world, live_server):
    Open311 = load_open311()
    client = Open311(endpoint=f"{live_server.url}/api/open311/v2", api_key="jf_wrong")
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.post_service_request(service_code=str(world["wages"].pk), description="x", last_name="陈",
                                    address_string="东村")
    assert refused.value.code == 403
    error = ET.fromstring(refused.value.read()).find("error")
    assert error.findtext("code") == "403" and "api_key" in error.findtext("description")
    assert Case.objects.count() == 0


# ---- georeport 0.3.1: every read it has, in JSON and in XML ----

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_everything_it_can(world, live_server, fmt):
    api = f"{live_server.url}/api/open311/v2"
    body = {
        "service_code": str(world["wages"].pk), "description": "工地拖欠工资", "last_name": "陈",
        "address_string": "东村", "attribute[employer]": "青山建筑公司", "attribute[workers]": "3",
        "api_key": world["key"],
    }
    number = requests.post(f"{api}/requests.json", data=body, timeout=10).json()[0]["service_request_id"]

    client = GeoReport(api, jurisdiction=world["org"]["town"].code, output_format=fmt)
    names = {s["service_name"] for s in client.get_service_list()}
    assert {"劳动工资", "社会保障"} <= names and "土地征收" not in names
    definition = client.get_service_definition(str(world["wages"].pk))
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert [a["code"] for a in attributes] == ["employer", "workers", "amount"]

    listed = client.get_service_requests(status="open,closed", service_code=str(world["wages"].pk))
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one element is not a list
    assert [r["service_request_id"] for r in listed] == [number]
    one = client.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open"

    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_definition("999999")
    assert refused.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_requests(status="pending")
    assert refused.value.response.status_code == 400


def test_the_georeport_client_with_another_jurisdiction_sees_nothing_of_ours(world, live_server):
    requests.post(f"{live_server.url}/api/open311/v2/requests.json", timeout=10, data={
        "service_code": str(world["wages"].pk), "description": "工地拖欠工资", "last_name": "陈",
        "address_string": "东村", "attribute[employer]": "青山建筑公司", "attribute[workers]": "3",
        "api_key": world["key"],
    }).raise_for_status()
    client = GeoReport(f"{live_server.url}/api/open311/v2", jurisdiction=world["org"]["other_town"].code)
    assert client.get_service_requests() == []
