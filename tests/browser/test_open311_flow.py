"""A request from an Open311 client, as the township's staff then see it on a phone: the case carries where the
reporter put it (the address as given and the coordinates), the answers to the service's questions, and the token
it came through (issue 14, point 1)."""

import pytest
import requests

from jiefen.api.tokens import do_create_api_token
from jiefen.cases.models import Category

from ..factories import build_org, build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_an_open311_request_shows_its_location_and_source_on_the_case_page(transactional_db, login_page,
                                                                             live_server, shoot):
    org = build_org()
    people = build_personas(org)
    raw = do_create_api_token(people["clerk"], name="12345政务服务热线", scopes=["create"])[1]
    wages = Category.objects.get(name="劳动工资")
    created = requests.post(f"{live_server.url}/api/open311/v2/requests.json", timeout=10, data={
        "api_key": raw, "service_code": wages.pk, "description": "东村工地拖欠三名工人工资共计两万元",
        "last_name": "陈", "first_name": "大山", "phone": "13800138000", "address_string": "青山镇东村3组",
        "lat": "30.274085", "long": "120.155070", "email": "chen@example.com",
        "attribute[employer]": "青山建筑公司", "attribute[workers]": "3", "attribute[amount]": "20000",
    })
    assert created.status_code == 201, created.text
    number = created.json()[0]["service_request_id"]
    clerk = login_page(people["clerk"], viewport=PHONE)
    clerk.goto(f"{live_server.url}/cases/{number}/")
    assert "接口令牌“12345政务服务热线”" in clerk.inner_text("#service-request")
    assert clerk.inner_text("#service-address") == "青山镇东村3组"
    assert "纬度 30.274085，经度 120.155070" in clerk.inner_text("#service-location")
    assert "被拖欠工资的人数：3" in clerk.content()
    shoot(clerk, "open311-01-case-page-phone")
