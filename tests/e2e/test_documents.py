"""Official documents (公文) in Chromium: the office generates the feedback letter from the
inspection page, downloads it as .docx and as PDF, and a supervision notice; the unit's liaison
downloads the letter addressed to the unit; a leader may read but not number one; another unit
and another district are not told the document exists.

The records are built with the services (the walkthrough test clicks those steps already);
everything about documents happens through the browser. Files are read back with python-docx.
"""

import io
import re
import shutil

import pytest
from django.utils import timezone
from docx import Document as read_docx

from documents.models import Document
from tests.documents.helpers import supervision
from tests.world import build_world, fed_back

pytestmark = pytest.mark.e2e
YEAR = timezone.localdate().year


def _expect():
    from playwright.sync_api import expect

    return expect


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.locator("main").get_by_role("link", name=link_name).click()
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def _open_feedback_tab(page, inspection_pk: int) -> None:
    page.goto(f"/inspections/{inspection_pk}/")
    page.locator(".nav-tabs").get_by_role("link", name="反馈", exact=True).click()


def test_office_generates_and_downloads_the_feedback_letter_the_unit_downloads_it(login, screenshot):
    expect = _expect()
    w = build_world()
    inspection = fed_back(w, problems=2)
    action = supervision(w, inspection, content="第1项整改措施进度滞后，请于6月30日前完成")

    # The office: inspection page → 反馈 tab → the feedback letter's page → generate.
    office = login("office").page
    _open_feedback_tab(office, inspection.pk)
    office.get_by_role("link", name="巡察反馈意见（公文）").click()
    expect(office.locator("h1")).to_have_text("巡察反馈意见")
    office.get_by_role("button", name="生成公文并分配文号").click()
    expect(office.locator(".alert-success")).to_contain_text("公文已生成，文号已分配。")
    reference = f"清巡办反馈〔{YEAR}〕1号"
    expect(office.get_by_test_id("document-reference")).to_have_text(reference)
    screenshot(office, "documents-01-office-generated")
    name, data = _download(office, "下载 .docx")
    assert name == f"{reference} 关于巡察青石镇党委的反馈意见.docx"
    paragraphs = [p.text for p in read_docx(io.BytesIO(data)).paragraphs]
    assert paragraphs[:2] == ["中共清河市委巡察工作领导小组办公室", reference]
    assert "1. 问题1。问题1的具体表现" in paragraphs and "2. 问题2。问题2的具体表现" in paragraphs
    if shutil.which("soffice"):
        name, pdf = _download(office, "下载 PDF")
        assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    else:
        expect(office.get_by_test_id("no-libreoffice")).to_contain_text("本机未安装 LibreOffice")

    # Downloading again allocates nothing: the page still shows number 1.
    office.reload()
    expect(office.get_by_test_id("document-reference")).to_have_text(reference)

    # A supervision notice from the 督查督办 tab.
    office.goto(f"/inspections/{inspection.pk}/?tab=supervision")
    office.locator("main table").get_by_role("link", name="督办通知书").click()
    office.get_by_role("button", name="生成公文并分配文号").click()
    expect(office.get_by_test_id("document-reference")).to_have_text(f"清巡办督〔{YEAR}〕1号")

    # A leader reads the page but is not the office that numbers documents.
    leader = login("leader").page
    _open_feedback_tab(leader, inspection.pk)
    leader.get_by_role("link", name="巡察反馈意见（公文）").click()
    expect(leader.get_by_role("button", name="生成公文并分配文号")).to_have_count(0)
    _download(leader, "下载 .docx")

    # The unit's liaison downloads the letter and the notice addressed to the unit.
    liaison_desk = login("liaison")
    liaison = liaison_desk.page
    _open_feedback_tab(liaison, inspection.pk)
    liaison.get_by_role("link", name="巡察反馈意见（公文）").click()
    expect(liaison.get_by_role("button", name="生成公文并分配文号")).to_have_count(0)
    name, data = _download(liaison, "下载 .docx")
    assert read_docx(io.BytesIO(data)).paragraphs[1].text == reference
    screenshot(liaison, "documents-02-liaison-downloads")
    liaison.goto(f"/documents/supervision/{action.pk}/")
    _download(liaison, "下载 .docx")
    expect(liaison.get_by_role("button", name="生成公文并分配文号")).to_have_count(0)

    # Another unit's liaison and another district's office: "not found", never the file.
    letter = Document.objects.get(kind="feedback")
    for username in ("liaison_b", "office_b"):
        other = login(username)
        for url in (f"/documents/issued/{letter.pk}/docx/", f"/documents/inspection/{inspection.pk}/"):
            assert other.context.request.get(url).status == 404, (username, url)
    assert Document.objects.count() == 2
    assert re.fullmatch(r"清巡办反馈〔\d{4}〕1号", letter.reference)


def test_a_record_not_ready_for_its_document_says_why(login):
    expect = _expect()
    w = build_world()
    from tests.documents.helpers import clue

    draft = clue(w, transferred=False)
    office = login("office").page
    office.goto(f"/documents/clue/{draft.pk}/")
    expect(office.get_by_test_id("document-refusal")).to_have_text("线索尚未移交，不能生成移交线索函；请先办理“移交”。")
    expect(office.get_by_role("button", name="生成公文并分配文号")).to_have_count(0)
    assert not Document.objects.exists()
