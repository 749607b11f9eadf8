"""The pages over HTTP: desk, list, case page and steps, with every persona."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, Category, Contact, LegalClass, Party, Status
from jiefen.cases.steps import do_accept_case, do_assign_case, do_draft_reply, do_sign_for_case, do_sign_off

from .factories import VALID_IDS, register


def login(client, user):
    client.force_login(user)
    return client


def intake_post(org, **overrides):
    data = {
        "channel": "visit", "kind": "petition", "legal_class": "claim",
        "category": Category.objects.get(name="劳动工资").pk, "village": org["village_a"].pk,
        "head_count": "1", "request": "要求结清2025年拖欠的工资", "facts": "在镇上工地务工三个月",
        "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "1", "party-MAX_NUM_FORMS": "20",
        "party-0-role": "petitioner", "party-0-name": "陈大山", "party-0-id_number": VALID_IDS[0],
        "party-0-phone": "13800138000", "party-0-address": "东村1组",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", ["home", "desk", "case_list"])
def test_pages_require_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_role_lands_on_its_own_home(client, people):
    assert login(client, people["clerk"]).get("/").url == reverse("desk")
    assert login(client, people["handler"]).get("/").url.startswith(reverse("case_list"))
    response = login(client, people["leader"]).get("/")
    assert response.status_code == 200 and "待决定" in response.content.decode()


def test_the_clerk_registers_a_group_visit(client, org, people):
    login(client, people["clerk"])
    data = intake_post(org, **{"head_count": "6", "party-TOTAL_FORMS": "2", "party-1-role": "representative",
                                 "party-1-name": "林小河", "party-1-id_number": VALID_IDS[1]})
    response = client.post(reverse("desk"), data)
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("case_detail", args=[case.number])
    assert case.is_group and case.person_times == 6 and case.parties.count() == 2
    assert AuditRecord.objects.filter(action="case.register", object_ref=case.number).exists()


def test_a_group_of_seven_visitors_without_representatives_is_refused_at_the_desk(client, org, people):
    login(client, people["clerk"])
    response = client.post(reverse("desk"), intake_post(org, head_count="7"))
    assert response.status_code == 400 and Case.objects.count() == 0
    assert "7人走访提出共同的信访事项，应当推选代表" in response.content.decode()


def test_a_wrong_check_digit_is_refused_and_nothing_is_saved(client, org, people):
    login(client, people["clerk"])
    response = client.post(reverse("desk"), intake_post(org, **{"party-0-id_number": "110105194912310021"}))
    assert response.status_code == 400
    assert "身份证号校验位不正确" in response.content.decode()
    assert Case.objects.count() == 0 and Party.objects.count() == 0


def test_more_than_five_representatives_are_refused(client, org, people):
    login(client, people["clerk"])
    data = intake_post(org, **{"head_count": "30", "party-TOTAL_FORMS": "7"})
    for i in range(1, 7):
        data.update({f"party-{i}-role": "representative", f"party-{i}-name": f"代表{i}"})
    response = client.post(reverse("desk"), data)
    assert response.status_code == 400 and "代表不得超过5人" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_repeat_visitor_is_shown_the_open_case_before_a_new_one(client, org, people):
    first = register(people["clerk"], village=org["village_a"])
    login(client, people["clerk"])
    response = client.post(reverse("desk"), intake_post(org))
    assert response.status_code == 200 and first.number in response.content.decode()
    assert Case.objects.count() == 1
    response = client.post(reverse("desk"), intake_post(org, confirm_new="True"))
    assert response.status_code == 302 and Case.objects.count() == 2


def test_the_desk_check_finds_open_cases_by_phone(client, org, people):
    first = register(people["clerk"], village=org["village_a"])
    login(client, people["clerk"])
    response = client.post(reverse("desk_check"), {"party-0-phone": "13800138000"}, HTTP_HX_REQUEST="true")
    assert first.number in response.content.decode()
    response = client.post(reverse("desk_check"), {"party-0-phone": "13900000000"}, HTTP_HX_REQUEST="true")
    assert first.number not in response.content.decode()


def test_a_repeat_found_at_the_desk_is_recorded_on_the_case_with_the_contacts_own_channel(client, org, people):
    """The person came in as a visit; now they call. The desk's warning offers 在此案登记来电, and the case page opens
    its contact form with 来电 and the head count already chosen (issue 13, point 3)."""
    first = register(people["clerk"], village=org["village_a"])
    login(client, people["clerk"])
    response = client.post(reverse("desk_check"), {"party-0-phone": "13800138000", "channel": "call",
                                                   "head_count": "2"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    link = f'/cases/{first.number}/?channel=call&amp;head_count=2#step-contact'
    assert link in page and "在此案登记来电" in page
    page = client.get(f"/cases/{first.number}/", {"channel": "call", "head_count": "2"}).content.decode()
    assert '<details class="step" id="step-contact" open>' in page
    assert '<option value="call" selected>' in page and 'name="contact-head_count" value="2"' in page
    bogus = client.get(f"/cases/{first.number}/", {"channel": "pigeon"}).content.decode()
    assert 'id="step-contact" open' not in bogus


def test_a_later_visit_adds_person_times_to_the_same_case(client, org, people):
    case = register(people["clerk"], village=org["village_a"], head_count=2)
    login(client, people["clerk"])
    response = client.post(
        reverse("case_act", args=[case.number, "contact"]),
        {"contact-channel": "visit", "contact-head_count": "3", "contact-expected_version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.contact_count, case.person_times, Contact.objects.filter(case=case).count()) == (2, 5, 2)
    assert Case.objects.count() == 1


def test_handlers_see_only_their_units_cases(client, org, people):
    mine = register(people["clerk"], village=org["village_a"], request="东村鱼塘承包纠纷")
    do_accept_case(people["leader"], mine, expected_version=mine.version)
    do_assign_case(people["leader"], mine, expected_version=mine.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], mine, expected_version=mine.version)
    other = register(people["clerk"], village=org["village_b"], request="西村宅基地纠纷")
    login(client, people["handler"])
    body = client.get(reverse("case_list")).content.decode()
    assert mine.number in body and other.number not in body
    assert client.get(reverse("case_detail", args=[other.number])).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "other_handler", "mediator"])
def test_outsiders_get_404(client, org, people, persona):
    case = register(people["clerk"], village=org["village_b"])  # the mediator's grid is in 东村, the case in 西村
    assert login(client, people[persona]).get(reverse("case_detail", args=[case.number])).status_code == 404


def test_the_case_page_masks_id_numbers_and_phones(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    body = login(client, people["clerk"]).get(reverse("case_detail", args=[case.number])).content.decode()
    assert VALID_IDS[0] not in body and "13800138000" not in body
    assert "110***********002X" in body and "138****8000" in body


def test_the_supervisor_reads_but_cannot_act(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    login(client, people["supervisor"])
    response = client.get(reverse("case_detail", args=[case.number]))
    assert response.status_code == 200 and "确认受理" not in response.content.decode()
    response = client.post(reverse("case_act", args=[case.number, "accept"]), {"accept-expected_version": case.version})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_the_leader_accepts_from_the_case_page(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    login(client, people["leader"])
    response = client.post(reverse("case_act", args=[case.number, "accept"]), {"accept-expected_version": case.version})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_a_stale_form_is_told_the_case_changed(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    old_version = case.version
    do_accept_case(people["director"], case, expected_version=case.version)
    login(client, people["leader"])
    response = client.post(
        reverse("case_act", args=[case.number, "not_accept"]),
        {"not_accept-expected_version": old_version, "not_accept-reason": "x", "not_accept-lawful_channel": "诉讼"},
        follow=True,
    )
    assert "已被他人更新" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_an_illegal_step_is_refused_with_a_message(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    login(client, people["leader"])
    response = client.post(reverse("case_act", args=[case.number, "close"]),
                           {"close-expected_version": case.version, "close-resolved": "1"})
    assert response.status_code == 409 and "不能执行" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_a_handler_is_told_they_may_not_accept(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    login(client, people["handler"])
    served = {"reply-expected_version": case.version, "reply-service_method": "direct",
              "reply-served_on": timezone.localdate().isoformat()}
    # Drafted but not signed off: the 处理意见书 is not served.
    do_draft_reply(people["handler"], case, expected_version=case.version, outcome="support", content="支持")
    served["reply-expected_version"] = case.version
    response = client.post(reverse("case_act", args=[case.number, "reply"]), served)
    assert response.status_code == 409 and "尚未审签" in response.content.decode()
    do_sign_off(people["leader"], case, expected_version=case.version, approved=True)
    served.update({"reply-expected_version": case.version,
                   "reply-served_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()})
    response = client.post(reverse("case_act", args=[case.number, "reply"]), served)
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.IN_HANDLING


def test_the_accused_unit_never_sees_the_accusation(client, org, people):
    case = register(people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION,
                    accused_unit=org["land_office"], request="举报自然资源所违规审批")
    do_accept_case(people["leader"], case, expected_version=case.version)
    login(client, people["leader"])
    response = client.post(reverse("case_act", args=[case.number, "assign"]),
                           {"assign-expected_version": case.version, "assign-unit": org["land_office"].pk})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).responsible_unit is None
    login(client, people["land_handler"])
    assert client.get(reverse("case_detail", args=[case.number])).status_code == 404
    assert case.number not in client.get(reverse("case_list") + "?q=举报").content.decode()


def test_the_list_searches_two_character_words_and_filters(client, org, people):
    wages = register(people["clerk"], village=org["village_a"], request="要求支付拖欠工资")
    pond = register(people["clerk"], village=org["village_b"], request="鱼塘承包合同到期后的补偿",
                    category=Category.objects.get(name="山林水利"))
    login(client, people["clerk"])
    body = client.get(reverse("case_list") + "?q=工资").content.decode()
    assert wages.number in body and pond.number not in body
    body = client.get(reverse("case_list") + "?q=鱼塘").content.decode()
    assert pond.number in body and wages.number not in body
    body = client.get(reverse("case_list") + f"?village={org['village_b'].pk}").content.decode()
    assert pond.number in body and wages.number not in body


def test_the_list_flags_overdue_cases(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    Case.objects.filter(pk=case.pk).update(next_due_on=timezone.localdate() - dt.timedelta(days=1))
    body = login(client, people["clerk"]).get(reverse("case_list") + "?flag=overdue").content.decode()
    assert case.number in body and "超期" in body


def test_list_query_count_does_not_depend_on_page_size(client, org, people, settings):
    for i in range(12):
        register(people["clerk"], village=org["village_a"], request=f"第{i}件工资诉求")
    login(client, people["clerk"])
    counts = []
    for size in (5, 10):
        settings.CASES_PER_PAGE = size
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("case_list")).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_the_receipt_shows_number_and_query_code(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    body = login(client, people["clerk"]).get(reverse("case_receipt", args=[case.number])).content.decode()
    assert case.number in body and case.query_code in body


def test_a_county_wide_list_caps_its_total(client, org, people, monkeypatch):
    from jiefen.cases import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    for i in range(5):
        register(people["clerk"], village=org["village_a"], request=f"第{i}件诉求")
    body = login(client, people["supervisor"]).get(reverse("case_list")).content.decode()
    assert "共 3+ 件" in body
    body = login(client, people["clerk"]).get(reverse("case_list")).content.decode()
    assert "共 5 件" in body


def test_the_county_filters_by_township(client, org, people):
    ours = register(people["clerk"], village=org["village_a"])
    theirs = register(people["outsider"], village=org["other_village"])
    login(client, people["supervisor"])
    body = client.get(reverse("case_list")).content.decode()
    assert ours.number in body and theirs.number in body and 'name="village"' not in body
    body = client.get(reverse("case_list"), {"centre": org["other_town"].pk}).content.decode()
    assert theirs.number in body and ours.number not in body


def test_a_common_word_finds_the_same_cases_by_either_plan(client, org, people, monkeypatch):
    from jiefen.cases import search

    wages = [register(people["clerk"], village=org["village_a"], request=f"第{i}次反映拖欠工资") for i in range(4)]
    register(people["clerk"], village=org["village_b"], request="鱼塘承包合同纠纷",
             category=Category.objects.get(name="山林水利"))
    login(client, people["clerk"])
    rare = client.get(reverse("case_list"), {"q": "工资"}).content.decode()
    monkeypatch.setattr(search, "COMMON_WORD_HITS", 1)
    common = client.get(reverse("case_list"), {"q": "工资"}).content.decode()
    for case in wages:
        assert case.number in rare and case.number in common
    assert "共 4 件" in rare and "共 4 件" in common


def test_a_superscript_head_count_in_the_contact_preset_is_ignored_not_a_crash(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    login(client, people["clerk"])
    page = client.get(f"/cases/{case.number}/", {"channel": "call", "head_count": "²"})
    assert page.status_code == 200 and '<option value="call" selected>' in page.content.decode()
