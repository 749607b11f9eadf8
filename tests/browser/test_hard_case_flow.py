"""The "1211" walk-through in a real browser: a case is designated a hard case, its missing parts are filled on
the case page, closing is refused until they are complete, then it closes. And a leader's visit opens a case."""

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.cases.models import Case, Channel, Status
from jiefen.cases.steps import do_accept_case, do_assign_case, do_sign_for_case
from jiefen.leadership.models import DossierRequirement, HardCase, VisitCase

from ..factories import VALID_IDS, build_org, build_personas, register, reply_signed_off

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
@pytest.fixture
def world(transactional_db):
    org = build_org()
    return org, build_personas(org)


def replied_case(org, people):
    case = register(people["clerk"], village=org["village_a"], head_count=3,
                    request="要求镇政府解决东村三组土地征收补偿款分配不公问题")
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    reply_signed_off(people["handler"], case, outcome="explain", served_on=timezone.localdate(),
                     content="补偿款已按村民代表大会通过的方案分配，已逐户解释。")
    return case


def step(page, action):
    """Open a step of the case page and return its form."""
    page.click(f"#step-{action} summary")
    return page.locator(f"#step-{action} form")


def confirm(page, action):
    page.click(f"#step-{action} form button")
    page.wait_for_load_state()


def test_a_hard_case_is_designated_completed_and_closed(world, login_page, live_server, shoot):
    org, people = world
    case = replied_case(org, people)
    leader = login_page(people["leader"], viewport=PHONE)
    leader.goto(f"{live_server.url}/cases/{case.number}/")

    # 列为疑难积案: the section then lists the four parts and what is missing.
    step(leader, "designate_hard_case")
    leader.check("input[name=designate_hard_case-kind][value=backlog]")
    leader.fill("#id_designate_hard_case-reason", "信访人三年来多次到镇、到县反映，久拖未决")
    confirm(leader, "designate_hard_case")
    missing = leader.inner_text("#missing-parts")
    assert "工作专班" in missing and "包案领导：需两名，现有0名" in missing and "完整度0%" in missing
    shoot(leader, "hc-01-designated-phone")

    # 一个工作专班: the village secretary leads it, a "five elders" member helps.
    step(leader, "add_task_force_member")
    leader.select_option("#id_add_task_force_member-person", label="赵村干（东村）")
    leader.select_option("#id_add_task_force_member-role", label="组长")
    leader.fill("#id_add_task_force_member-duty", "牵头核实补偿款分配情况")
    confirm(leader, "add_task_force_member")
    step(leader, "add_task_force_member")
    leader.fill("#id_add_task_force_member-name", "钱老师（五老）")
    leader.fill("#id_add_task_force_member-duty", "做信访人思想工作")
    confirm(leader, "add_task_force_member")
    assert "钱老师（五老）" in leader.inner_text("#part-task-force")

    # 两名包案领导.
    for name in ("李书记", "张主任"):
        step(leader, "assign_owner")
        leader.select_option("#id_assign_owner-leader", label=name)
        confirm(leader, "assign_owner")
    assert "李书记" in leader.inner_text("#part-owners") and "张主任" in leader.inner_text("#part-owners")

    # 一套稳控措施, with the person answerable and a review date.
    step(leader, "add_measure")
    leader.fill("#id_add_measure-text", "重要节点前上门走访，掌握信访人动态")
    leader.select_option("#id_add_measure-person", label="赵村干（东村）")
    leader.fill("#id_add_measure-review_on", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    confirm(leader, "add_measure")

    # The dossier is still incomplete: closing is refused, saying what is missing.
    step(leader, "close")
    leader.check("input[name=close-resolved][value='1']")
    confirm(leader, "close")
    assert "不能办结" in leader.inner_text("#step-close form")
    assert Case.objects.get(pk=case.pk).status == Status.REPLIED
    shoot(leader, "hc-02-close-refused-phone")

    # 一套完整资料: one document uploaded, the rest filed on paper.
    requirements = list(DossierRequirement.objects.filter(active=True))
    for i, requirement in enumerate(requirements):
        form = step(leader, "provide_dossier_item")
        form.locator("select[name=provide_dossier_item-requirement]").select_option(label=requirement.name)
        if i == 0:
            form.locator("input[name=provide_dossier_item-file]").set_input_files(
                files=[{"name": "信访登记表.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
            )
        else:
            form.locator("input[name=provide_dossier_item-note]").fill("纸质件存档于档案室2026年第3卷")
        confirm(leader, "provide_dossier_item")
        if i == 3:
            shoot(leader, "hc-03-dossier-half-phone")
    assert leader.inner_text("#dossier-percent") == "100%"
    assert "已全部落实" in leader.inner_text("#missing-parts")
    shoot(leader, "hc-04-complete-phone")
    owners_page = login_page(people["director"])
    owners_page.goto(f"{live_server.url}/leadership/mine/")
    assert case.number in owners_page.inner_text("#my-cases") and "1211 已落实" in owners_page.inner_text("#my-cases")
    shoot(owners_page, "hc-05-director-mine")

    step(leader, "close")
    leader.check("input[name=close-resolved][value='1']")
    confirm(leader, "close")
    assert "已办结" in leader.inner_text(".case-head")
    shoot(leader, "hc-06-closed-phone")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and HardCase.objects.get(case=case).task_force.count() == 2


def test_a_leaders_visit_opens_a_case_in_one_step(world, login_page, live_server, shoot):
    org, people = world
    open_case = register(people["clerk"], village=org["village_a"], request="反映村道破损影响出行")
    from jiefen.leadership.steps import do_assign_owner

    do_assign_owner(people["director"], open_case, leader=people["leader"])
    leader = login_page(people["leader"], viewport=PHONE)
    leader.click("nav >> text=我的包案")
    assert open_case.number in leader.inner_text("#my-cases")
    shoot(leader, "visit-01-mine-phone")

    leader.click("text=记录下访")
    leader.select_option("#id_village", label="东村")
    leader.fill("#id_people_met", "东村两委干部、三组群众代表")
    leader.fill("#id_head_count", "9")
    leader.fill("#id_matters", "三组村民反映工地拖欠工资；村道破损问题再次提出")
    shoot(leader, "visit-02-form-phone")
    leader.click("#save-visit")
    leader.wait_for_url("**/leadership/visits/*/")

    leader.click("#open-case summary")
    leader.select_option("#id_case-category", label="劳动工资")
    leader.fill("#id_case-request", "要求工地老板结清拖欠的工资")
    leader.fill("#id_case-head_count", "2")
    leader.fill("#id_party-name", "陈大山")
    leader.fill("#id_party-id_number", VALID_IDS[0])
    shoot(leader, "visit-03-open-case-phone")
    leader.click("#submit-open-case")
    leader.wait_for_url("**/cases/*/")
    case = Case.objects.exclude(pk=open_case.pk).get()
    assert case.channel == Channel.VISIT and case.receiving_leader == people["leader"]
    assert "下访东村" in leader.inner_text("#leadership")

    leader.go_back()
    leader.reload()
    leader.click("#add-contact summary")
    leader.fill("#id_contact-number", open_case.number)
    leader.fill("#id_contact-note", "村道破损问题再次反映，群众情绪较大")
    leader.click("#submit-contact")
    leader.wait_for_url(f"**/cases/{open_case.number}/")
    assert VisitCase.objects.count() == 2
    leader.goto(f"{live_server.url}/leadership/visits/")
    shoot(leader, "visit-04-list-phone")
