"""Owning leaders (包案), leaders' visits (下访) and the "1211" hard-case mechanism, through the actions and HTTP."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import ActionError, do_case_action
from jiefen.cases.models import Case, Channel, Contact, Event, Status
from jiefen.cases.steps import (
    do_accept_case,
    do_assign_case,
    do_close_case,
    do_sign_for_case,
)
from jiefen.leadership.models import (
    CaseOwner,
    DossierRequirement,
    HardCase,
    LeaderVisit,
    StabilisationMeasure,
    TaskForceMember,
    VisitCase,
)
from jiefen.leadership.rules import missing_parts
from jiefen.leadership.steps import (
    do_add_measure,
    do_add_task_force_member,
    do_assign_owner,
    do_designate_hard_case,
    do_provide_dossier_item,
    do_remove_owner,
    do_review_measure,
)
from jiefen.leadership.visits import do_record_visit
from jiefen.org.models import Role

from .factories import VALID_IDS, person, register, reply_signed_off

TODAY = dt.date.today


def login(client, user):
    client.force_login(user)
    return client


def replied_case(org, people, **extra):
    """A petition handled by the village and answered: the step before 办结."""
    case = register(people["clerk"], village=org["village_a"], **extra)
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    reply_signed_off(people["handler"], case, expected_version=case.version, outcome="explain",
                  served_on=TODAY(), content="经核实，已向信访人解释说明。")
    return case


def designate(case, user, kind=HardCase.Kind.BACKLOG):
    do_designate_hard_case(user, case, expected_version=case.version, kind=kind, reason="重复信访三年，久拖未决")
    return case.hard_case


def complete_1211(case, people):
    """Everything a hard case needs to close: a task force, two owners, a measure, every dossier item."""
    do_add_task_force_member(people["leader"], case, person=people["handler"], role=TaskForceMember.Role.HEAD)
    do_assign_owner(people["leader"], case, leader=people["leader"])
    do_assign_owner(people["leader"], case, leader=people["director"])
    do_add_measure(people["leader"], case, text="每周走访一次", person=people["handler"], review_on=TODAY())
    for requirement in DossierRequirement.objects.filter(active=True):
        do_provide_dossier_item(people["leader"], case, requirement=requirement, note="纸质件存档于档案室第1卷")


def step_data(case, action, **fields):
    """The POST of a step's form on the case page, as the page renders it (with the version it showed)."""
    return {f"{action}-{name}": value for name, value in {"expected_version": case.version, **fields}.items()}


def counts(case):
    return Event.objects.filter(case=case).count(), AuditRecord.objects.filter(object_ref=case.number).count()


# ---- 包案: owning leaders ----

def test_a_leader_is_made_owner_with_one_event_and_one_audit_record(org, people):
    case = register(people["clerk"], village=org["village_a"])
    before = counts(case)
    do_assign_owner(people["director"], case, leader=people["leader"])
    owner = CaseOwner.objects.get(case=case)
    assert owner.leader == people["leader"] and owner.assigned_by == people["director"]
    assert counts(case) == (before[0] + 1, before[1] + 1)
    event = Event.objects.filter(case=case).last()
    assert event.kind == "assign_owner" and "李书记" in event.summary and not event.public
    assert AuditRecord.objects.filter(action="case.assign_owner", object_ref=case.number).exists()
    assert Case.objects.get(pk=case.pk).version == case.version  # an append: the version does not move


def test_only_the_centres_leadership_may_own_a_case_and_only_once(org, people):
    case = register(people["clerk"], village=org["village_a"])
    with pytest.raises(ActionError, match="领导班子"):
        do_assign_owner(people["leader"], case, leader=people["handler"])
    other_leader = person("other_leader", Role.LEADER, org["other_town"], "白书记")
    with pytest.raises(ActionError, match="本中心"):
        do_assign_owner(people["leader"], case, leader=other_leader)
    do_assign_owner(people["leader"], case, leader=people["leader"])
    with pytest.raises(ActionError, match="已是本案包案领导"):
        do_assign_owner(people["leader"], case, leader=people["leader"])
    assert CaseOwner.objects.filter(case=case).count() == 1


def test_an_owner_is_removed_with_a_reason(org, people):
    case = register(people["clerk"], village=org["village_a"])
    do_assign_owner(people["leader"], case, leader=people["leader"])
    with pytest.raises(ActionError, match="撤销理由"):
        do_remove_owner(people["director"], case, leader=people["leader"])
    do_remove_owner(people["director"], case, leader=people["leader"], reason="工作调整")
    assert not CaseOwner.objects.filter(case=case).exists()
    assert Event.objects.filter(case=case, kind="remove_owner", note="工作调整").exists()


def test_a_handler_may_not_make_owners_or_designate(org, people):
    case = replied_case(org, people)
    with pytest.raises(ActionError, match="无权"):
        do_assign_owner(people["handler"], case, leader=people["leader"])
    with pytest.raises(ActionError, match="无权"):
        do_designate_hard_case(people["handler"], case, expected_version=case.version, kind="backlog", reason="久拖")
    assert not HardCase.objects.exists() and not CaseOwner.objects.exists()


def test_owners_are_for_open_cases_only(org, people):
    case = replied_case(org, people)
    do_close_case(people["handler"], case, expected_version=case.version, resolved=True)
    with pytest.raises(ActionError, match="不能执行"):
        do_assign_owner(people["leader"], case, leader=people["leader"])


# ---- the owner's page ----

def test_the_leader_page_lists_only_the_leaders_own_cases(client, org, people):
    mine = register(people["clerk"], village=org["village_a"], request="要求解决宅基地审批问题")
    theirs = register(people["clerk"], village=org["village_b"], request="反映养猪场污水直排")
    unowned = register(people["clerk"], village=org["village_b"], request="要求公开征地补偿分配方案")
    do_assign_owner(people["director"], mine, leader=people["leader"])
    do_assign_owner(people["director"], theirs, leader=people["director"])
    response = login(client, people["leader"]).get(reverse("leadership:mine"))
    page = response.content.decode()
    assert response.status_code == 200
    assert mine.number in page and theirs.number not in page and unowned.number not in page
    # Registered and not yet decided: it waits for the owner's decision, with its acceptance clock.
    assert "待决定是否受理" in page and "受理告知期限" in page
    assert [row["number"] for row in response.context["rows"]] == [mine.number]


def test_the_leader_page_shows_hard_cases_missing_parts_and_measures_due(client, org, people):
    case = replied_case(org, people)
    designate(case, people["leader"])
    do_assign_owner(people["leader"], case, leader=people["leader"])
    do_add_measure(people["leader"], case, text="每周走访一次", person=people["handler"], review_on=TODAY())
    page = login(client, people["leader"]).get(reverse("leadership:mine")).content.decode()
    assert "“1211”未落实" in page and "工作专班：尚未确定专班成员" in page and "包案领导：需两名，现有1名" in page
    assert "稳控措施待回访" in page and "每周走访一次" in page


def test_the_leader_page_answers_in_a_fixed_number_of_queries(client, org, people):
    def queries_with(n):
        for i in range(n):
            case = replied_case(org, people, request=f"事项{i}")
            do_assign_owner(people["leader"], case, leader=people["leader"])
            if i % 2:
                designate(case, people["leader"])
                do_add_measure(people["leader"], case, text="走访", person=people["handler"], review_on=TODAY())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("leadership:mine")).status_code == 200
        return len(queries)

    login(client, people["leader"])
    assert queries_with(2) == queries_with(4)


@pytest.mark.parametrize("who, status", [("handler", 403), ("clerk", 403), ("supervisor", 403), ("director", 200)])
def test_the_leader_page_is_for_the_leadership(client, people, who, status):
    assert login(client, people[who]).get(reverse("leadership:mine")).status_code == status


def test_the_leader_page_needs_a_login(client, db):
    response = client.get(reverse("leadership:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---- "1211" hard cases ----

def test_designating_a_hard_case_moves_the_version_and_is_not_public(org, people):
    case = register(people["clerk"], village=org["village_a"])
    version = case.version
    hard_case = designate(case, people["director"], kind=HardCase.Kind.DIFFICULT)
    assert hard_case.kind == "difficult" and hard_case.designated_by == people["director"]
    assert Case.objects.get(pk=case.pk).version == version + 1
    event = Event.objects.get(case=case, kind="designate_hard_case")
    assert not event.public and "疑难复杂" in event.summary
    with pytest.raises(ActionError, match="已列为"):
        do_designate_hard_case(people["leader"], case, expected_version=case.version, kind="backlog", reason="再列")


def test_parts_of_a_hard_case_need_the_designation_first(org, people):
    case = register(people["clerk"], village=org["village_a"])
    with pytest.raises(ActionError, match="尚未列为疑难积案"):
        do_add_task_force_member(people["leader"], case, name="王老师")
    assert missing_parts(case) == []  # not a hard case: nothing is missing


def test_a_hard_case_refuses_to_close_until_all_four_parts_are_there(org, people):
    case = replied_case(org, people)
    designate(case, people["leader"])

    def refused(*expected):
        with pytest.raises(ActionError) as error:
            do_close_case(people["leader"], case, expected_version=case.version, resolved=True)
        for text in expected:
            assert text in error.value.message
        assert Case.objects.get(pk=case.pk).status == Status.REPLIED

    refused("不能办结", "工作专班", "包案领导：需两名，现有0名", "稳控措施", "完整资料：完整度0%", "信访登记表")
    do_add_task_force_member(people["leader"], case, name="王老师", role=TaskForceMember.Role.MEMBER, duty="做思想工作")
    do_assign_owner(people["leader"], case, leader=people["leader"])
    assert missing_parts(case)[0] == "包案领导：需两名，现有1名"
    do_assign_owner(people["leader"], case, leader=people["director"])
    do_add_measure(people["leader"], case, text="节假日前上门走访", person_name="东村村支书", review_on=TODAY())
    requirements = list(DossierRequirement.objects.filter(active=True))
    for requirement in requirements[:-1]:
        do_provide_dossier_item(people["handler"], case, requirement=requirement, note="纸质件已归档")
    percent = (len(requirements) - 1) * 100 // len(requirements)
    assert missing_parts(case) == [f"完整资料：完整度{percent}%，缺{requirements[-1].name}"]
    refused(requirements[-1].name)
    do_provide_dossier_item(
        people["handler"], case, requirement=requirements[-1], file=SimpleUploadedFile("终结.pdf", b"%PDF-1.4"),
    )
    assert missing_parts(case) == []
    do_close_case(people["leader"], case, expected_version=case.version, resolved=True)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    assert case.documents.filter(title=requirements[-1].name).exists()


def test_a_removed_owner_makes_the_hard_case_incomplete_again(org, people):
    case = replied_case(org, people)
    designate(case, people["leader"])
    complete_1211(case, people)
    assert missing_parts(case) == []
    do_remove_owner(people["leader"], case, leader=people["director"], reason="回避")
    assert missing_parts(case) == ["包案领导：需两名，现有1名"]


def test_dossier_completeness_counts_only_active_requirements(org, people):
    case = replied_case(org, people)
    designate(case, people["leader"])
    complete_1211(case, people)
    DossierRequirement.objects.create(name="专家论证意见", sort=999)
    assert missing_parts(case)[0].startswith("完整资料：") and "专家论证意见" in missing_parts(case)[0]
    DossierRequirement.objects.filter(name="专家论证意见").update(active=False)
    assert missing_parts(case) == []


def test_a_dossier_file_is_checked_by_content_and_a_refused_one_leaves_nothing(org, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = replied_case(org, people)
    designate(case, people["leader"])
    requirement = DossierRequirement.objects.first()
    events = case.events.count()
    disguised = SimpleUploadedFile("信访登记表.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ActionError, match="文件类型不符合要求"):
        do_provide_dossier_item(people["leader"], case, requirement=requirement, file=disguised)
    assert case.events.count() == events and not case.documents.exists() and not any(tmp_path.rglob("*.*"))
    do_provide_dossier_item(
        people["leader"], case, requirement=requirement, file=SimpleUploadedFile("../../登记表.pdf", b"%PDF-1.4 x")
    )
    doc = case.documents.get()
    assert doc.original_name == "登记表.pdf" and ".." not in doc.file.name and "登记表" not in doc.file.name


def test_a_dossier_document_must_be_of_this_case_and_something_must_be_given(org, people):
    case = replied_case(org, people)
    other = register(people["clerk"], village=org["village_a"], request="另一事项")
    do_case_action(
        people["leader"], other, "document", title="照片", file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 scan")
    )
    designate(case, people["leader"])
    requirement = DossierRequirement.objects.first()
    with pytest.raises(ActionError, match="本案"):
        do_provide_dossier_item(people["leader"], case, requirement=requirement, document=other.documents.get())
    with pytest.raises(ActionError, match="存放位置"):
        do_provide_dossier_item(people["leader"], case, requirement=requirement)


def test_a_measure_needs_a_person_and_a_review_date_and_is_reviewed(org, people):
    case = replied_case(org, people)
    designate(case, people["leader"])
    with pytest.raises(ActionError, match="责任人"):
        do_add_measure(people["leader"], case, text="稳控", review_on=TODAY())
    with pytest.raises(ActionError, match="回访日期"):
        do_add_measure(people["leader"], case, text="稳控", person=people["handler"])
    do_add_measure(people["leader"], case, text="稳控", person=people["handler"], review_on=TODAY())
    measure = StabilisationMeasure.objects.get()
    with pytest.raises(ActionError, match="下次回访日期"):
        do_review_measure(people["leader"], case, measure=measure, note="情绪稳定")
    later = TODAY() + dt.timedelta(days=7)
    do_review_measure(people["leader"], case, measure=measure, note="情绪稳定", next_review_on=later)
    assert StabilisationMeasure.objects.get().review_on == later
    do_review_measure(people["leader"], case, measure=measure, note="已息诉", done=True)
    measure.refresh_from_db()
    assert measure.done and measure.done_on == TODAY()


def test_each_leadership_action_writes_exactly_one_event_and_one_audit_record(org, people):
    case = replied_case(org, people)
    requirement = DossierRequirement.objects.first()
    steps = [
        ("assign_owner", {"leader": people["leader"]}),
        ("designate_hard_case", {"expected_version": None, "kind": "backlog", "reason": "久拖未决"}),
        ("add_task_force_member", {"person": people["handler"], "role": TaskForceMember.Role.HEAD}),
        ("add_measure", {"text": "走访", "person": people["handler"], "review_on": TODAY()}),
        ("review_measure", {"measure": None, "note": "稳定", "next_review_on": TODAY() + dt.timedelta(days=3)}),
        ("provide_dossier_item", {"requirement": requirement, "note": "已归档"}),
        ("remove_owner", {"leader": people["leader"], "reason": "调整"}),
    ]
    for action, fields in steps:
        if "expected_version" in fields:
            fields["expected_version"] = case.version
        if action == "review_measure":
            fields["measure"] = StabilisationMeasure.objects.get()
        events, audits = counts(case)
        do_case_action(people["leader"], case, action, **fields)
        assert counts(case) == (events + 1, audits + 1), action
        assert Event.objects.filter(case=case).last().kind == action
        assert AuditRecord.objects.filter(object_ref=case.number).first().action == f"case.{action}"


# ---- the case page ----

def test_the_case_page_shows_what_a_hard_case_is_missing(client, org, people):
    case = replied_case(org, people)
    designate(case, people["leader"])
    do_assign_owner(people["leader"], case, leader=people["leader"])
    page = login(client, people["leader"]).get(reverse("case_detail", args=[case.number])).content.decode()
    assert "包案与化解" in page and "办结前须补齐" in page and "包案领导：需两名，现有1名" in page
    assert 'id="step-add_task_force_member"' in page and 'id="step-designate_hard_case"' not in page
    assert 'id="dossier-percent">0%' in page


def test_an_ordinary_case_page_offers_ownership_and_designation_only(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    page = login(client, people["leader"]).get(reverse("case_detail", args=[case.number])).content.decode()
    assert 'id="step-assign_owner"' in page and 'id="step-designate_hard_case"' in page
    assert 'id="step-add_measure"' not in page and 'id="step-remove_owner"' not in page


def test_the_steps_are_taken_through_the_case_page(client, org, people):
    case = replied_case(org, people)
    login(client, people["leader"])

    def post(action, **fields):
        case.refresh_from_db()
        return client.post(reverse("case_act", args=[case.number, action]), step_data(case, action, **fields))

    response = post("designate_hard_case", kind="backlog", reason="重复信访")
    assert response.status_code == 302 and HardCase.objects.filter(case=case).exists()
    response = post("close", resolved="1")
    assert response.status_code == 400 and "不能办结" in response.content.decode()
    response = post("assign_owner", leader=people["director"].pk)
    assert response.status_code == 302 and CaseOwner.objects.filter(case=case, leader=people["director"]).exists()
    response = post("add_measure", text="每周电话回访", person_name="村调解员", review_on=TODAY().isoformat())
    assert response.status_code == 302 and StabilisationMeasure.objects.filter(person_name="村调解员").exists()
    requirement = DossierRequirement.objects.first()
    response = post(
        "provide_dossier_item", requirement=requirement.pk, file=SimpleUploadedFile("登记表.pdf", b"%PDF-1.4")
    )
    assert response.status_code == 302 and case.documents.filter(title=requirement.name).exists()


def test_a_step_refused_on_the_case_page_shows_its_form_again(client, org, people):
    case = replied_case(org, people)
    designate(case, people["leader"])
    response = login(client, people["leader"]).post(
        reverse("case_act", args=[case.number, "add_task_force_member"]),
        step_data(case, "add_task_force_member", role="3"),
    )
    page = response.content.decode()
    assert response.status_code == 400 and "请选择工作人员或填写成员姓名" in page
    assert '<details class="step" id="step-add_task_force_member" open>' in page
    assert not TaskForceMember.objects.exists()


def test_case_page_permissions_for_the_leadership_steps(client, org, people):
    case = replied_case(org, people)
    data = step_data(case, "designate_hard_case", kind="backlog", reason="久拖")
    url = reverse("case_act", args=[case.number, "designate_hard_case"])
    assert client.post(url, data).status_code == 302  # anonymous: to the login page
    assert login(client, people["outsider"]).post(url, data).status_code == 404
    assert login(client, people["supervisor"]).post(url, data).status_code == 403
    response = login(client, people["handler"]).post(url, data)
    assert response.status_code == 400 and "无权" in response.content.decode()
    assert not HardCase.objects.exists()
    # The supervisor reads the section without any step.
    page = login(client, people["supervisor"]).get(reverse("case_detail", args=[case.number])).content.decode()
    assert "包案与化解" in page and "step-assign_owner" not in page


# ---- leaders' visits (下访) ----

def visit_post(org, people, **overrides):
    data = {
        "leader": people["leader"].pk,
        "visited_on": TODAY().isoformat(),
        "village": org["village_a"].pk,
        "people_met": "东村两委干部、群众代表8人",
        "head_count": "8",
        "matters": "反映村道破损、灌溉渠堵塞、工资拖欠",
    }
    data.update(overrides)
    return data


def make_visit(org, people, day=None):
    return do_record_visit(
        people["leader"], leader=people["leader"], visited_on=day or TODAY(), village=org["village_a"],
        people_met="东村村民", head_count=3, matters="工资拖欠",
    )


def test_a_leader_records_a_visit(client, org, people):
    response = login(client, people["leader"]).post(reverse("leadership:visit_new"), visit_post(org, people))
    visit = LeaderVisit.objects.get()
    assert response.status_code == 302 and response.url == reverse("leadership:visit_detail", args=[visit.pk])
    assert visit.centre == org["town"] and visit.head_count == 8 and visit.recorded_by == people["leader"]
    assert AuditRecord.objects.filter(action="visit.record").count() == 1


def test_a_visit_is_not_dated_in_the_future_nor_to_another_townships_village(client, org, people):
    login(client, people["leader"])
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("leadership:visit_new"), visit_post(org, people, visited_on=tomorrow))
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    response = client.post(reverse("leadership:visit_new"), visit_post(org, people, village=org["other_village"].pk))
    assert response.status_code == 400
    assert not LeaderVisit.objects.exists()


def test_a_matter_heard_on_a_visit_opens_a_case_in_one_step(client, org, people):
    visit = make_visit(org, people, day=TODAY() - dt.timedelta(days=2))
    from jiefen.cases.models import Category

    response = login(client, people["leader"]).post(
        reverse("leadership:visit_open_case", args=[visit.pk]),
        {
            "case-kind": "petition",
            "case-legal_class": "claim",
            "case-category": Category.objects.get(name="劳动工资").pk,
            "case-request": "要求结清拖欠的工资",
            "case-facts": "",
            "case-head_count": "2",
            "party-role": "petitioner",
            "party-name": "陈大山",
            "party-id_number": VALID_IDS[0],
            "party-phone": "13800138000",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("case_detail", args=[case.number])
    assert case.channel == Channel.VISIT and case.receiving_leader == people["leader"]
    assert case.village == org["village_a"]
    assert timezone.localtime(case.received_at).date() == visit.visited_on and case.person_times == 2
    assert VisitCase.objects.get(visit=visit).case == case
    assert counts(case) == (1, 1)  # the register event and its audit record
    page = client.get(reverse("leadership:visit_detail", args=[visit.pk])).content.decode()
    assert case.number in page


def test_a_matter_heard_again_on_a_visit_is_a_contact_on_the_existing_case(client, org, people):
    case = register(people["clerk"], village=org["village_a"])
    visit = make_visit(org, people)
    before = counts(case)
    response = login(client, people["leader"]).post(reverse("leadership:visit_contact", args=[visit.pk]), {
        "contact-number": case.number, "contact-head_count": "3", "contact-note": "再次反映工资未付",
    })
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.contact_count == 2 and case.person_times == 4
    contact = Contact.objects.filter(case=case).last()
    assert contact.receiving_leader == people["leader"] and "下访东村" in contact.note
    assert VisitCase.objects.get(visit=visit, kind=VisitCase.Kind.CONTACT).case == case
    assert counts(case) == (before[0] + 1, before[1] + 1)


def test_a_contact_on_a_case_out_of_scope_is_refused(client, org, people):
    elsewhere = register(people["outsider"], request="白水镇的事项")
    visit = make_visit(org, people)
    response = login(client, people["leader"]).post(reverse("leadership:visit_contact", args=[visit.pk]), {
        "contact-number": elsewhere.number, "contact-head_count": "1", "contact-note": "问",
    })
    assert response.status_code == 400 and "不存在或不在您的办理范围内" in response.content.decode()
    assert not VisitCase.objects.exists()


def test_visit_pages_permissions(client, org, people):
    visit = make_visit(org, people)
    detail = reverse("leadership:visit_detail", args=[visit.pk])
    contact = reverse("leadership:visit_contact", args=[visit.pk])
    assert client.get(detail).status_code == 302  # anonymous
    assert login(client, people["outsider"]).get(detail).status_code == 404
    assert login(client, people["handler"]).get(detail).status_code == 403  # handlers never see visits: policy
    assert login(client, people["handler"]).get(reverse("leadership:visits")).status_code == 403
    login(client, people["supervisor"])
    assert client.get(detail).status_code == 200 and client.get(reverse("leadership:visits")).status_code == 200
    assert client.post(contact, {"contact-number": "x"}).status_code == 403
    assert client.get(reverse("leadership:visit_new")).status_code == 403
    assert login(client, people["clerk"]).get(reverse("leadership:visit_new")).status_code == 200


def test_deleting_a_case_takes_its_hard_case_and_dossier_along(org, people):
    # The demo's --reset deletes cases: a dossier item protects its document, but not from its own case's deletion.
    case = replied_case(org, people)
    designate(case, people["leader"])
    do_provide_dossier_item(people["leader"], case, requirement=DossierRequirement.objects.first(),
                            file=SimpleUploadedFile("表.pdf", b"%PDF-1.4"))
    Case.objects.filter(pk=case.pk).delete()
    assert not HardCase.objects.exists()
