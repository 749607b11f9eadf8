"""Case materials: only allowed types by content, size and count limits, random stored names outside the web root;
every bad upload refused with a clear message and nothing left behind (no file, no row, no event, no audit)."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jiefen.audit.models import AuditRecord
from jiefen.cases import uploads
from jiefen.cases.actions import ActionError, do_case_action
from jiefen.cases.models import Document, Event, LegalClass

from . import factories

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(org, people):
    return factories.register(people["clerk"], village=org["village_a"])


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def jpeg_bytes(width=40, height=30):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def png_header(width, height):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00" * 64


def jpeg_header(width, height):
    """SOI, an APP0 segment, then a baseline frame header declaring `width` x `height`."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0
            + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9")


def office_zip(main_part, payload=b"<x/>"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, payload)
    return out.getvalue()


def zip_bomb(main_part):
    # 30 MB of zeros deflate to about 30 KB: a ratio of ~1000, far past what any real document has.
    return office_zip(main_part, b"0" * (30 * 1024 * 1024))


def _with_macros():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def post_document(client, case, *files, title="身份证复印件"):
    return client.post(reverse("case_act", args=[case.number, "document"]), {
        "document-title": title, "document-files": list(files), "document-expected_version": case.version,
    })


def counts():
    return Document.objects.count(), Event.objects.filter(kind="document").count(), AuditRecord.objects.filter(
        action="case.document").count()


BAD_UPLOADS = {
    "an HTML page named .pdf": (lambda: [SimpleUploadedFile("回执.pdf", b"<html><script>alert(1)</script></html>")],
                                "文件类型不符合要求"),
    "a zip bomb named .docx": (lambda: [SimpleUploadedFile("材料.docx", zip_bomb("word/document.xml"))],
                               "疑似压缩炸弹"),
    "a zip bomb named .xlsx": (lambda: [SimpleUploadedFile("台账.xlsx", zip_bomb("xl/workbook.xml"))], "疑似压缩炸弹"),
    "a PNG of absurd dimensions": (lambda: [SimpleUploadedFile("照片.png", png_header(100_000, 100_000))],
                                   "图片尺寸过大"),
    "a JPEG of absurd dimensions": (lambda: [SimpleUploadedFile("照片.jpg", jpeg_header(65_000, 65_000))],
                                    "图片尺寸过大"),
    "an oversized file": (lambda: [SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * (2 * 1024 * 1024))],
                          "文件超过大小限制（每个文件不超过1 MB）"),
    "a Word file with macros": (lambda: [SimpleUploadedFile("通知.docx", _with_macros())], "不接受含宏的文件"),
    "too many files": (lambda: [SimpleUploadedFile(f"第{i}页.pdf", PDF_BYTES) for i in range(6)],
                       "一次最多上传5个文件"),
    "a good file with a bad one": (lambda: [SimpleUploadedFile("好.pdf", PDF_BYTES),
                                            SimpleUploadedFile("坏.pdf", b"MZ\x90\x00 an executable")],
                                   "“坏.pdf”：文件类型不符合要求"),
}


@pytest.mark.parametrize("what", BAD_UPLOADS)
def test_a_bad_upload_through_the_case_page_is_refused_with_a_clear_message_and_leaves_nothing(
    client, case, people, settings, media_root, what
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    make_files, message = BAD_UPLOADS[what]
    client.force_login(people["clerk"])
    before = counts()
    response = post_document(client, case, *make_files())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before
    assert stored_files(media_root) == []


HOSTILE_NAMES = {
    "../../etc/passwd.pdf": "文件名不能包含路径",
    "..\\..\\boot.ini.pdf": "文件名不能包含路径",
    "报告\x00.pdf": "控制字符",
    "报告\r\nSet-Cookie: x=1.pdf": "控制字符",
    "照片\u202egpj.exe": "控制字符",  # right-to-left override: shows as "照片exe.jpg"
    "长" * 296 + ".pdf": "文件名过长（不超过100个字符）",
}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_is_refused_by_the_action_and_leaves_nothing(case, people, media_root, name):
    before = counts()
    with pytest.raises(ActionError) as refused:
        do_case_action(people["clerk"], case, "document", title="材料", files=[ContentFile(PDF_BYTES, name=name)])
    assert HOSTILE_NAMES[name] in refused.value.message and refused.value.field == "files"
    assert counts() == before
    assert stored_files(media_root) == []


def test_a_path_in_a_browser_sent_name_never_reaches_the_disk(client, case, people, media_root):
    client.force_login(people["clerk"])
    response = post_document(client, case, SimpleUploadedFile("../../etc/passwd.pdf", PDF_BYTES))
    assert response.status_code == 302
    document = Document.objects.get()
    [path] = stored_files(media_root)
    assert path.is_relative_to(media_root) and "passwd" not in str(path) and path.suffix == ".pdf"
    assert document.original_name == "passwd.pdf"


def test_a_good_pdf_and_jpeg_are_stored_under_random_names_with_one_event_and_one_audit_record(
    client, case, people, media_root
):
    client.force_login(people["clerk"])
    response = post_document(client, case, SimpleUploadedFile("信访件 扫描.pdf", PDF_BYTES),
                             SimpleUploadedFile("现场照片.JPG", jpeg_bytes()), title="来信及现场照片")
    assert response.status_code == 302
    pdf, photo = Document.objects.order_by("id")
    assert (pdf.title, pdf.original_name, pdf.size) == ("来信及现场照片", "信访件 扫描.pdf", len(PDF_BYTES))
    assert photo.original_name == "现场照片.JPG" and photo.file.name.endswith(".jpg")
    paths = stored_files(media_root)
    assert len(paths) == 2 and all(len(p.stem) == 32 for p in paths)
    assert {p.read_bytes() for p in paths} == {PDF_BYTES, jpeg_bytes()}
    event = Event.objects.get(kind="document")
    assert event.data["documents"] == [pdf.pk, photo.pk]
    assert AuditRecord.objects.get(action="case.document").actor == people["clerk"]
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert reverse("case_document", args=[case.number, pdf.pk]) in page and "信访件 扫描.pdf" in page


def test_a_real_word_file_is_accepted(case, people, media_root):
    do_case_action(people["clerk"], case, "document", title="调查报告",
                   files=[SimpleUploadedFile("调查报告.docx", office_zip("word/document.xml", b"<w:document/>" * 50))])
    assert Document.objects.get().file.name.endswith(".docx")


def test_files_are_removed_again_when_the_step_fails_after_storing_them(case, people, media_root, monkeypatch):
    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("jiefen.cases.steps.perform.record", broken_audit)
    with pytest.raises(RuntimeError):
        do_case_action(people["clerk"], case, "document", title="材料", files=[SimpleUploadedFile("a.pdf", PDF_BYTES)])
    assert counts() == (0, 0, 0)
    assert stored_files(media_root) == []


@pytest.fixture
def document(case, people):
    do_case_action(people["clerk"], case, "document", title="来信", files=[SimpleUploadedFile("来信.pdf", PDF_BYTES)])
    return Document.objects.get()


def test_a_document_is_downloaded_only_by_people_who_may_see_the_case(client, case, people, document):
    url = reverse("case_document", args=[case.number, document.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for who in ("outsider", "other_handler"):
        client.force_login(people[who])
        assert client.get(url).status_code == 404
    for who in ("clerk", "supervisor"):
        client.force_login(people[who])
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;") and "filename*=utf-8''" in response[
            "Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


def test_a_document_of_another_case_is_not_found_through_this_case(client, case, org, people, document):
    other = factories.register(people["clerk"], village=org["village_b"])
    client.force_login(people["clerk"])
    assert client.get(reverse("case_document", args=[other.number, document.pk])).status_code == 404


def test_an_image_is_shown_inline(client, case, people):
    do_case_action(people["clerk"], case, "document", title="照片", files=[SimpleUploadedFile("p.png", _png())])
    client.force_login(people["clerk"])
    response = client.get(reverse("case_document", args=[case.number, Document.objects.get().pk]))
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline;")


def _png():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


def test_the_media_root_is_never_served_directly(client, people, document):
    client.force_login(people["clerk"])
    assert client.get("/media/" + document.file.name).status_code == 404
    assert client.get("/" + document.file.name).status_code == 404


def test_the_read_only_supervisor_cannot_upload(client, case, people, media_root):
    client.force_login(people["supervisor"])
    response = post_document(client, case, SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert response.status_code == 403
    assert counts() == (0, 0, 0) and stored_files(media_root) == []


def test_an_outsider_cannot_upload(client, case, people, media_root):
    client.force_login(people["outsider"])
    assert post_document(client, case, SimpleUploadedFile("a.pdf", PDF_BYTES)).status_code == 404
    assert stored_files(media_root) == []


def test_display_names_are_cleaned_and_cut_keeping_the_extension():
    assert uploads.display_name("C:\\Users\\王\\报告.pdf") == "报告.pdf"
    assert uploads.display_name("a\x07b\u2028.pdf") == "ab.pdf"
    cut = uploads.display_name("长" * 300 + ".pdf")
    assert len(cut) == 100 and cut.endswith("….pdf")
    assert uploads.display_name("..") == "未命名文件"


def test_the_accused_unit_never_gets_the_materials_of_an_accusation(client, org, people):
    # 信访工作条例 第三十条第三款: the accused village's staff cannot reach the case, nor its files.
    case = factories.register(people["clerk"], village=org["village_a"], legal_class=LegalClass.ACCUSATION,
                              accused_unit=org["village_a"], request="举报东村村委会虚报冒领补助款")
    do_case_action(
        people["clerk"], case, "document", title="举报材料", files=[SimpleUploadedFile("证据.pdf", PDF_BYTES)]
    )
    url = reverse("case_document", args=[case.number, Document.objects.get().pk])
    for who, status in (("handler", 404), ("mediator", 404), ("leader", 200)):
        client.force_login(people[who])
        assert client.get(url).status_code == status, who
