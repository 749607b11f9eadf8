"""Issue 14, point 3: tokens managed in the UI by the centre's director, every token request audited under the
token's name, and what a token registered or did shown with its source."""

import re

from django.urls import reverse

from jiefen.api.models import ApiToken
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case

from .factories import VALID_IDS


def made(client, people, **over):
    client.force_login(people["director"])
    form = {"name": "12345政务服务热线", "user": people["clerk"].pk, "scopes": ["read", "create"], **over}
    return client.post(reverse("api_tokens"), form)


def test_the_director_makes_a_token_shown_once_and_revokes_it(client, people):
    page = made(client, people)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    raw = re.search(r'<pre class="token" id="raw-token">(jf_[^<]+)</pre>', page.content.decode())[1]
    token = ApiToken.objects.get()
    assert token.name == "12345政务服务热线" and token.scopes == ["create", "read"]
    assert token.created_by == people["director"]
    assert raw not in client.get(reverse("api_tokens")).content.decode()  # shown once: never listed again
    assert AuditRecord.objects.filter(action="api.token_create").exists()
    # The token works; revoked, it does not.
    assert client.get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.force_login(people["director"])
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    assert client.get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    listed = client.get(reverse("api_tokens")).content.decode()
    assert "已吊销" in listed and "12345政务服务热线" in listed


def test_bad_input_makes_no_token(client, people):
    page = made(client, people, name="", scopes=[])
    assert page.status_code == 400 and "这个字段是必填项" in page.content.decode()
    # An account of another township is not offered, and not accepted.
    page = made(client, people, user=people["outsider"].pk)
    assert page.status_code == 400 and not ApiToken.objects.exists()


def test_only_the_centres_director_manages_tokens(client, people):
    for who in ("clerk", "leader", "supervisor", "handler"):
        client.force_login(people[who])
        assert client.get(reverse("api_tokens")).status_code == 403
    made(client, people)
    token = ApiToken.objects.get()
    client.force_login(people["outsider"])
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 403
    assert ApiToken.objects.get().active


def test_every_token_request_is_audited_under_its_name_and_the_case_shows_its_source(client, people):
    made(client, people)
    raw = re.search(r"(jf_[A-Za-z0-9_-]+)", client.post(reverse("api_tokens"), {
        "name": "网格通", "user": people["clerk"].pk, "scopes": ["read", "create"],
    }).content.decode())[1]
    before = AuditRecord.objects.filter(action="api.request").count()
    client.logout()
    assert client.get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    body = {
        "category": "劳动工资", "village": None, "request": "要求支付工资",
        "parties": [{"name": "陈大山", "id_number": VALID_IDS[0]}],
    }
    created = client.post("/api/cases", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert created.status_code in (200, 201), created.content
    requests = AuditRecord.objects.filter(action="api.request").order_by("seq")
    assert requests.count() == before + 2
    last = requests.last()
    assert last.details["token"] == "网格通" and last.details["method"] == "POST"
    assert last.details["status"] in (200, 201)
    assert last.actor == people["clerk"]
    case = Case.objects.get()
    register = AuditRecord.objects.get(action="case.register")
    assert "网格通" in register.details["via"]
    assert "网格通" in case.events.get(kind="register").data["via"]
    client.force_login(people["clerk"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "经接口令牌“网格通”" in page
    # The citizen's tracking page shows the registration, and does not name the token.
    client.logout()
    found = client.post(reverse("portal:track"), {"number": case.number, "code": case.query_code}, follow=True)
    tracked = found.content.decode()
    assert case.number in tracked and "登记" in tracked and "网格通" not in tracked and "jf_" not in tracked
