"""Case materials in a real browser, on a phone: a disguised file is refused with a clear message, a scan and a
photo go up together, and the list links to them."""

import io

import pytest
from PIL import Image

from jiefen.cases.models import Document

from ..factories import build_org, build_personas, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def photo():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_a_clerk_uploads_materials_from_a_phone(login_page, live_server, shoot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = build_org()
    people = build_personas(org)
    case = register(people["clerk"], village=org["village_a"])
    clerk = login_page(people["clerk"], viewport=PHONE)
    clerk.goto(f"{live_server.url}/cases/{case.number}/")

    clerk.click("#step-document summary")
    form = clerk.locator("#step-document form")
    form.locator("input[name=document-title]").fill("信访人来信")
    form.locator("input[name=document-files]").set_input_files(
        files=[{"name": "来信.pdf", "mimeType": "application/pdf", "buffer": b"<html><script>alert(1)</script>"}]
    )
    form.locator("button").click()
    clerk.wait_for_load_state()
    assert "文件类型不符合要求" in clerk.inner_text("#step-document form")
    assert not Document.objects.exists() and not any(tmp_path.rglob("*.*"))
    shoot(clerk, "doc-01-disguised-file-refused-phone")

    form = clerk.locator("#step-document form")
    form.locator("input[name=document-title]").fill("信访人来信及现场照片")
    form.locator("input[name=document-files]").set_input_files(files=[
        {"name": "来信.pdf", "mimeType": "application/pdf", "buffer": PDF},
        {"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": photo()},
    ])
    form.locator("button").click()
    clerk.wait_for_load_state()
    assert Document.objects.count() == 2
    links = clerk.locator("a:has-text('信访人来信及现场照片')")
    assert links.count() == 2
    assert "现场照片.jpg" in clerk.content()
    shoot(clerk, "doc-02-materials-listed-phone")
