"""一人一档 (issue 13): one page per person, reached by the keyed hash of their ID number or phone, with every case,
contact and channel of theirs in the viewer's scope, and never a case whose accuser the viewer may not know."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiefen.cases import access
from jiefen.cases.actions import do_record_contact
from jiefen.cases.models import Channel, LegalClass, Status
from jiefen.cases.people import person_key
from jiefen.cases.personal import keyed_hash
from jiefen.cases.steps import do_accept_case, do_assign_case, do_sign_for_case

from .factories import VALID_IDS, register, reply_signed_off

CHEN = {"name": "陈大山", "id_number": VALID_IDS[0], "phone": "13800138000", "address": "东村1组"}
LIN = {"name": "林小河", "id_number": VALID_IDS[1], "phone": "13900139000"}
# An accuser (检举控告人) with a case of their own too: the accused side may see that one, never the accusation.
ACCUSER = {"name": "秘检举", "id_number": VALID_IDS[3], "phone": "13912345678", "address": "东村保密组"}
SECRET = "检举村干部虚报冒领补贴"


def person_url(id_number="", phone=""):
    return reverse("person", args=[keyed_hash(id_number) or keyed_hash(phone)])


def assigned(people, org, case, unit_key="village_a", handler="handler"):
    """Accept `case` and hand it to a unit, which signs for it."""
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org[unit_key])
    do_sign_for_case(people[handler], case, expected_version=case.version)
    return case


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


# ---- What the page shows ----

def test_the_page_lists_every_case_contact_and_channel_of_the_person_newest_first(client, org, people):
    clerk = people["clerk"]
    first = register(clerk, village=org["village_a"], parties=[CHEN], request="要求结清拖欠工资")
    do_record_contact(clerk, first, channel=Channel.VISIT, head_count=3)
    second = register(clerk, village=org["village_a"], parties=[dict(CHEN, name="陈大三")], channel=Channel.CALL,
                      request="反映鱼塘承包纠纷")
    someone_else = register(clerk, village=org["village_a"], parties=[LIN])

    body = page(client, clerk, person_url(CHEN["id_number"])).content.decode()
    assert first.number in body and second.number in body and someone_else.number not in body
    assert body.index(second.number) < body.index(first.number)  # newest first
    assert "陈大山" in body and "陈大三" in body  # the names as recorded
    assert "110***********002X" in body and "138****8000" in body
    assert CHEN["id_number"] not in body and CHEN["phone"] not in body
    cases_table = body[body.index('id="person-cases"'):body.index('id="person-channels"')]
    assert "要求结清拖欠工资" in cases_table and "已登记" in cases_table
    channels = body[body.index('id="person-channels"'):body.index('id="person-contacts"')]
    # 来访: one case, two contacts (the registration and the later visit), four person-times; 来电: one of each.
    assert "<td data-label=\"渠道\">来访</td><td data-label=\"案件\">1</td><td data-label=\"次数\">2</td>" \
           "<td data-label=\"人次\">4</td>" in channels
    assert "<td data-label=\"渠道\">来电</td><td data-label=\"案件\">1</td><td data-label=\"次数\">1</td>" in channels
    contacts = body[body.index('id="person-contacts"'):]
    assert contacts.count(f">{first.number}</a>") == 2 and contacts.count(f">{second.number}</a>") == 1


def test_the_page_shows_the_decision_the_final_flag_and_a_repeat_of_a_final_case(client, org, people):
    from .test_final_repeat import final

    earlier = final(org, people, parties=[CHEN])
    repeat = register(people["clerk"], village=org["village_a"], parties=[CHEN], final_repeat_of=earlier)
    body = page(client, people["clerk"], person_url(CHEN["id_number"])).content.decode()
    rows = body[body.index('id="person-cases"'):body.index('id="person-channels"')]
    assert "不予支持" in rows  # the written answer
    assert "复核意见（青政复〔2026〕1号）：维持" in rows  # the latest decision of the organ above
    assert "已终结" in rows and "其中已终结 1 件" in body
    assert f"终结后重复信访（原案件 {earlier.number}）" in rows and repeat.number in rows


def test_an_answer_left_unchallenged_is_shown_as_final(client, org, people):
    from .test_final_repeat import lapse_window, replied

    case = replied(org, people, parties=[CHEN])
    lapse_window(case)
    body = page(client, people["clerk"], person_url(CHEN["id_number"])).content.decode()
    assert case.number in body and "处理意见送达后未在规定期限内请求复查" in body


def test_a_party_without_an_id_number_is_found_by_phone_and_said_to_be_so(client, org, people):
    caller = register(people["clerk"], village=org["village_a"], channel=Channel.CALL,
                      parties=[{"name": "陈大山", "phone": CHEN["phone"]}])
    body = page(client, people["clerk"], person_url(phone=CHEN["phone"])).content.decode()
    assert caller.number in body and "按联系电话关联" in body and "138****8000" in body


def test_an_id_numbers_page_adds_the_phone_only_records_of_its_phones_but_not_other_id_numbers(client, org, people):
    clerk = people["clerk"]
    with_id = register(clerk, village=org["village_a"], parties=[CHEN])
    by_phone = register(clerk, village=org["village_a"], channel=Channel.CALL,
                        parties=[{"name": "陈大山", "phone": CHEN["phone"]}])
    relative = register(clerk, village=org["village_a"], parties=[dict(LIN, phone=CHEN["phone"])])
    body = page(client, clerk, person_url(CHEN["id_number"])).content.decode()
    assert with_id.number in body and by_phone.number in body and "按电话匹配" in body
    assert relative.number not in body and "林小河" not in body


# ---- The key ----

def test_the_key_is_the_keyed_hash_and_never_carries_the_id_number_or_phone(client, org, people):
    case = register(people["clerk"], village=org["village_a"], parties=[CHEN])
    party = case.parties.get()
    assert person_key(party) == keyed_hash(CHEN["id_number"]) == party.id_number_hash
    url = reverse("person", args=[person_key(party)])
    for secret in (CHEN["id_number"], CHEN["phone"], CHEN["id_number"][6:14], CHEN["phone"][3:]):
        assert secret not in url
    phone_only = register(people["clerk"], parties=[{"name": "来电人", "phone": "13700137000"}]).parties.get()
    assert person_key(phone_only) == keyed_hash("13700137000") and "13700137000" not in person_key(phone_only)
    assert person_key(register(people["clerk"], parties=[{"name": "匿名"}]).parties.get()) == ""


@pytest.mark.parametrize("key", ["0" * 64, "not-a-key", "110105194912310020", "13800138000"])
def test_an_unknown_or_malformed_key_is_a_404_in_chinese(client, org, people, key):
    register(people["clerk"], village=org["village_a"], parties=[CHEN])
    response = page(client, people["clerk"], reverse("person", args=[key]))
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_a_plain_id_number_or_phone_in_the_url_finds_no_one(client, org, people):
    register(people["clerk"], village=org["village_a"], parties=[CHEN])
    for value in (CHEN["id_number"], CHEN["phone"]):
        assert page(client, people["clerk"], reverse("person", args=[value])).status_code == 404


# ---- Scope ----

def test_anonymous_is_sent_to_log_in(client, org, people):
    register(people["clerk"], village=org["village_a"], parties=[CHEN])
    response = client.get(person_url(CHEN["id_number"]))
    assert response.status_code == 302 and "login" in response.url


def test_a_village_handler_sees_only_the_cases_of_its_village(client, org, people):
    clerk = people["clerk"]
    theirs = assigned(people, org, register(clerk, village=org["village_a"], parties=[CHEN], request="东村鱼塘纠纷"))
    centre_only = register(clerk, village=org["village_b"], parties=[CHEN], request="西村宅基地纠纷")
    url = person_url(CHEN["id_number"])

    body = page(client, people["handler"], url).content.decode()
    assert theirs.number in body and centre_only.number not in body and "西村宅基地纠纷" not in body
    assert "<dd>1 件</dd>" in body
    # A village with none of the person's cases: the same 404 as for no one at all.
    assert page(client, people["other_handler"], url).status_code == 404


def test_the_county_supervisor_sees_across_townships_and_a_township_its_own(client, org, people):
    here = register(people["clerk"], village=org["village_a"], parties=[CHEN])
    there = register(people["outsider"], parties=[CHEN])
    url = person_url(CHEN["id_number"])

    body = page(client, people["supervisor"], url).content.decode()
    assert here.number in body and there.number in body
    assert client.post(url).status_code == 403  # read-only: the policy refuses anything but a read
    body = page(client, people["clerk"], url).content.decode()
    assert here.number in body and there.number not in body
    body = page(client, people["outsider"], url).content.decode()
    assert there.number in body and here.number not in body


def test_a_person_with_cases_only_in_another_township_is_a_404(client, org, people):
    register(people["outsider"], parties=[LIN])
    assert page(client, people["clerk"], person_url(LIN["id_number"])).status_code == 404


# ---- The whistleblower rule (信访工作条例 第三十条第三款) ----

@pytest.fixture
def accuser_cases(org, people):
    """The accuser's accusation against 东村 (handled by the land office), their own claim handled by 东村, and a
    call from a phone they gave only in the accusation."""
    clerk = people["clerk"]
    accusation = register(
        clerk, village=org["village_a"], legal_class=LegalClass.ACCUSATION, accused_unit=org["village_a"],
        parties=[ACCUSER], request=SECRET,
    )
    assigned(people, org, accusation, "land_office", "land_handler")
    do_record_contact(clerk, accusation, channel=Channel.LETTER, head_count=2)
    claim = assigned(people, org, register(
        clerk, village=org["village_a"], parties=[dict(ACCUSER, phone="13811112222")], request="要求修缮水渠",
    ))
    call = assigned(people, org, register(
        clerk, village=org["village_a"], channel=Channel.CALL, parties=[{"name": "秘检举", "phone": ACCUSER["phone"]}],
        request="来电询问补贴发放",
    ))
    return {"accusation": accusation, "claim": claim, "call": call}


def test_the_accused_side_never_learns_who_accused_it(client, org, people, accuser_cases):
    accusation, claim, call = accuser_cases["accusation"], accuser_cases["claim"], accuser_cases["call"]
    url = person_url(ACCUSER["id_number"])
    for persona in ("handler",):  # 东村's own handler: the accused unit
        response = page(client, people[persona], url)
        body = response.content.decode()
        assert response.status_code == 200 and claim.number in body
        assert accusation.number not in body and SECRET not in body and "检举控告" not in body
        assert "来信" not in body  # the accusation's contacts and channel are not counted either
        assert "<dd>1 件</dd>" in body and "139****5678" not in body
        # The call is linked to the accuser only through the accusation's phone: no link is drawn for them.
        assert call.number not in body
    # The centre, not on the accused side, sees all three.
    body = page(client, people["clerk"], url).content.decode()
    assert accusation.number in body and claim.number in body and call.number in body
    # The land office handles the accusation and sees it (its claim case is 东村's, not theirs).
    body = page(client, people["land_handler"], url).content.decode()
    assert accusation.number in body and claim.number not in body


def test_a_case_whose_accuser_may_not_be_known_is_left_out_even_within_scope(client, org, people, accuser_cases,
                                                                            monkeypatch):
    """The page asks access.may_see_identity of every case itself, not only the scope: were the scope ever to let an
    accusation through to its accused side, the person page would still not show it."""
    accusation = accuser_cases["accusation"]
    may_see = access.may_see_identity
    monkeypatch.setattr(access, "may_see_identity", lambda user, case: case.pk != accusation.pk and may_see(user, case))
    body = page(client, people["clerk"], person_url(ACCUSER["id_number"])).content.decode()
    assert accusation.number not in body and SECRET not in body and accuser_cases["claim"].number in body
    assert accuser_cases["call"].number not in body  # its phone came from the accusation only
    # By that phone, the call is still found on its own: it is a record of the centre's, not drawn from the other.
    body = page(client, people["clerk"], person_url(phone=ACCUSER["phone"])).content.decode()
    assert accuser_cases["call"].number in body and accusation.number not in body
    monkeypatch.setattr(access, "may_see_identity", lambda user, case: False)
    assert page(client, people["clerk"], person_url(ACCUSER["id_number"])).status_code == 404


# ---- The link from the case page ----

def test_the_case_page_links_each_party_to_their_page_only_where_identity_may_be_seen(client, org, people):
    case = register(people["clerk"], village=org["village_a"], parties=[CHEN, {"name": "匿名来信人"}])
    body = page(client, people["clerk"], reverse("case_detail", args=[case.number])).content.decode()
    assert person_url(CHEN["id_number"]) in body and "查看此人全部信访记录" in body
    assert body.count("查看此人全部信访记录") == 1  # a party with neither ID number nor phone has no page

    accusation = register(
        people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION, accused_unit=org["grid_a"],
        parties=[ACCUSER], request=SECRET,
    )
    body = page(client, people["clerk"], reverse("case_detail", args=[accusation.number])).content.decode()
    assert person_url(ACCUSER["id_number"]) in body
    # Someone who may see the case but not the accuser (monkeypatched: the scope already keeps the accused side
    # out of the case) gets no link.
    from jiefen.cases import views

    original = views.access.may_see_identity
    try:
        views.access.may_see_identity = lambda user, case: False
        body = page(client, people["clerk"], reverse("case_detail", args=[accusation.number])).content.decode()
    finally:
        views.access.may_see_identity = original
    assert person_url(ACCUSER["id_number"]) not in body and "查看此人全部信访记录" not in body


# ---- Queries ----

def test_the_query_count_does_not_depend_on_the_number_of_cases(client, org, people):
    clerk = people["clerk"]
    url = person_url(CHEN["id_number"])

    def queries_of_page():
        client.force_login(clerk)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    case = register(clerk, village=org["village_a"], parties=[CHEN])
    do_record_contact(clerk, case, channel=Channel.VISIT)
    few = queries_of_page()
    for n in range(5):
        more = register(clerk, village=org["village_a"], parties=[CHEN], channel=Channel.CALL, request=f"第{n}次反映")
        do_record_contact(clerk, more, channel=Channel.VISIT, head_count=2)
        register(clerk, village=org["village_a"], channel=Channel.CALL,
                 parties=[{"name": "陈大山", "phone": CHEN["phone"]}])  # phone-only records, found by phone
    many = queries_of_page()
    assert few == many
    assert many <= 12


def test_a_replied_case_shows_its_served_date(client, org, people):
    case = assigned(people, org, register(people["clerk"], village=org["village_a"], parties=[CHEN]))
    reply_signed_off(people["handler"], case, outcome="support", served_on=timezone.localdate(), content="已解决。")
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    body = page(client, people["handler"], person_url(CHEN["id_number"])).content.decode()
    assert "支持" in body and f"{timezone.localdate():%Y-%m-%d} 送达" in body
