"""表单台账 in a real browser: the clerk filters the case list and exports it with those filters; a large export
shows its progress and then its download; the forms page answers a bad period in Chinese and prints a register."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from jiefen.cases.models import Channel
from jiefen.excel import forms_ledgers

from ..factories import VALID_IDS, build_org, build_personas, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = build_org()
    people = build_personas(org)
    clerk = people["clerk"]
    east = register(clerk, village=org["village_a"], receiving_leader=people["leader"])
    west = register(clerk, village=org["village_b"], request="来信反映鱼塘承包纠纷", channel=Channel.LETTER,
                    parties=[{"name": "林小河", "id_number": VALID_IDS[1], "phone": "13900139000"}])
    return org, people, east, west


def rows_of(download):
    with Path(download.path()).open("rb") as handle:  # saved without an extension: openpyxl reads the handle
        sheet = load_workbook(handle, read_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_case_list_exports_with_its_filters(world, login_page, live_server, shoot):
    org, people, east, west = world
    page = login_page(people["clerk"])
    page.goto(f"{live_server.url}/cases/")
    page.select_option("select[name=village]", str(org["village_b"].pk))
    page.wait_for_url(f"**/cases/?*village={org['village_b'].pk}*")  # htmx pushed the filters into the address
    page.wait_for_selector(f"text={west.number}")
    assert east.number not in page.inner_text("#case-table")
    shoot(page, "forms-01-case-list-filtered")
    with page.expect_download() as download:
        page.click("text=导出台账（.xlsx）")
    rows = rows_of(download.value)
    assert rows[0][0] == "青山镇信访事项办理台账" and "村（社区）：西村" in rows[1][3]
    assert [row[1] for row in rows[3:]] == [west.number]
    assert "139****9000" in rows[3] and "13900139000" not in rows[3]

    page.check("#case-export-reveal")
    with page.expect_download() as download:
        page.click("text=导出台账（.xlsx）")
    assert "13900139000" in rows_of(download.value)[3]


def test_a_large_export_shows_its_progress_then_its_file(world, login_page, live_server, shoot, monkeypatch):
    _org, people, east, west = world
    monkeypatch.setattr(forms_ledgers, "SYNC_ROWS", 1)
    page = login_page(people["director"])
    page.goto(f"{live_server.url}/cases/")
    page.click("text=导出台账（.xlsx）")
    page.wait_for_url("**/excel/exports/*/")
    page.wait_for_selector("#export-download")  # the page ran the job and polled it to the end
    assert "已导出2行" in page.inner_text("#export-status")
    shoot(page, "forms-02-export-job-done")
    with page.expect_download() as download:
        page.click("#export-download")
    assert {row[1] for row in rows_of(download.value)[3:]} == {east.number, west.number}


def test_the_forms_page_refuses_a_bad_period_and_prints_a_register(world, login_page, live_server, shoot):
    _org, people, east, _west = world
    page = login_page(people["leader"])
    page.goto(f"{live_server.url}/cases/")
    page.click("nav.mainnav >> text=表单台账")
    page.wait_for_url("**/excel/forms/")
    shoot(page, "forms-03-forms-page")
    page.fill("input[name=start]", "2026-03-01")
    page.fill("input[name=end]", "2026-02-01")
    page.click("text=更新期间")
    assert "结束日期不能早于开始日期" in page.inner_text("[role=alert]")
    shoot(page, "forms-04-bad-period")

    page.goto(f"{live_server.url}/excel/forms/")
    response = page.request.get(f"{live_server.url}/excel/forms/visits/?format=pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "青山镇来访登记簿" in text and east.number in text

    page.fill("#case-number", east.number)
    page.click("text=查找")
    page.wait_for_selector("#case-form-links")
    shoot(page, "forms-05-case-forms")
    response = page.request.get(f"{live_server.url}/excel/forms/cases/{east.number}/visit-form.pdf")
    assert "来访登记表" in PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
