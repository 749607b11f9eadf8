"""The grid module's pages over HTTP: every page for every persona, and the forms that write."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, Channel, Status
from jiefen.grid.actions import (
    do_add_household,
    do_add_visitor,
    do_create_campaign,
    do_list_key_person,
    do_record_household_visit,
    do_update_household,
)
from jiefen.grid.models import Campaign, DisputeRecord, Finding, Household, HouseholdVisit, KeyPerson, Visitor

TODAY = timezone.localdate


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def world(org, people):
    g = org["grid_a"]
    worker = do_add_visitor(people["director"], name="周网格", kind=Visitor.Kind.GRID_WORKER, phone="13800000001",
                            grids=[g], account=people["mediator"])
    households = [
        do_add_household(people["mediator"], grid=g, head_name=name, address=f"东村1组{i}号", members=3)
        for i, name in enumerate(["张三丰", "李四海", "王五岳"])
    ]
    visit = do_record_household_visit(people["mediator"], household=households[0], visited_on=TODAY(), visitor=worker,
                                      finding=Finding.DISPUTE, note="与邻居因排水沟堵塞争吵")
    campaign = do_create_campaign(people["leader"], name="冬季大排查", starts_on=TODAY() - dt.timedelta(days=5),
                                  ends_on=TODAY() + dt.timedelta(days=25), villages=[org["village_a"]])
    key_person = do_list_key_person(people["director"], village=org["village_a"], name="孙老汉", group="petitioner",
                                    reason="多年反映土地补偿", responsible=worker)
    return SimpleNamespace(grid=g, worker=worker, households=households, visit=visit, campaign=campaign,
                           key_person=key_person)


# (url name, args from the world, what it takes): read = any grid role; write = visits and households;
# register = the register of visitors; campaign = starting one; key = seeing key groups; keymanage = listing.
PAGES = [
    ("grid:index", None, "read"),
    ("grid:visits", None, "read"),
    ("grid:visit_new", None, "write"),
    ("grid:household_pick", None, "write"),
    ("grid:visit_detail", "visit", "read"),
    ("grid:households", None, "read"),
    ("grid:household_new", None, "write"),
    ("grid:household_detail", "household", "read"),
    ("grid:household_edit", "household", "write"),
    ("grid:grid_detail", "grid", "read"),
    ("grid:coverage", None, "read"),
    ("grid:ledger", None, "read"),
    ("grid:ledger_new", None, "write"),
    ("grid:visitors", None, "read"),
    ("grid:visitor_new", None, "register"),
    ("grid:visitor_edit", "worker", "register"),
    ("grid:campaigns", None, "read"),
    ("grid:campaign_new", None, "campaign"),
    ("grid:campaign_detail", "campaign", "read"),
    ("grid:key_people", None, "key"),
    ("grid:key_person_new", None, "keymanage"),
    ("grid:key_person_detail", "key_person", "key"),
]
ALLOWED = {
    "read": {"clerk", "leader", "director", "mediator", "supervisor", "outsider"},
    "write": {"clerk", "leader", "director", "mediator", "outsider"},
    "register": {"clerk", "leader", "director", "outsider"},
    "campaign": {"leader", "director"},
    "key": {"leader", "director", "mediator"},
    "keymanage": {"leader", "director"},
}


def url_of(world, name, arg):
    objects = {"visit": world.visit, "household": world.households[0], "grid": world.grid, "worker": world.worker,
               "campaign": world.campaign, "key_person": world.key_person}
    return reverse(name, args=[objects[arg].pk] if arg else [])


@pytest.mark.parametrize("name,arg,needs", PAGES)
@pytest.mark.parametrize("who", ["clerk", "leader", "director", "mediator", "handler", "supervisor", "outsider"])
def test_every_page_answers_each_persona_as_its_role_and_scope_say(client, people, world, name, arg, needs, who):
    response = login(client, people[who]).get(url_of(world, name, arg))
    if who not in ALLOWED[needs]:
        expected = 403
    elif who == "outsider" and arg:
        expected = 404  # another township's row: not found, whether or not it exists
    else:
        expected = 200
    assert response.status_code == expected


@pytest.mark.parametrize("name,arg,needs", PAGES)
def test_every_page_needs_a_login(client, world, name, arg, needs):
    response = client.get(url_of(world, name, arg))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_nav_offers_the_module_to_its_roles_only(client, people, world):
    assert "排查走访" in login(client, people["mediator"]).get(reverse("case_list")).content.decode()
    assert "排查走访" not in login(client, people["handler"]).get(reverse("case_list")).content.decode()


# ---- the visit form ----

def visit_post(world, **extra):
    data = {"household": world.households[1].pk, "visited_on": TODAY().isoformat(), "visitor": world.worker.pk,
            "finding": Finding.NOTHING, "note": ""}
    data.update(extra)
    return data


def test_the_visit_form_defaults_to_today_and_the_workers_own_register_row(client, people, world):
    page = login(client, people["mediator"]).get(reverse("grid:visit_new")).content.decode()
    assert f'value="{TODAY().isoformat()}"' in page
    assert f'<option value="{world.worker.pk}" selected>' in page
    assert page.count('name="household"') == 3 and 'name="finding"' in page and "hx-get" in page


def test_the_household_picker_searches_within_the_workers_grid(client, people, world):
    response = login(client, people["mediator"]).get(reverse("grid:household_pick"), {"q": "李四"},
                                                      HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "李四海" in page and "张三丰" not in page and "<html" not in page
    assert "没有找到" in client.get(reverse("grid:household_pick"), {"q": "不存在"}).content.decode()


def test_a_grid_worker_records_a_visit_and_goes_on_to_the_next(client, people, world):
    response = login(client, people["mediator"]).post(reverse("grid:visit_new"), visit_post(world))
    assert response.status_code == 302 and response.url == reverse("grid:visit_new")
    visit = HouseholdVisit.objects.get(household=world.households[1])
    assert visit.recorded_by == people["mediator"] and visit.finding == Finding.NOTHING
    assert AuditRecord.objects.filter(action="household_visit.record", actor=people["mediator"]).count() == 2


def test_a_visit_form_with_bad_input_changes_nothing_and_says_why(client, people, world):
    login(client, people["mediator"])
    before = HouseholdVisit.objects.count(), AuditRecord.objects.count()
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("grid:visit_new"), visit_post(world, visited_on=tomorrow))
    assert response.status_code == 400 and "走访日期不能晚于今天" in response.content.decode()
    response = client.post(reverse("grid:visit_new"), visit_post(world, household=""))
    assert response.status_code == 400 and "请选择走访的住户" in response.content.decode()
    response = client.post(reverse("grid:visit_new"), visit_post(world, finding=Finding.CONCERN))
    assert response.status_code == 400 and "简要记录" in response.content.decode()
    assert (HouseholdVisit.objects.count(), AuditRecord.objects.count()) == before


def test_a_visit_that_finds_a_dispute_leads_to_the_ledger_form_and_a_case_number(client, people, world):
    login(client, people["mediator"])
    response = client.post(reverse("grid:visit_new"), visit_post(world, finding=Finding.DISPUTE, note="两兄弟分家不均"))
    visit = HouseholdVisit.objects.get(household=world.households[1])
    assert response.status_code == 302 and response.url == reverse("grid:visit_detail", args=[visit.pk])
    page = client.get(response.url).content.decode()
    assert "登记矛盾纠纷" in page and "李四海" in page and "两兄弟分家不均" in page
    response = client.post(reverse("grid:visit_dispute", args=[visit.pk]), {
        "dispute_kind": "family", "risk_level": "medium", "found_on": TODAY().isoformat(), "request": "两兄弟分家不均",
        "applicant_name": "李四海", "applicant_phone": "13800138000", "respondent_name": "李四江",
        "mediator": world.worker.pk,
    })
    assert response.status_code == 302
    case = Case.objects.get(channel=Channel.GRID)
    assert case.kind == Case.Kind.DISPUTE and case.status == Status.REGISTERED
    page = client.get(response.url).content.decode()
    assert case.number in page and reverse("case_detail", args=[case.number]) in page
    assert DisputeRecord.objects.get().source_visit == visit


def test_a_dispute_form_with_a_bad_phone_changes_nothing(client, people, world):
    response = login(client, people["mediator"]).post(reverse("grid:visit_dispute", args=[world.visit.pk]), {
        "dispute_kind": "neighbour", "risk_level": "low", "found_on": TODAY().isoformat(), "request": "排水沟堵塞",
        "applicant_name": "张三丰", "applicant_phone": "12345",
    })
    assert response.status_code == 400 and "电话号码格式不正确" in response.content.decode()
    assert not Case.objects.exists() and not DisputeRecord.objects.exists()


@pytest.mark.parametrize("who,status", [("supervisor", 403), ("outsider", 404), ("handler", 403)])
def test_others_may_not_record_a_dispute_from_the_visit(client, people, world, who, status):
    response = login(client, people[who]).post(reverse("grid:visit_dispute", args=[world.visit.pk]), {})
    assert response.status_code == status and not Case.objects.exists()


def test_the_supervisor_may_not_record_visits(client, people, world):
    response = login(client, people["supervisor"]).post(reverse("grid:visit_new"), visit_post(world))
    assert response.status_code == 403 and HouseholdVisit.objects.count() == 1


def test_a_dispute_reported_otherwise_opens_its_case_page(client, people, org, world):
    response = login(client, people["clerk"]).post(reverse("grid:ledger_new"), {
        "village": org["village_b"].pk, "dispute_kind": "wages", "risk_level": "high", "found_on": TODAY().isoformat(),
        "request": "包工头拖欠三人工资", "applicant_name": "钱三",
    })
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("case_detail", args=[case.number])
    assert case.village == org["village_b"] and case.dispute_record.risk_level == "high"


# ---- the other forms ----

def test_households_are_added_and_edited_through_the_pages(client, people, world):
    login(client, people["mediator"])
    response = client.post(reverse("grid:household_new"), {
        "grid": world.grid.pk, "head_name": "赵六", "address": "东村1组8号", "members": 2,
    })
    household = Household.objects.get(head_name="赵六")
    assert response.status_code == 302 and response.url == reverse("grid:household_detail", args=[household.pk])
    response = client.post(reverse("grid:household_edit", args=[household.pk]), {
        "grid": world.grid.pk, "head_name": "赵六", "address": "东村1组8号", "members": 0,
    })
    assert response.status_code == 400 and Household.objects.get(pk=household.pk).members == 2
    client.post(reverse("grid:household_edit", args=[household.pk]), {
        "grid": world.grid.pk, "head_name": "赵六", "address": "东村1组8号", "members": 4,
    })
    household.refresh_from_db()
    assert household.members == 4 and not household.active  # the box left unticked: off the register


def test_a_visitor_is_registered_through_the_page(client, people, world):
    response = login(client, people["clerk"]).post(reverse("grid:visitor_new"), {
        "name": "何民警", "kind": "police", "phone": "13900000002", "grids": [world.grid.pk], "specialities": "治安",
    })
    assert response.status_code == 302
    assert Visitor.objects.get(name="何民警").grids.get() == world.grid
    page = client.get(reverse("grid:visitors")).content.decode()
    assert "何民警" in page and "民警" in page


def test_a_campaign_is_started_and_shows_its_figures(client, people, org, world):
    login(client, people["director"])
    response = client.post(
        reverse("grid:campaign_new"),
        {
            "name": "春节前大化解",
            "starts_on": TODAY().isoformat(),
            "ends_on": (TODAY() + dt.timedelta(days=30)).isoformat(),
            "villages": [org["village_a"].pk, org["village_b"].pk],
            "target_coverage": 95,
            "target_resolution": 90,
        },
    )
    campaign = Campaign.objects.get(name="春节前大化解")
    assert response.status_code == 302 and response.url == reverse("grid:campaign_detail", args=[campaign.pk])
    page = client.get(response.url).content.decode()
    assert "东村" in page and "西村" in page and "口径说明" in page and "33.3%" in page  # 1 of 3 households visited


def test_a_key_person_is_listed_visited_and_unlisted_through_the_pages(client, people, org, world):
    login(client, people["director"])
    response = client.post(reverse("grid:key_person_new"), {
        "village": org["village_a"].pk, "name": "钱老太", "group": "hardship", "reason": "独居、低保边缘",
        "interval_days": 15, "listed_on": (TODAY() - dt.timedelta(days=20)).isoformat(),
    })
    person = KeyPerson.objects.get(name="钱老太")
    assert response.status_code == 302
    assert "超期" in client.get(reverse("grid:key_people")).content.decode()
    login(client, people["mediator"])
    response = client.post(reverse("grid:key_person_visit", args=[person.pk]), {
        "visit-visited_on": TODAY().isoformat(), "visit-visitor": world.worker.pk, "visit-note": "身体尚可",
    })
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.next_visit_due == TODAY() + dt.timedelta(days=15)
    assert client.post(reverse("grid:key_person_unlist", args=[person.pk]), {"unlist-reason": "x"}).status_code == 403
    login(client, people["leader"])
    response = client.post(reverse("grid:key_person_unlist", args=[person.pk]), {"unlist-reason": ""})
    assert response.status_code == 400 and KeyPerson.objects.get(pk=person.pk).active
    response = client.post(reverse("grid:key_person_unlist", args=[person.pk]), {"unlist-reason": "已迁居外省"})
    assert response.status_code == 302 and not KeyPerson.objects.get(pk=person.pk).active


def test_coverage_page_per_village_and_per_grid(client, people, org, world):
    login(client, people["leader"])
    page = client.get(reverse("grid:coverage")).content.decode()
    assert "东村" in page and "33.3%" in page
    page = client.get(reverse("grid:coverage"), {"village": org["village_a"].pk}).content.decode()
    assert "东村第一网格" in page
    assert client.get(reverse("grid:coverage"), {"village": org["other_village"].pk}).status_code == 404
    assert client.get(reverse("grid:coverage"), {"start": "2026-12-01", "end": "2026-01-01"}).status_code == 200


def test_the_ledger_page_lists_in_a_fixed_number_of_queries(client, people, org, world):
    from jiefen.grid.actions import do_record_dispute

    login(client, people["leader"])

    def add(n):
        for i in range(n):
            do_record_dispute(people["clerk"], village=org["village_b"], dispute_kind="wages", risk_level="low",
                              request=f"拖欠工资{i}", parties=[{"name": f"工人{i}"}])

    add(2)
    client.get(reverse("grid:ledger"))  # the session's first request writes it once
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("grid:ledger")).status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("grid:ledger")).content.decode()
    assert len(many) == len(few)
    assert page.count("拖欠工资") == 10


WRITES = [
    ("grid:visit_new", None), ("grid:visit_dispute", "visit"), ("grid:household_new", None),
    ("grid:household_edit", "household"), ("grid:ledger_new", None), ("grid:visitor_new", None),
    ("grid:visitor_edit", "worker"), ("grid:campaign_new", None), ("grid:key_person_new", None),
    ("grid:key_person_visit", "key_person"), ("grid:key_person_unlist", "key_person"),
]


@pytest.mark.parametrize("name,arg", WRITES)
def test_no_write_is_taken_by_the_county_an_outsider_or_anonymously(client, people, world, name, arg):
    url = url_of(world, name, arg)
    before = AuditRecord.objects.count()
    response = client.post(url, {})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert login(client, people["supervisor"]).post(url, {}).status_code == 403
    status = login(client, people["outsider"]).post(url, {}).status_code
    # Another township's row is not found; roles outside a page's roles (the outsider is a clerk) are refused first.
    refused = name in ("grid:campaign_new", "grid:key_person_new", "grid:key_person_visit", "grid:key_person_unlist")
    assert status == (403 if refused else 404 if arg else 400)
    assert AuditRecord.objects.count() == before


def test_the_household_page_masks_the_phone(client, people, world):
    household = world.households[0]
    do_update_household(people["clerk"], household, head_name=household.head_name, address=household.address, members=3,
              phone="13912345678")
    page = login(client, people["mediator"]).get(reverse("grid:household_detail", args=[household.pk])).content
    assert "13912345678" not in page.decode() and "5678" in page.decode()
