"""Excel in and out: imports checked whole (all rows or none, with a per-row report in Chinese) and the exports a
township reports upward, read back with openpyxl."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import ActionError
from jiefen.cases.models import Case, Party
from jiefen.excel.actions import do_submit_import, run_import, run_queued_imports
from jiefen.excel.models import ImportJob
from jiefen.grid.models import DisputeRecord, Household, HouseholdVisit, Visitor

from .factories import VALID_IDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOUSEHOLD_HEADER = ["村（社区）", "网格", "户主姓名", "住址", "家庭人口", "联系电话"]
VISIT_HEADER = ["户主姓名", "住址", "走访日期", "走访人", "走访情况", "情况记录"]
LEDGER_HEADER = [
    "排查日期",
    "村（社区）",
    "纠纷类型",
    "风险等级",
    "当事人",
    "身份证号",
    "对方当事人",
    "纠纷简要情况",
    "责任调解员",
]
TODAY = timezone.localdate()
DAY = TODAY - dt.timedelta(days=3)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def workbook(header, rows, *, above=()):
    book = Workbook()
    sheet = book.active
    for row in above:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content, name="data.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def imported(user, kind, header, rows, **kwargs):
    job = do_submit_import(user, kind=kind, file=upload(workbook(header, rows, **kwargs)))
    return run_import(job)


def table_counts():
    """Rows of every table of the project's own apps (import jobs and audit records apart)."""
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in ("sessions", "admin", "contenttypes", "auth"):
            continue
        if model in (ImportJob, AuditRecord):
            continue
        counts[model._meta.label] = model.objects.count()
    return counts


@pytest.fixture
def grid(org):
    return org["grid_a"]


@pytest.fixture
def visitor(org):
    return Visitor.objects.create(centre=org["town"], name="周网格", kind=Visitor.Kind.GRID_WORKER, phone="13900000001")


@pytest.fixture
def mediator_visitor(org):
    return Visitor.objects.create(centre=org["town"], name="刘调解", kind=Visitor.Kind.MEDIATOR, phone="13900000002")


def households(org, n):
    grid = org["grid_a"]
    Household.objects.bulk_create(
        Household(grid=grid, village=org["village_a"], centre=org["town"], head_name=f"户主{i}", address=f"东村{i}号")
        for i in range(n)
    )


# --- households ---------------------------------------------------------------------------------------------------


def test_a_good_household_file_imports_every_row_with_one_audit_record(org, people):
    rows = [["东村", "东村第一网格", "陈大山", "东村1组1号", 4, "13800138000"],
            ["东村", "东村第一网格", "李小河", "东村1组2号", "3", None]]
    job = imported(people["director"], "households", HOUSEHOLD_HEADER, rows)
    assert job.status == "done" and job.written_rows == 2 and job.errors == []
    chen = Household.objects.get(head_name="陈大山")
    assert (chen.grid, chen.village, chen.centre, chen.members, chen.phone) == (
        org["grid_a"], org["village_a"], org["town"], 4, "13800138000")
    audit = AuditRecord.objects.get(action="import.households")
    assert audit.result == "ok" and audit.details["rows"] == 2 and audit.actor == people["director"]


def test_wrong_columns_reject_the_file_at_once_naming_them(org, people):
    before = table_counts()
    job = imported(
        people["clerk"],
        "households",
        ["村", "网格", "姓名", "住址", "人口数"],
        [["东村", "东村第一网格", "陈", "1号", 2]],
    )
    assert job.status == "rejected"
    assert "缺少列：户主姓名、家庭人口" in job.message and "无法识别的列：姓名、人口数" in job.message
    assert table_counts() == before
    assert AuditRecord.objects.get(action="import.households").result == "rejected"


def test_a_file_without_any_grid_column_is_rejected(org, people):
    job = imported(people["clerk"], "households", ["户主姓名", "住址", "家庭人口"], [["陈", "1号", 2]])
    assert job.status == "rejected" and "须有 网格编码；或网格" in job.message


def test_bad_rows_are_reported_row_by_row_and_nothing_is_written(org, people):
    rows = [
        ["东村", "东村第一网格", "陈大山", "东村1组1号", 4, "13800138000"],
        ["东村", "不存在的网格", "李小河", "东村1组2号", 3, None],
        ["东村", "东村第一网格", "", "东村1组3号", 0, "12345"],
        ["东村", "东村第一网格", "陈大山", "东村1组1号", 4, None],
    ]
    before = table_counts()
    job = imported(people["clerk"], "households", HOUSEHOLD_HEADER, rows)
    assert job.status == "rejected" and table_counts() == before
    report = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert report[(3, "网格")] == "东村没有名为“不存在的网格”的网格"
    assert report[(4, "户主姓名")] == "请填写户主姓名"
    assert report[(4, "家庭人口")] == "应在1到99之间"
    assert "电话号码格式不正确" in report[(4, "联系电话")]
    assert report[(5, "户主姓名")] == "与第2行重复"
    assert job.error_count == 5 and "发现5处错误，整个文件未导入" in job.message


def test_a_household_already_on_the_register_is_reported_and_the_file_rejected(org, people):
    households(org, 1)
    job = imported(
        people["clerk"], "households", HOUSEHOLD_HEADER, [["东村", "东村第一网格", "户主0", "东村0号", 2, ""]]
    )
    assert job.status == "rejected"
    assert job.errors == [{"row": 2, "column": "户主姓名", "message": "该户已在本网格登记（户主和住址相同）"}]


def test_ten_thousand_rows_with_one_bad_row_are_rejected_with_its_row_number(org, people):
    rows = [["东村", "东村第一网格", f"户主{i}", f"东村{i}号", 3, ""] for i in range(10000)]
    rows[6789][4] = "三口"
    before = table_counts()
    job = imported(people["clerk"], "households", HOUSEHOLD_HEADER, rows)
    assert job.status == "rejected" and job.total_rows == 10000 and job.processed_rows == 10000
    assert job.errors == [{"row": 6791, "column": "家庭人口", "message": "“三口”不是整数"}]
    assert table_counts() == before


# --- visitors -------------------------------------------------------------------------------------------------------


def test_visitors_import_with_their_kind_and_grids(org, people):
    header = ["姓名", "类别", "联系电话", "负责网格", "擅长领域"]
    rows = [
        ["刘调解", "人民调解员", "13900139000", "东村第一网格", "土地纠纷、婚姻家庭"],
        ["王五老", "五老", "", "", ""],
    ]
    job = imported(people["leader"], "visitors", header, rows)
    assert job.status == "done" and job.written_rows == 2
    liu = Visitor.objects.get(name="刘调解")
    assert liu.kind == Visitor.Kind.MEDIATOR and list(liu.grids.all()) == [org["grid_a"]]
    assert liu.specialities == "土地纠纷、婚姻家庭" and liu.centre == org["town"]


def test_a_visitor_of_an_unknown_kind_is_reported(org, people):
    job = imported(people["leader"], "visitors", ["姓名", "类别"], [["刘调解", "调解大师"]])
    assert job.status == "rejected"
    assert job.errors[0]["column"] == "类别" and "类别“调解大师”无效，应为：民警、网格员" in job.errors[0]["message"]


# --- household visits -------------------------------------------------------------------------------------------------


def test_household_visits_import_onto_their_households(org, people, visitor):
    households(org, 3)
    rows = [
        ["户主0", "东村0号", DAY, "周网格", "未发现问题", ""],
        ["户主1", "东村1号", DAY.isoformat(), "周网格", "发现隐患", "院墙开裂"],
    ]
    job = imported(people["clerk"], "visits", VISIT_HEADER, rows)
    assert job.status == "done" and job.written_rows == 2
    visit = HouseholdVisit.objects.get(household__head_name="户主1")
    assert (visit.visited_on, visit.visitor, visit.finding, visit.note) == (DAY, visitor, "concern", "院墙开裂")
    assert (visit.grid, visit.village, visit.centre, visit.recorded_by) == (
        org["grid_a"],
        org["village_a"],
        org["town"],
        people["clerk"],
    )


def test_a_visit_to_an_unknown_household_or_by_an_unknown_visitor_is_reported(org, people, visitor):
    households(org, 1)
    rows = [
        ["户主9", "东村9号", DAY, "周网格", "未发现问题", ""],
        ["户主0", "东村0号", TODAY + dt.timedelta(days=1), "赵某", "未发现问题", ""],
    ]
    before = table_counts()
    job = imported(people["clerk"], "visits", VISIT_HEADER, rows)
    assert job.status == "rejected" and table_counts() == before
    report = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "没有找到户主为“户主9”、住址为“东村9号”的在册住户" in report[(2, "户主姓名")]
    assert report[(3, "走访日期")] == "走访日期不能晚于今天"
    assert "走访人“赵某”不在本中心排查调解人员名册中" in report[(3, "走访人")]


# --- the ledger ------------------------------------------------------------------------------------------------------


def ledger_row(name="陈大山", id_number=VALID_IDS[1], **over):
    row = dict(
        zip(LEDGER_HEADER, [DAY, "东村", "邻里纠纷", "中", name, id_number, "李小河", "两户因排水沟发生争执", "刘调解"])
    )
    row.update(over)
    return [row[c] for c in LEDGER_HEADER]


def test_ledger_rows_become_dispute_cases_with_both_sides(org, people, mediator_visitor):
    job = imported(
        people["clerk"], "ledger", LEDGER_HEADER, [ledger_row(), ledger_row("王二", VALID_IDS[2], 纠纷类型="婚姻家庭")]
    )
    assert job.status == "done" and job.written_rows == 2
    entry = DisputeRecord.objects.get(case__parties__name="陈大山")
    case = entry.case
    assert (case.kind, case.channel, case.village, case.status) == (
        Case.Kind.DISPUTE,
        "grid",
        org["village_a"],
        "registered",
    )
    assert (entry.dispute_kind, entry.risk_level, entry.mediator, entry.found_on) == (
        "neighbour",
        "medium",
        mediator_visitor,
        DAY,
    )
    parties = [(p.role, p.name, p.id_number) for p in case.parties.order_by("id")]
    assert parties == [(Party.Role.PETITIONER, "陈大山", VALID_IDS[1]), (Party.Role.RESPONDENT, "李小河", "")]
    assert AuditRecord.objects.get(action="import.ledger").details["rows"] == 2


def test_a_bad_id_number_rejects_the_ledger_file(org, people, mediator_visitor):
    bad = VALID_IDS[1][:-1] + ("0" if VALID_IDS[1][-1] != "0" else "1")
    before = table_counts()
    job = imported(people["clerk"], "ledger", LEDGER_HEADER, [ledger_row(), ledger_row("王二", bad)])
    assert job.status == "rejected" and table_counts() == before
    assert job.errors == [{"row": 3, "column": "身份证号", "message": "身份证号校验位不正确，请核对后重新输入"}]


def test_ten_thousand_ledger_rows_with_one_bad_id_are_rejected_and_nothing_is_registered(org, people, mediator_visitor):
    rows = [ledger_row(f"当事人{i}", "") for i in range(10000)]
    rows[4999] = ledger_row("王二", "11010519491231002")
    before = table_counts()
    job = imported(people["clerk"], "ledger", LEDGER_HEADER, rows)
    assert job.status == "rejected" and table_counts() == before
    assert job.errors == [{"row": 5001, "column": "身份证号", "message": "身份证号应为18位"}]


def test_a_ledger_row_already_on_the_ledger_is_reported(org, people, mediator_visitor):
    assert imported(people["clerk"], "ledger", LEDGER_HEADER, [ledger_row()]).status == "done"
    before = table_counts()
    job = imported(people["clerk"], "ledger", LEDGER_HEADER, [ledger_row()])
    assert job.status == "rejected" and table_counts() == before
    assert job.errors[0]["message"] == "台账中已有这条纠纷（排查日期、村、纠纷类型和当事人相同）"


# --- submitting and the worker ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["handler", "mediator", "supervisor"])
def test_only_centre_roles_may_import(org, people, who):
    with pytest.raises(ActionError, match="只有中心的接待员、领导和主任可以导入数据"):
        do_submit_import(people[who], kind="households", file=upload(workbook(HOUSEHOLD_HEADER, [])))
    assert not ImportJob.objects.exists()


def test_a_file_that_is_not_xlsx_is_refused_at_upload(org, people):
    with pytest.raises(ActionError, match="只能导入 .xlsx"):
        do_submit_import(people["clerk"], kind="households", file=upload(b"a,b", name="data.csv"))
    with pytest.raises(ActionError, match="不是有效的 .xlsx 文件"):
        do_submit_import(people["clerk"], kind="households", file=upload(b"not a zip"))


def test_the_worker_runs_queued_jobs_once_each(org, people):
    job = do_submit_import(
        people["clerk"],
        kind="households",
        file=upload(workbook(HOUSEHOLD_HEADER, [["东村", "东村第一网格", "陈", "1号", 2, ""]])),
    )
    assert job.status == "queued"
    assert run_queued_imports() == 1 and run_queued_imports() == 0
    job.refresh_from_db()
    assert job.status == "done" and Household.objects.count() == 1


# --- exports --------------------------------------------------------------------------------------------------------


def read(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).worksheets[0]


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_ledger_export_has_the_township_layout(client, org, people, mediator_visitor):
    imported(people["clerk"], "ledger", LEDGER_HEADER, [ledger_row()])
    client.force_login(people["director"])
    response = client.get("/excel/export/ledger.xlsx", {"start": DAY.isoformat(), "end": TODAY.isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = values(read(response))
    assert rows[0][0] == "青山镇矛盾纠纷排查化解台账"
    assert rows[1][0] == "填报单位：青山镇"
    assert rows[1][3] == f"统计期间：{DAY.year}年{DAY.month}月{DAY.day}日至{TODAY.year}年{TODAY.month}月{TODAY.day}日"
    assert rows[2][:8] == ["序号", "案件编号", "排查日期", "村（社区）", "纠纷类型", "风险等级", "当事人", "身份证号"]
    case = Case.objects.get()
    assert rows[3][:8] == [
        1,
        case.number,
        dt.datetime.combine(DAY, dt.time()),
        "东村",
        "邻里纠纷",
        "中",
        "陈大山",
        VALID_IDS[1],
    ]
    assert rows[3][9:13] == ["李小河", "两户因排水沟发生争执", "刘调解", "已登记"]
    audit = AuditRecord.objects.get(action="export.ledger")
    assert audit.actor == people["director"] and audit.details["rows"] == 1


def test_export_then_reimport_of_the_ledger_gives_the_same_rows(client, org, people, mediator_visitor):
    rows = [ledger_row(), ledger_row("王二", VALID_IDS[2], 纠纷类型="婚姻家庭", 风险等级="高", 对方当事人="王三、王四"),
            ledger_row("赵六", "", 责任调解员="", 对方当事人="")]
    assert imported(people["clerk"], "ledger", LEDGER_HEADER, rows).status == "done"
    client.force_login(people["director"])
    first = client.get("/excel/export/ledger.xlsx")
    content = b"".join(first.streaming_content)
    exported = values(load_workbook(io.BytesIO(content)).worksheets[0])
    # Start again from an empty ledger and take the exported file back in as it is.
    Case.objects.filter(kind=Case.Kind.DISPUTE).delete()
    job = run_import(do_submit_import(people["clerk"], kind="ledger", file=upload(content)))
    assert job.status == "done" and job.written_rows == 3
    again = values(read(client.get("/excel/export/ledger.xlsx")))
    without_numbers = lambda rows: [r[:1] + r[2:] for r in rows[2:]]
    assert without_numbers(again) == without_numbers(exported) and len(again) == 6


def test_the_visit_log_export_lists_each_visit_of_the_period(client, org, people, visitor):
    households(org, 2)
    imported(
        people["clerk"],
        "visits",
        VISIT_HEADER,
        [
            ["户主0", "东村0号", DAY, "周网格", "发现隐患", "院墙开裂"],
            ["户主1", "东村1号", DAY - dt.timedelta(days=400), "周网格", "未发现问题", ""],
        ],
    )
    client.force_login(people["mediator"])  # a grid worker: their grid
    response = client.get("/excel/export/visits.xlsx", {"start": (DAY - dt.timedelta(days=30)).isoformat()})
    rows = values(read(response))
    assert rows[0][0] == "东村第一网格入户走访情况登记表" and rows[1][0] == "填报单位：东村第一网格"
    assert rows[2] == [
        "序号",
        "走访日期",
        "村（社区）",
        "网格",
        "户主姓名",
        "住址",
        "走访人",
        "走访情况",
        "情况记录",
        "案件编号",
    ]
    assert rows[3][:9] == [
        1,
        dt.datetime.combine(DAY, dt.time()),
        "东村",
        "东村第一网格",
        "户主0",
        "东村0号",
        "周网格",
        "发现隐患",
        "院墙开裂",
    ]
    assert len(rows) == 4
    assert AuditRecord.objects.get(action="export.visits").details["rows"] == 1


def test_exports_follow_the_users_scope(client, org, people):
    client.force_login(people["outsider"])
    assert client.get("/excel/export/ledger.xlsx", {"unit": org["town"].pk}).status_code == 404
    client.force_login(people["mediator"])
    assert client.get("/excel/export/ledger.xlsx", {"unit": org["village_b"].pk}).status_code == 404
    assert client.get("/excel/export/ledger.xlsx", {"unit": org["village_a"].pk}).status_code == 200
    client.force_login(people["supervisor"])
    assert client.get("/excel/export/visits.xlsx", {"unit": org["town"].pk}).status_code == 200
    client.force_login(people["land_handler"])
    assert client.get("/excel/export/visits.xlsx").status_code == 403


def test_a_bad_period_is_refused_with_a_message(client, org, people):
    client.force_login(people["director"])
    response = client.get("/excel/export/ledger.xlsx", {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.content.decode()
    response = client.get("/excel/export/ledger.xlsx", {"start": "去年"})
    assert response.status_code == 400 and "有效的日期" in response.content.decode()


def test_a_template_reimports_as_an_empty_file_with_the_right_header(client, org, people):
    client.force_login(people["clerk"])
    for kind in ImportJob.Kind.values:
        response = client.get(f"/excel/template/{kind}.xlsx")
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        job = run_import(do_submit_import(people["clerk"], kind=kind, file=upload(content)))
        assert job.message == "文件中没有数据行", kind


# --- pages ----------------------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, org):
    for url in [
        "/excel/",
        "/excel/jobs/1/",
        "/excel/export/ledger.xlsx",
        "/excel/export/visits.xlsx",
        "/excel/template/households.xlsx",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_the_import_page_shows_the_columns_and_templates_to_those_who_may_import(client, org, people):
    client.force_login(people["clerk"])
    page = client.get("/excel/").content.decode()
    assert "上传并检查" in page and "户主姓名" in page and "/excel/template/ledger.xlsx" in page
    client.force_login(people["mediator"])
    response = client.get("/excel/")
    assert response.status_code == 200 and "上传并检查" not in response.content.decode()
    assert "导出走访记录" in response.content.decode()


@pytest.mark.parametrize("who, status", [("supervisor", 403), ("mediator", 403), ("handler", 403)])
def test_uploading_is_refused_to_roles_that_may_not_import(client, org, people, who, status):
    client.force_login(people[who])
    response = client.post("/excel/import/", {"kind": "households", "file": upload(workbook(HOUSEHOLD_HEADER, []))})
    assert response.status_code == status and not ImportJob.objects.exists()


def test_uploading_queues_a_job_and_shows_its_page(client, org, people):
    client.force_login(people["clerk"])
    content = workbook(HOUSEHOLD_HEADER, [["东村", "东村第一网格", "陈大山", "1号", 2, ""]])
    response = client.post("/excel/import/", {"kind": "households", "file": upload(content)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/excel/jobs/{job.pk}/"
    page = client.get(f"/excel/jobs/{job.pk}/").content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    assert AuditRecord.objects.get(action="import.submit").actor == people["clerk"]


def test_a_bad_upload_is_shown_again_with_the_message(client, org, people):
    client.force_login(people["clerk"])
    response = client.post("/excel/import/", {"kind": "households", "file": upload(b"x", name="a.xls")})
    assert response.status_code == 400 and "只能导入 .xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_progress_fragment_shows_the_report_of_a_rejected_job(client, org, people):
    job = imported(people["clerk"], "households", HOUSEHOLD_HEADER, [["东村", "东村第一网格", "陈", "1号", "多", ""]])
    client.force_login(people["director"])
    fragment = client.get(f"/excel/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<section class="card job-status"') and "hx-trigger" not in fragment
    assert (
        "第2行" in fragment
        and "家庭人口" in fragment
        and "“多”不是整数" in fragment
        and "数据库未做任何改动" in fragment
    )


def test_the_progress_bar_follows_a_running_job(client, org, people):
    job = do_submit_import(people["clerk"], kind="households", file=upload(workbook(HOUSEHOLD_HEADER, [])))
    ImportJob.objects.filter(pk=job.pk).update(status="running", total_rows=200, processed_rows=50)
    client.force_login(people["clerk"])
    fragment = client.get(f"/excel/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "50 / 200 行（25%）" in fragment and 'value="25"' in fragment and 'hx-trigger="every 1s"' in fragment


def test_a_done_job_shows_its_summary(client, org, people):
    job = imported(people["clerk"], "households", HOUSEHOLD_HEADER, [["东村", "东村第一网格", "陈", "1号", 2, ""]])
    client.force_login(people["clerk"])
    page = client.get(f"/excel/jobs/{job.pk}/").content.decode()
    assert "已导入1行" in page and 'hx-trigger="every 1s"' not in page


def test_outsiders_get_404_for_a_job(client, org, people):
    job = do_submit_import(people["clerk"], kind="households", file=upload(workbook(HOUSEHOLD_HEADER, [])))
    client.force_login(people["outsider"])
    assert client.get(f"/excel/jobs/{job.pk}/").status_code == 404
    for who in ["mediator", "handler"]:  # roles that never see import jobs: refused by the access policy
        client.force_login(people[who])
        assert client.get(f"/excel/jobs/{job.pk}/").status_code == 403, who
    client.force_login(people["supervisor"])
    assert client.get(f"/excel/jobs/{job.pk}/").status_code == 200


# --- the benchmark --------------------------------------------------------------------------------------------------


def test_the_import_benchmark_runs_at_a_small_size(org, people):
    out = io.StringIO()
    call_command("bench_import", rows=300, stdout=out)
    text = out.getvalue()
    assert "导入 300 行" in text and "峰值内存" in text and "目标" in text
    assert not HouseholdVisit.objects.exists()  # the benchmark cleans up after itself


# --- reading workbooks ------------------------------------------------------------------------------------------------


def test_an_id_number_saved_as_a_number_is_reported_as_such(org, people, mediator_visitor):
    row = ledger_row()
    row[LEDGER_HEADER.index("身份证号")] = 110105194912310020
    job = imported(people["clerk"], "ledger", LEDGER_HEADER, [row])
    assert job.status == "rejected" and "被Excel当作数字保存" in job.errors[0]["message"]


def test_the_reader_takes_shared_strings_dates_and_gaps_as_excel_writes_them():
    """Excel (unlike openpyxl) stores text as shared strings; rows it leaves out still count."""
    import zipfile

    from jiefen.excel.sheet import SheetRows

    book = Workbook()
    sheet = book.active
    sheet.append(["户主姓名", 3, dt.date(2026, 3, 5), None, True])
    sheet["B4"] = "第四行"
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b't="inlineStr"><is><t>\xe6\x88\xb7\xe4\xb8\xbb\xe5\xa7\x93\xe5\x90\x8d</t></is>', b't="s"><v>0</v>'
                )
                data = data.replace('t="inlineStr"><is><t>第四行</t></is>'.encode(), b't="s"><v>1</v>')
            target.writestr(name, data)
        target.writestr("xl/sharedStrings.xml", (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
            "<si><t>户主姓名</t></si><si><r><t>第四</t></r><r><t>行</t></r><rPh><t>ダイ</t></rPh></si></sst>"
        ).encode())
    out.seek(0)
    with SheetRows(out) as rows:
        assert list(rows) == [("户主姓名", 3, dt.datetime(2026, 3, 5), None, True), (), (), (None, "第四行")]
        assert rows.max_row == 4


def test_a_file_that_is_not_a_workbook_inside_is_rejected_with_a_message(org, people):
    import zipfile

    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    job = run_import(do_submit_import(people["clerk"], kind="households", file=upload(content.getvalue())))
    assert job.status == "rejected" and "无法读取该文件" in job.message


def test_the_county_supervisor_exports_the_ledger_with_id_numbers_masked(client, org, people, mediator_visitor):
    imported(people["clerk"], "ledger", LEDGER_HEADER, [ledger_row()])
    client.force_login(people["supervisor"])
    rows = values(read(client.get("/excel/export/ledger.xlsx", {"unit": org["town"].pk})))
    assert rows[3][6:9] == ["陈大山", "330***********3456", None] and rows[0][0] == "青山镇矛盾纠纷排查化解台账"
    assert AuditRecord.objects.get(action="export.ledger").details["personal_data"] is False


def test_the_county_supervisor_may_export_any_village_of_the_county_by_id(client, org, people):
    client.force_login(people["supervisor"])
    assert client.get("/excel/export/visits.xlsx", {"unit": org["other_village"].pk}).status_code == 200
    assert client.get("/excel/export/ledger.xlsx", {"unit": org["grid_a"].pk}).status_code == 404
    page = client.get("/excel/").content.decode()
    assert "青山县" in page and "白水镇" in page and "上传并检查" not in page
