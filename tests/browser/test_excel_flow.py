"""Excel import and mediation in a real browser: the director uploads a bad file and sees the per-row report come
in on the progress page, then a good one; a mediator on a phone records a session and an agreement, prints the
agreement and follows it up."""

import io

import pytest
from openpyxl import Workbook

from jiefen.cases.models import Case, Category, Party
from jiefen.cases.steps import do_accept_case, do_assign_case, do_sign_for_case
from jiefen.excel.actions import run_queued_imports
from jiefen.excel.models import ImportJob
from jiefen.grid.models import Household, Visitor

from ..factories import VALID_IDS, build_org, build_personas, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
HEADER = ["村（社区）", "网格", "户主姓名", "住址", "家庭人口", "联系电话"]


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = build_org()
    return org, build_personas(org)


def xlsx(rows):
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return {"name": "东村住户.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": out.getvalue()}


def upload(page, live_server, rows):
    page.goto(f"{live_server.url}/excel/")
    page.check("input[name=kind][value=households]")
    page.set_input_files("input[name=file]", files=[xlsx(rows)])
    page.click("button:has-text('上传并检查')")
    page.wait_for_url("**/excel/jobs/*/")


def test_an_import_is_checked_reported_and_then_taken_in(world, browser, login_page, live_server, shoot):
    _org, people = world
    director = login_page(people["director"])
    director.goto(f"{live_server.url}/excel/")
    director.click("details.layout >> nth=0 >> summary")
    shoot(director, "excel-01-import-page")

    bad = [["东村", "东村第一网格", "陈大山", "东村1组1号", 4, "13800138000"],
           ["东村", "东村第一网格", "李小河", "东村1组2号", "三口", "12345"]]
    upload(director, live_server, bad)
    assert "排队中" in director.inner_text("#job-status")
    shoot(director, "excel-02-queued")
    assert run_queued_imports() == 1  # the worker's round
    director.wait_for_selector("table.error-report")  # the page polls the job until it is finished
    report = director.inner_text("#job-status")
    assert "未导入" in report and "第3行" in report and "“三口”不是整数" in report and "电话号码格式不正确" in report
    assert not Household.objects.exists()
    shoot(director, "excel-03-rejected-with-report")

    upload(director, live_server, bad[:1] + [["东村", "东村第一网格", "李小河", "东村1组2号", 3, ""]])
    run_queued_imports()
    director.wait_for_selector("text=已导入2行")
    assert Household.objects.count() == 2 and ImportJob.objects.filter(status="done").count() == 1
    shoot(director, "excel-04-done")

    phone = login_page(people["director"], viewport=PHONE)
    phone.goto(f"{live_server.url}/excel/jobs/{ImportJob.objects.get(status='rejected').pk}/")
    shoot(phone, "excel-05-report-phone")
    phone.goto(f"{live_server.url}/excel/")
    shoot(phone, "excel-06-import-page-phone")


def test_a_mediator_records_a_session_and_an_agreement_on_a_phone(world, browser, login_page, live_server, shoot):
    org, people = world
    Visitor.objects.create(centre=org["town"], name="刘调解", kind=Visitor.Kind.MEDIATOR)
    case = register(
        people["clerk"],
        village=org["village_a"],
        kind=Case.Kind.DISPUTE,
        category=Category.objects.get(name="邻里纠纷"),
        request="邻居院墙越界，要求拆除并赔偿",
        facts="李小河新砌院墙越过宅基地界线约一米。",
        parties=[{"name": "陈大山", "id_number": VALID_IDS[0]}, {"name": "李小河", "role": Party.Role.RESPONDENT}],
    )
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)

    page = login_page(people["mediator"], viewport=PHONE)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.click("#step-mediation_session summary")
    page.fill("input[name=mediation_session-place]", "东村调解室")
    page.check("#step-mediation_session label:has-text('刘调解') input")
    page.check("#step-mediation_session label:has-text('陈大山') input")
    page.check("#step-mediation_session label:has-text('李小河') input")
    page.fill("textarea[name=mediation_session-minutes]", "双方陈述意见，同意拆墙并赔偿。")
    shoot(page, "mediation-01-session-form-phone")
    page.click("#step-mediation_session button")
    page.wait_for_selector("#mediation")
    assert "到场当事人 陈大山、李小河" in page.inner_text("#mediation")

    page.click("#step-agree summary")
    page.fill("textarea[name=agree-terms]", "李小河拆除越界院墙一米，赔偿陈大山八百元。")
    page.fill("textarea[name=agree-performance]", "2026年12月31日前一次性支付。")
    page.click("#step-agree button")
    page.wait_for_selector("text=调解协议书（PDF）")
    assert page.locator("#mediation a[href$='/notice/agreement.pdf']").count() == 1
    shoot(page, "mediation-02-agreed-phone")

    page.click("#step-agreement_follow_up summary")
    page.check("input[name=agreement_follow_up-result][value=broken]")
    page.fill("textarea[name=agreement_follow_up-note]", "赔偿款尚未支付，已约定下周再回访。")
    page.click("#step-agreement_follow_up button")
    page.wait_for_selector("#mediation .flag.overdue")
    shoot(page, "mediation-03-follow-up-phone")
    page.goto(f"{live_server.url}/cases/?status=")
    assert "协议未履行" in page.inner_text("#case-table")
    shoot(page, "mediation-04-list-flag-phone")
