"""Issue 14, point 4: exchange with the organ above. A township exports its items handed down, with their results,
in the layout the import reads (xlsx and JSON); another township imports such a file as 上级交办 in one step, every
row checked and the file refused whole on any error; the figures of what came in agree with what went out."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from jiefen.cases.actions import ActionError
from jiefen.cases.models import Case, Handover, IssuedDocument
from jiefen.cases.steps import do_accept_case, do_assign_case, do_report_back, do_sign_for_case
from jiefen.excel.actions import do_submit_import, run_import
from jiefen.excel.exchange import FORMAT
from jiefen.excel.kinds import HANDOVER_LAYOUT
from jiefen.excel.models import ImportJob
from jiefen.org.models import Role, Unit

from .factories import VALID_IDS, hand_down, person, reply_signed_off, unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def county(org):
    office = unit("县信访局", Unit.Kind.DEPARTMENT, org["county"])
    office.organ_name, office.doc_code, office.acts_for = "青山县信访局", "青信", org["county"]
    office.save()
    return person("xfj", Role.CLERK, office, "冯立群")


@pytest.fixture
def handed(org, people, county):
    """Two items the 信访局 handed down to 青山镇: one answered and reported, one just received."""
    group = [{"name": "陈大山", "id_number": VALID_IDS[0], "phone": "13800138000"},
             {"name": "李小河", "id_number": VALID_IDS[2]}]
    first = hand_down(county, org["town"], village=org["village_a"], parties=group, requirements="按期报结")
    leader = people["leader"]
    do_accept_case(leader, first, expected_version=first.version)
    do_assign_case(leader, first, expected_version=first.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], first, expected_version=first.version)
    reply_signed_off(people["handler"], first, outcome="support", served_on=timezone.localdate(), content="支持")
    do_report_back(leader, first, expected_version=first.version, reported_on=timezone.localdate(),
                   result="已支付拖欠工资")
    second = hand_down(county, org["town"], mode="forward", due_days=0, request="反映村道破损")
    return first, second


def exported(client, user, fmt="xlsx"):
    client.force_login(user)
    response = client.get(reverse("excel:export_exchange"), {"format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def submit(user, content, name):
    return run_import(do_submit_import(user, kind=ImportJob.Kind.HANDOVERS, file=SimpleUploadedFile(name, content)))


def test_export_from_one_township_imports_as_handed_down_in_another_and_the_figures_agree(
    client, org, people, handed
):
    first, second = handed
    content = exported(client, people["clerk"])
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[2])
    assert header[0] == "序号" and header[1:15] == list(HANDOVER_LAYOUT.names())
    items = [dict(zip(header, row)) for row in rows[3:]]
    assert [i["案件编号"] for i in items] == [first.number, second.number]
    assert items[0]["报结情况"] == "已报结待审核" and items[0]["办理结果"] == "已支付拖欠工资"
    assert items[0]["身份证号"] == f"{VALID_IDS[0]}、{VALID_IDS[2]}" and items[1]["交办方式"] == "转送"

    # 白水镇 takes the same file as items handed down to it.
    outsider = people["outsider"]
    job = submit(outsider, content, "交办.xlsx")
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    received = list(Case.objects.filter(centre=org["other_town"]).order_by("id"))
    assert len(received) == len(items) == 2
    for case, item in zip(received, items):
        handover = case.handover
        assert (handover.doc_number, handover.from_organ, handover.get_mode_display()) == (
            item["交办单编号"], "青山县信访局", item["交办方式"],
        )
        assert handover.from_unit == org["county"] and case.channel == "assigned"
        assert case.request == item["诉求"] and case.person_times == item["来访人数"]
        assert "、".join(p.name for p in case.parties.order_by("id")) == item["信访人"]
        # The 交办单 is the sender's own document: nothing is issued in its name here.
        assert not IssuedDocument.objects.filter(case=case, kind="handover_slip").exists()
        assert case.deadlines.filter(rule__code="objection_window").exists()
    assert received[0].handover.due_on == first.handover.due_on and received[1].handover.due_on is None
    # The figures of what came in are those of what went out: matters, person-times, classes.
    sent = Case.objects.filter(pk__in=[first.pk, second.pk])
    assert sum(c.person_times for c in received) == sum(c.person_times for c in sent)
    assert sorted(c.legal_class for c in received) == sorted(c.legal_class for c in sent)

    # The same file again: every row is already registered, and nothing more is written.
    again = submit(outsider, content, "交办.xlsx")
    assert again.status == ImportJob.Status.REJECTED and "已经登记过" in again.errors[0]["message"]
    assert Case.objects.filter(centre=org["other_town"]).count() == 2


def test_the_json_form_carries_the_same_items(client, org, people, handed):
    document = json.loads(exported(client, people["clerk"], "json"))
    assert document["format"] == FORMAT and len(document["items"]) == 2
    job = submit(people["outsider"], json.dumps(document, ensure_ascii=False).encode(), "交办.json")
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert Handover.objects.filter(case__centre=org["other_town"]).count() == 2


def test_a_file_with_one_bad_row_is_refused_whole_with_each_problem(org, people, county):
    book = Workbook()
    book.active.append(list(HANDOVER_LAYOUT.names()))
    good = ["青信交〔2026〕31号", "青山县信访局", "交办", "2099-01-31", "马国庆", VALID_IDS[1], "13900139000", "",
            1, "申诉求决", "劳动工资", "要求支付工资", "", ""]
    bad = ["青信交〔2026〕32号", "青山县信访局", "督办", "", "", "123", "", "", 1, "投诉", "没有这类", "", "", ""]
    book.active.append(good)
    book.active.append(bad)
    out = io.BytesIO()
    book.save(out)
    job = submit(people["clerk"], out.getvalue(), "交办.xlsx")
    assert job.status == ImportJob.Status.REJECTED and "整个文件未导入" in job.message
    problems = {e["column"] for e in job.errors if e["row"] == 3}
    assert problems >= {"交办方式", "信访人", "事项性质", "事项分类", "诉求"}
    assert not Handover.objects.exists() and not Case.objects.exists()


def test_what_is_not_an_exchange_file_is_refused_at_upload(org, people):
    for content, message in ((b"not json", "不是有效的JSON"), (b'{"format": "other"}', "交换格式"),
                             (b'{"format": "jiefen-exchange/1", "items": {}}', "事项列表")):
        with pytest.raises(ActionError, match=message):
            do_submit_import(people["clerk"], kind=ImportJob.Kind.HANDOVERS,
                             file=SimpleUploadedFile("交办.json", content))
    assert not ImportJob.objects.exists()


def test_only_a_townships_desk_exports_its_items(client, org, people, county):
    client.force_login(county)
    assert client.get(reverse("excel:export_exchange")).status_code == 403
    client.force_login(people["handler"])
    assert client.get(reverse("excel:export_exchange")).status_code == 403
