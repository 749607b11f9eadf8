"""Intake is validated once (jiefen.cases.actions.intake.Intake): whichever way a matter comes in (the desk, the
API, Open311, the portal, the grid's ledger, a leader's visit, an Excel import), the same rules refuse it with the
same message and change nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from jiefen.api.tokens import do_create_api_token
from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import ActionError, do_register_case
from jiefen.cases.actions.intake import Intake
from jiefen.cases.models import Case, Category, Channel, LegalClass, Party
from jiefen.duty.services import generate_month, today_leader
from jiefen.grid.actions import do_record_dispute
from jiefen.org.models import Role

from .factories import VALID_IDS, person, register

SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day, hour=10):
    return time_machine.travel(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI), tick=False
    )


def wages():
    return Category.objects.get(name="劳动工资")


def raw(**changes):
    fields = {
        "kind": Case.Kind.PETITION,
        "channel": Channel.LETTER,
        "legal_class": LegalClass.CLAIM,
        "category": wages(),
        "request": "要求结清拖欠的工资",
        "parties": [{"name": "陈大山", "id_number": VALID_IDS[0], "phone": "13800138000"}],
    }
    fields.update(changes)
    return fields


def refused(user, **changes):
    with pytest.raises(ActionError) as error:
        Intake.build(user, **raw(**changes))
    return error.value


@pytest.fixture
def leaders(org, people):
    return [people["leader"], person("deputy", Role.LEADER, org["town"], "刘副镇长"), people["director"]]


@pytest.fixture
def api_token(org):
    account = person("api-12345", Role.CLERK, org["town"], "12345热线对接")
    return do_create_api_token(account, name="12345热线", scopes=["create", "read"])[1]


def api_post(client, url, raw_token, body):
    return client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw_token}")


# The one validator ---------------------------------------------------------------------------------------------------


def test_the_intake_cleans_id_numbers_and_phones(people):
    intake = Intake.build(people["clerk"], **raw(parties=[
        {"name": " 陈大山 ", "id_number": "11010519491231002x", "phone": "138 0013 8000"},
    ]))
    (party,) = intake.parties
    assert (party.name, party.id_number, party.phone, party.role) == (
        "陈大山", "11010519491231002X", "13800138000", Party.Role.PETITIONER,
    )
    assert intake.centre == people["clerk"].unit and intake.received_at is not None


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"parties": [{"name": "陈", "id_number": "110105194912310021"}]}, "parties.0.id_number", "校验位"),
        ({"parties": [{"name": "陈", "phone": "123"}]}, "parties.0.phone", "电话号码格式不正确"),
        (
            {"parties": [{"name": "甲", "id_number": VALID_IDS[0]}, {"name": "乙", "id_number": VALID_IDS[0]}]},
            "parties.1.id_number",
            "同一身份证号填写了两次",
        ),
        ({"parties": []}, "parties", "请至少填写一名信访人"),
        ({"parties": [{"name": "某公司", "role": Party.Role.RESPONDENT}]}, "parties", "请至少填写一名信访人"),
        (
            {"parties": [{"name": f"代表{i}", "role": Party.Role.REPRESENTATIVE} for i in range(6)]},
            "parties",
            "不得超过5人",
        ),
        ({"head_count": 0}, "head_count", "至少为1人"),
        ({"legal_class": LegalClass.DISPUTE}, "legal_class", "民间纠纷请选择“矛盾纠纷”类别"),
        ({"category": None}, "category", "请选择事项分类"),
        ({"request": "  "}, "request", "请填写诉求"),
        ({"accused_unit": "land_office"}, "accused_unit", "只有检举控告类事项"),
        ({"legal_class": LegalClass.ACCUSATION, "accused_unit": "town"}, "accused_unit", "转送上级机关"),
        ({"legal_class": LegalClass.ACCUSATION, "accused_unit": "other_village"}, "accused_unit", "转送上级机关"),
        ({"village": "other_village"}, "village", "本乡镇（街道）的村（社区）"),
        ({"village": "land_office"}, "village", "本乡镇（街道）的村（社区）"),
        ({"receiving_leader": "outsider"}, "receiving_leader", "本中心领导班子成员"),
    ],
)
def test_the_intake_refuses_in_chinese_on_the_field_concerned(org, people, changes, field, message):
    for name in ("accused_unit", "village"):
        if name in changes:
            changes[name] = org[changes[name]]
    if "receiving_leader" in changes:
        changes["receiving_leader"] = people[changes["receiving_leader"]]
    error = refused(people["clerk"], **changes)
    assert error.field == field and message in error.message


def test_a_dispute_is_always_a_civil_dispute(people):
    intake = Intake.build(people["clerk"], **raw(kind=Case.Kind.DISPUTE, legal_class=LegalClass.CLAIM))
    assert intake.legal_class == LegalClass.DISPUTE


def test_only_the_desk_leaders_and_grid_workers_register(people):
    for who in ("handler", "supervisor"):
        assert "不能登记" in refused(people[who]).message
    assert Intake.build(people["mediator"], **raw()).centre == people["clerk"].unit


def test_an_intake_is_registered_only_by_an_account_of_its_centre(people):
    intake = Intake.build(people["clerk"], **raw())
    with pytest.raises(ActionError):
        do_register_case(people["outsider"], intake)
    assert Case.objects.count() == 0


def test_a_refused_registration_changes_nothing(people):
    with pytest.raises(ActionError):
        register(
            people["clerk"],
            parties=[{"name": "甲", "id_number": VALID_IDS[0]}, {"name": "乙", "id_number": VALID_IDS[0]}],
        )
    assert (
        Case.objects.count(),
        Party.objects.count(),
        AuditRecord.objects.filter(action="case.register").count(),
    ) == (0, 0, 0)


# The duty-leader default belongs to intake ---------------------------------------------------------------------------


@on("2026-10-10")
def test_a_walk_in_is_received_by_the_duty_leader_whichever_way_it_is_registered(org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    duty = today_leader(org["town"])
    assert duty is not None
    assert register(people["clerk"], channel=Channel.VISIT).receiving_leader == duty
    assert register(people["clerk"], channel=Channel.LETTER).receiving_leader is None
    other = next(u for u in leaders if u != duty)
    assert register(people["clerk"], channel=Channel.VISIT, receiving_leader=other).receiving_leader == other


@on("2026-10-10")
def test_a_walk_in_entered_later_is_received_by_the_leader_on_duty_that_day(org, people, leaders):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    earlier = dt.datetime(2026, 10, 9, 15, tzinfo=SHANGHAI)
    case = register(people["clerk"], channel=Channel.VISIT, received_at=earlier)
    assert case.receiving_leader == today_leader(org["town"], earlier.date()) is not None


@on("2026-10-10")
def test_a_walk_in_registered_through_the_api_gets_the_duty_leader(client, org, people, leaders, api_token):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    body = {
        "channel": "visit", "category": "劳动工资", "request": "要求结清拖欠的工资",
        "parties": [{"name": "陈大山", "id_number": VALID_IDS[0]}],
    }
    response = api_post(client, "/api/cases", api_token, body)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.receiving_leader == today_leader(org["town"]) is not None
    assert case.contacts.get().receiving_leader == case.receiving_leader
    response = api_post(client, "/api/cases", api_token, {**body, "channel": "call", "parties": [{"name": "林小河"}]})
    assert Case.objects.get(number=response.json()["number"]).receiving_leader is None


@on("2026-10-10")
def test_an_open311_request_is_online_and_no_leader_received_it(client, org, people, leaders, api_token):
    generate_month(org["town"], 2026, 10, leaders, people["director"])
    response = client.post("/api/open311/v2/requests.json", {
        "service_code": str(wages().pk), "description": "工地拖欠工资", "last_name": "陈", "first_name": "大山",
        "phone": "13800138000", "address_string": org["village_a"].name,
        "attribute[employer]": "青山建筑公司", "attribute[workers]": "3",
    }, HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.channel == Channel.ONLINE and case.receiving_leader is None and case.village == org["village_a"]


# Every channel, the same rules ----------------------------------------------------------------------------------------


def test_the_api_refuses_what_the_desk_refuses_and_changes_nothing(client, org, api_token):
    twice = [{"name": "甲", "id_number": VALID_IDS[0]}, {"name": "乙", "id_number": VALID_IDS[0]}]
    for change, field, message in (
        ({"parties": twice}, "parties.1.id_number", "同一身份证号"),
        ({"legal_class": "dispute"}, "legal_class", "民间纠纷"),
        ({"village": org["other_village"].code}, "village", "村（社区）"),
        ({"parties": [{"name": f"代表{i}", "role": "representative"} for i in range(6)]}, "parties", "不得超过5人"),
    ):
        body = {"category": "劳动工资", "request": "要求结清拖欠的工资", "parties": [{"name": "陈大山"}], **change}
        response = api_post(client, "/api/cases", api_token, body)
        assert response.status_code == 400, (change, response.content)
        assert response.json()["errors"][0]["field"] == field and message in response.json()["detail"]
    assert Case.objects.count() == 0


def test_open311_names_the_parameter_the_intake_refused(client, org, api_token):
    response = client.post("/api/open311/v2/requests.json", {
        "service_code": str(wages().pk), "description": "工地拖欠工资", "last_name": "陈", "phone": "12345",
        "address_string": "东村", "attribute[employer]": "青山建筑公司", "attribute[workers]": "3",
    }, HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert response.status_code == 400
    [error] = response.json()  # GeoReport v2's error list
    assert error["code"] == 400 and error["description"].startswith("phone：电话号码格式不正确")
    assert Case.objects.count() == 0


def test_the_desk_puts_a_duplicate_id_number_on_the_party_and_saves_nothing(client, org, people):
    client.force_login(people["clerk"])
    response = client.post(reverse("desk"), {
        "channel": "letter", "kind": "petition", "legal_class": "claim", "category": wages().pk,
        "head_count": "1", "request": "要求结清拖欠的工资", "facts": "",
        "party-TOTAL_FORMS": "2", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "1", "party-MAX_NUM_FORMS": "20",
        "party-0-role": "petitioner", "party-0-name": "陈大山", "party-0-id_number": VALID_IDS[0],
        "party-1-role": "petitioner", "party-1-name": "陈小山", "party-1-id_number": VALID_IDS[0],
    })
    assert response.status_code == 400 and "同一身份证号填写了两次" in response.content.decode()
    assert response.context["parties"].forms[1].errors["id_number"] == ["同一身份证号填写了两次"]
    assert Case.objects.count() == 0


def test_the_desk_refuses_a_civil_dispute_class_for_a_petition_on_its_field(client, org, people):
    client.force_login(people["clerk"])
    response = client.post(reverse("desk"), {
        "channel": "letter", "kind": "petition", "legal_class": "dispute", "category": wages().pk,
        "head_count": "1", "request": "邻居砌墙挡路", "facts": "",
        "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "1", "party-MAX_NUM_FORMS": "20",
        "party-0-role": "petitioner", "party-0-name": "陈大山",
    })
    assert response.status_code == 400 and "民间纠纷请选择" in response.context["form"].errors["legal_class"][0]
    assert Case.objects.count() == 0


def test_the_grid_ledger_refuses_a_duplicate_id_number_as_the_desk_does(org, people):
    with pytest.raises(ActionError, match="同一身份证号"):
        do_record_dispute(
            people["clerk"], village=org["village_a"], dispute_kind="neighbour", risk_level="low", request="砌墙挡路",
            parties=[{"name": "甲", "id_number": VALID_IDS[0]}, {"name": "乙", "id_number": VALID_IDS[0]}],
        )
    assert Case.objects.count() == 0


def test_the_portal_puts_the_intakes_refusal_on_its_own_field(org):
    from jiefen.portal.actions import do_submit_petition, service_account

    with pytest.raises(ActionError) as error:
        do_submit_petition(
            service_account(org["town"]),
            key="k-1",
            legal_class=LegalClass.CLAIM,
            category=wages(),
            village=org["other_village"],
            request="要求结清拖欠的工资",
            party={"name": "陈大山", "phone": "13800138000"},
        )
    assert error.value.field == "village" and "本乡镇" in error.value.message
    with pytest.raises(ActionError) as error:
        do_submit_petition(
            service_account(org["town"]), key="k-2", legal_class=LegalClass.CLAIM, category=wages(),
            village=None, request="要求结清拖欠的工资", party={"name": "陈大山", "phone": "123"},
        )
    assert error.value.field == "phone"
    assert Case.objects.count() == 0


def test_a_group_visit_without_representatives_is_refused_on_every_channel_that_registers_visits(client, org, people):
    """5 or more people visiting with a common petition must have chosen representatives (信访工作条例第二十条第三款):
    without one named as 代表 nothing is registered; a call or letter of a group, and a dispute, are not concerned."""
    clerk = people["clerk"]
    group = [{"name": f"村民{i}"} for i in range(7)]
    with pytest.raises(ActionError) as refused:
        Intake.build(clerk, kind="petition", channel=Channel.VISIT, legal_class="claim", category=wages(),
                     request="要求结清拖欠的工资", parties=group, head_count=7)
    assert refused.value.field == "parties" and "应当推选代表" in refused.value.message
    assert "第二十条第三款" in refused.value.message
    chosen = [{"name": "村民0", "role": "representative"}, *group[1:]]
    assert Intake.build(clerk, kind="petition", channel=Channel.VISIT, legal_class="claim", category=wages(),
                        request="要求结清拖欠的工资", parties=chosen, head_count=7).is_group
    assert Intake.build(clerk, kind="petition", channel=Channel.CALL, legal_class="claim", category=wages(),
                        request="要求结清拖欠的工资", parties=group, head_count=7)
    assert Case.objects.count() == 0
