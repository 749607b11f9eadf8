"""接口令牌 in a real browser, on a phone: the director makes a token for another system, sees it once, and the
token works against the live server until it is revoked."""

import re
import urllib.request

import pytest

from ..factories import build_org, build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def status_of(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_director_makes_and_revokes_a_token_on_a_phone(transactional_db, login_page, live_server, shoot):
    org = build_org()
    people = build_personas(org)
    director = login_page(people["director"], viewport=PHONE)
    director.goto(f"{live_server.url}/tokens/")
    director.fill("#id_name", "12345政务服务热线")
    director.select_option("#id_user", label=f"{people['clerk'].display_name}（接待员，青山镇）")
    director.check("input[name=scopes][value=create]")
    director.click("#create-token")
    director.wait_for_load_state()
    raw = director.inner_text("#raw-token").strip()
    assert re.fullmatch(r"jf_[A-Za-z0-9_-]{40,}", raw)
    shoot(director, "tokens-01-shown-phone")
    assert status_of(f"{live_server.url}/api/cases", raw) == 200
    director.goto(f"{live_server.url}/tokens/")
    assert raw not in director.content() and "12345政务服务热线" in director.inner_text("#token-list")
    director.click("#token-list button:has-text('吊销')")
    director.wait_for_load_state()
    assert "已吊销" in director.inner_text("#token-list")
    shoot(director, "tokens-02-revoked-phone")
    assert status_of(f"{live_server.url}/api/cases", raw) == 401
