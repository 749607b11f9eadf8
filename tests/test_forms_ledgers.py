"""表单台账: the standard forms and ledgers as .xlsx and PDF, read back with openpyxl and pypdf; their masking, the
one audit record of an unmasked export, who may open them, bad periods, and large exports as jobs."""

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Channel, Event, LegalClass
from jiefen.cases.steps import do_accept_case, do_assign_case
from jiefen.excel import forms_ledgers
from jiefen.excel.models import ExportJob

from .factories import VALID_IDS, register

FULL_ID, MASKED_ID = VALID_IDS[0], "110***********002X"
FULL_PHONE, MASKED_PHONE = "13800138000", "138****8000"


def sheet_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() or "" for page in reader.pages)


def exports_of(user):
    return list(AuditRecord.objects.filter(actor=user, action="data.export").order_by("id"))


@pytest.fixture
def cases(people, org):
    clerk, leader = people["clerk"], people["leader"]
    visit = register(clerk, village=org["village_a"], receiving_leader=leader, request="要求解决拖欠工资问题")
    letter = register(clerk, village=org["village_b"], channel=Channel.LETTER, request="来信反映鱼塘承包纠纷",
                      parties=[{"name": "林小河", "id_number": VALID_IDS[1], "phone": "13900139000"}])
    return {"visit": visit, "letter": letter}


# 信访事项办理台账 -----------------------------------------------------------------------------------------------------


def test_the_case_ledger_xlsx_lists_the_cases_masked(client, people, cases):
    client.force_login(people["clerk"])
    response = client.get(reverse("excel:export_cases"), {"format": "xlsx"})
    assert response.status_code == 200
    rows = sheet_rows(response)
    assert rows[0][0] == "青山镇信访事项办理台账"
    assert rows[2][:3] == ["序号", "案件编号", "登记日期"]
    body = rows[3:]
    assert {row[1] for row in body} == {cases["visit"].number, cases["letter"].number}
    flat = " ".join(str(v) for row in body for v in row)
    assert MASKED_ID in flat and MASKED_PHONE in flat
    assert FULL_ID not in flat and FULL_PHONE not in flat
    [audit] = exports_of(people["clerk"])
    assert audit.details["count"] == 2 and audit.details["personal_data"] is False


def test_the_case_ledger_follows_the_case_lists_filters(client, people, org, cases):
    client.force_login(people["clerk"])
    response = client.get(reverse("excel:export_cases"), {"village": org["village_b"].pk, "format": "xlsx"})
    rows = sheet_rows(response)
    assert [row[1] for row in rows[3:]] == [cases["letter"].number]
    assert "村（社区）：西村" in rows[1][3]
    [audit] = exports_of(people["clerk"])
    assert audit.details["filters"] == {"village": org["village_b"].pk}


def test_a_keyword_is_audited_as_a_keyword_not_as_what_was_typed(client, people, cases):
    client.force_login(people["clerk"])
    client.get(reverse("excel:export_cases"), {"q": "13800138000", "format": "xlsx"})
    [audit] = exports_of(people["clerk"])
    assert audit.details["filters"] == {"q": True}
    assert "13800138000" not in str(audit.details)


def test_an_unmasked_export_writes_one_audit_record_without_the_values(client, people, cases):
    client.force_login(people["clerk"])
    response = client.get(reverse("excel:export_cases"), {"format": "xlsx", "reveal": "1"})
    flat = " ".join(str(v) for row in sheet_rows(response)[3:] for v in row)
    assert FULL_ID in flat and FULL_PHONE in flat
    [audit] = exports_of(people["clerk"])
    assert audit.details["personal_data"] is True and audit.details["revealed_rows"] == 2
    assert FULL_ID not in str(audit.details) and FULL_PHONE not in str(audit.details)


def test_the_supervisor_gets_masked_values_even_when_asking(client, people, cases):
    client.force_login(people["supervisor"])
    response = client.get(reverse("excel:export_cases"), {"format": "xlsx", "reveal": "1"})
    flat = " ".join(str(v) for row in sheet_rows(response)[3:] for v in row)
    assert MASKED_ID in flat and FULL_ID not in flat
    [audit] = exports_of(people["supervisor"])
    assert audit.details["personal_data"] is False


def test_the_case_ledger_pdf_reads_back_masked(client, people, cases):
    client.force_login(people["leader"])
    response = client.get(reverse("excel:export_cases"), {"format": "pdf", "status": "open"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "信访事项办理台账" in text and "状态：未办结" in text and "共2条" in text
    assert cases["visit"].number in text and MASKED_ID in text and FULL_ID not in text


def test_the_case_ledger_pdf_says_when_it_lists_only_the_first_rows(client, people, cases, monkeypatch):
    monkeypatch.setattr(forms_ledgers, "PDF_MAX_ROWS", 1)
    client.force_login(people["clerk"])
    text = pdf_text(client.get(reverse("excel:export_cases"), {"format": "pdf"}))
    assert "共2条，本表仅列出前1条" in text


def test_the_xlsx_export_reads_in_a_fixed_number_of_queries(client, people, org):
    client.force_login(people["clerk"])

    def queries_for(n):
        for _i in range(n):
            register(people["clerk"], village=org["village_a"])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("excel:export_cases"), {"format": "xlsx"})
        assert len(sheet_rows(response)) == 3 + n_total[0] + n
        n_total[0] += n
        return len(captured)

    n_total = [0]
    assert queries_for(2) == queries_for(15)


def test_a_bad_filter_is_refused_with_a_message_not_exported_whole(client, people, cases):
    client.force_login(people["clerk"])
    response = client.get(reverse("excel:export_cases"), {"date_from": "2026-02-30", "format": "xlsx"})
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()
    assert exports_of(people["clerk"]) == []


def test_the_accused_side_never_finds_the_accusation_in_the_ledger(client, people, org):
    accuser = {"name": "秘检举", "id_number": VALID_IDS[3], "phone": "13912345678", "address": "东村保密组"}
    case = register(people["clerk"], legal_class=LegalClass.ACCUSATION, accused_unit=org["village_a"],
                    village=org["village_a"], parties=[accuser])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["land_office"])
    client.force_login(people["handler"])  # staff of the accused village
    for fmt in ("xlsx", "pdf"):
        response = client.get(reverse("excel:export_cases"), {"format": fmt})
        text = pdf_text(response) if fmt == "pdf" else str(sheet_rows(response))
        assert case.number not in text and "秘检举" not in text and "13912345678" not in text
    client.force_login(people["land_handler"])  # the unit handling it sees the case, masked
    text = str(sheet_rows(client.get(reverse("excel:export_cases"), {"format": "xlsx"})))
    assert "秘检举" in text and VALID_IDS[3] not in text


# Large exports: a job with its progress -------------------------------------------------------------------------------


def test_a_large_export_runs_as_a_job_with_progress_and_a_download(client, people, cases, monkeypatch):
    monkeypatch.setattr(forms_ledgers, "SYNC_ROWS", 1)
    client.force_login(people["clerk"])
    response = client.get(reverse("excel:export_cases"), {"format": "xlsx", "status": "open"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("excel:export_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and reverse("excel:export_job_run", args=[job.pk]) in page
    assert client.post(reverse("excel:export_job_run", args=[job.pk])).status_code == 204
    job.refresh_from_db()
    assert job.status == "done" and job.total_rows == job.processed_rows == 2
    status = client.get(reverse("excel:export_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "已导出2行" in status and "hx-trigger" not in status  # finished: the polling stops
    rows = sheet_rows(client.get(reverse("excel:export_job_file", args=[job.pk])))
    assert {row[1] for row in rows[3:]} == {cases["visit"].number, cases["letter"].number}
    [audit] = exports_of(people["clerk"])
    assert audit.details["job"] == job.pk and audit.details["filters"] == {"status": "open"}
    # Someone else's job does not exist for them.
    client.force_login(people["leader"])
    assert client.get(reverse("excel:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("excel:export_job_file", args=[job.pk])).status_code == 404


def test_a_job_commits_its_progress_as_it_writes(people, cases, monkeypatch):
    from jiefen.excel import registers

    monkeypatch.setattr(registers, "CHUNK", 1)
    monkeypatch.setattr(forms_ledgers, "CHUNK", 1)
    job = forms_ledgers.do_queue_case_export(people["clerk"], QueryDict(""), reveal=False)
    seen, parties_of = [], registers._parties_of

    def reading_a_chunk(case_ids):  # what the job's page would read between two chunks
        seen.append(ExportJob.objects.values_list("total_rows", "processed_rows").get(pk=job.pk))
        return parties_of(case_ids)

    monkeypatch.setattr(registers, "_parties_of", reading_a_chunk)
    assert forms_ledgers.claim(job)
    forms_ledgers.run_export(job)
    assert seen == [(2, 0), (2, 1)]
    job.refresh_from_db()
    assert job.status == "done" and job.processed_rows == 2


# The registers --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, title, number_key", [
    ("excel:visits_register", "青山镇来访登记簿", "visit"),
    ("excel:letters_register", "青山镇来信登记簿", "letter"),
    ("excel:receptions_register", "青山镇领导接访登记表", "visit"),
])
def test_each_register_reads_back_as_xlsx_and_pdf(client, people, cases, name, title, number_key):
    client.force_login(people["clerk"])
    today = timezone.localdate().isoformat()
    response = client.get(reverse(name), {"start": today, "end": today, "format": "xlsx"})
    assert response.status_code == 200
    rows = sheet_rows(response)
    assert rows[0][0] == title
    assert [row[2] if name != "excel:receptions_register" else row[10] for row in rows[3:]] == [
        cases[number_key].number
    ]
    flat = str(rows)
    assert FULL_PHONE not in flat and VALID_IDS[1] not in flat
    text = pdf_text(client.get(reverse(name), {"start": today, "end": today, "format": "pdf"}))
    assert title in text and cases[number_key].number in text and "共1条" in text
    assert FULL_ID not in text and VALID_IDS[1] not in text
    assert len(exports_of(people["clerk"])) == 2


def test_the_reception_register_marks_the_leaders_reception_day(client, people, cases, org):
    from jiefen.duty.models import DutyShift

    DutyShift.objects.create(centre=org["town"], date=timezone.localdate(), leader=people["leader"])
    client.force_login(people["director"])
    rows = sheet_rows(client.get(reverse("excel:receptions_register"), {"format": "xlsx"}))
    assert rows[3][2:4] == ["李书记", "是"]


def test_a_register_unmasked_on_request_is_audited_once(client, people, cases):
    client.force_login(people["clerk"])
    rows = sheet_rows(client.get(reverse("excel:visits_register"), {"format": "xlsx", "reveal": "on"}))
    assert FULL_ID in str(rows) and FULL_PHONE in str(rows)
    [audit] = exports_of(people["clerk"])
    assert audit.details["personal_data"] is True and audit.details["what"] == "来访登记簿.xlsx"


@pytest.mark.parametrize("params, message", [
    ({"start": "2026-13-01"}, "日期格式不正确"),
    ({"start": "2026-03-01", "end": "2026-02-01"}, "结束日期不能早于开始日期"),
    ({"start": "2025-01-01", "end": "2026-06-30"}, "统计期间不能超过一年"),
    ({"start": "9999-12-01", "end": "9999-12-31"}, "统计期间须在2000年至明年之间"),  # no overflow past year 9999
    ({"start": "0001-01-01", "end": "0001-01-31"}, "统计期间须在2000年至明年之间"),
])
def test_a_bad_period_is_answered_in_chinese(client, people, params, message):
    client.force_login(people["clerk"])
    for url in (reverse("excel:forms"), reverse("excel:visits_register")):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()


@pytest.mark.parametrize("persona", ["handler", "mediator"])
def test_unit_staff_may_not_open_the_centres_registers(client, people, persona):
    client.force_login(people[persona])
    for name in ("excel:visits_register", "excel:letters_register", "excel:receptions_register"):
        assert client.get(reverse(name)).status_code == 403
    page = client.get(reverse("excel:forms")).content.decode()
    assert "信访事项办理台账" in page and "来访登记簿" not in page


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("excel:forms"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_township_sees_none_of_ours(client, people, cases):
    client.force_login(people["outsider"])
    rows = sheet_rows(client.get(reverse("excel:visits_register"), {"format": "xlsx"}))
    assert rows[3:] == []
    assert client.get(reverse("excel:visit_form", args=[cases["visit"].number])).status_code == 404


# Forms of one case ----------------------------------------------------------------------------------------------------


def test_the_visit_form_is_one_page_masked(client, people, cases):
    client.force_login(people["mediator"])  # the case is in the grid worker's village
    response = client.get(reverse("excel:visit_form", args=[cases["visit"].number]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "来访登记表" in text and "陈大山" in text and "要求解决拖欠工资问题" in text
    assert MASKED_ID in text and FULL_ID not in text and FULL_PHONE not in text
    assert AuditRecord.objects.filter(action="personal.reveal").count() == 0


def test_the_visit_form_unmasked_is_one_reveal_record(client, people, cases):
    client.force_login(people["clerk"])
    response = client.get(reverse("excel:visit_form", args=[cases["visit"].number]), {"reveal": "1"})
    assert FULL_ID in pdf_text(response)
    [reveal] = AuditRecord.objects.filter(action="personal.reveal")
    assert reveal.object_ref == cases["visit"].number and reveal.details["document"] == "来访登记表"
    client.force_login(people["supervisor"])
    text = pdf_text(client.get(reverse("excel:visit_form", args=[cases["visit"].number]), {"reveal": "1"}))
    assert FULL_ID not in text and AuditRecord.objects.filter(action="personal.reveal").count() == 1


def test_a_letter_has_no_visit_form(client, people, cases):
    client.force_login(people["clerk"])
    assert client.get(reverse("excel:visit_form", args=[cases["letter"].number])).status_code == 404


def _escalate(case, at):
    return Event.objects.create(
        case=case, kind="supervise", at=at, summary="超期督办：受理告知期限已超期2个工作日",
        data={"rule": "acceptance", "due_on": (at.date() - dt.timedelta(days=3)).isoformat(),
              "overdue_working_days": 2},
    )


def test_the_supervision_letter_is_the_townships_numbered_by_year(client, people, cases):
    now = timezone.now()
    _escalate(cases["letter"], now - dt.timedelta(hours=2))
    second = _escalate(cases["visit"], now)
    client.force_login(people["director"])
    response = client.get(reverse("excel:supervision_letter", args=[cases["visit"].number]))
    text = pdf_text(response)
    assert "督办函" in text and "青山镇人民政府" in text and "矛盾纠纷调处化解中心" not in text.split("督办函")[0]
    assert f"督〔{now.year}〕2号" in text and "超期2个工作日" in text
    assert "陈大山" not in text  # no petitioner is named
    page = client.get(reverse("excel:forms")).content.decode()
    assert f"?event={second.pk}" in page
    assert client.get(reverse("excel:supervision_letter", args=[cases["visit"].number]), {"event": "x"}).status_code \
        == 404


def test_the_forms_page_finds_a_cases_forms_and_offers_the_handover_slip(client, people, org):
    from .factories import county_clerk, hand_down

    county = county_clerk(org)
    case = hand_down(county, org["town"], doc_number="青信交〔2026〕7号")
    client.force_login(people["clerk"])
    page = client.get(reverse("excel:forms"), {"case": case.number}).content.decode()
    slip = reverse("case_notice", args=[case.number, "handover_slip"])
    assert slip in page and "青信交〔2026〕7号" in page
    assert "交办单" in pdf_text(client.get(slip))
    page = client.get(reverse("excel:forms"), {"case": "330102-2026-99999"}).content.decode()
    assert "未找到该案件，或您无权查看" in page


def test_the_menu_and_the_case_list_lead_to_the_forms(client, people):
    client.force_login(people["handler"])
    html = client.get(reverse("case_list"), {"status": "open"}).content.decode()
    assert f'href="{reverse("excel:forms")}">表单台账</a>' in html
    assert f'{reverse("excel:export_cases")}?status=open&amp;format=xlsx' in html


def test_an_export_jobs_file_is_deleted_after_a_day(people, cases, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = forms_ledgers.do_queue_case_export(people["clerk"], QueryDict(""), reveal=True)
    forms_ledgers.claim(old)
    forms_ledgers.run_export(old)
    path = old.file.path
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    forms_ledgers.do_queue_case_export(people["clerk"], QueryDict(""), reveal=False)
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert not os.path.exists(path)


def test_bench_export_prints_time_and_peak_memory(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_synthetic", cases=120, townships=2, stdout=io.StringIO())
    out = io.StringIO()
    call_command("bench_export", rows=50, check=True, stdout=out)
    text = out.getvalue()
    assert "耗时" in text and "峰值内存" in text and "openpyxl 读回" in text
    assert not ExportJob.objects.exists()
