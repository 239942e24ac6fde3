"""The document page and downloads, from every side: office staff generate, those who see the
record download, everyone else gets 403 or 404; without LibreOffice the .docx is still offered."""

import io
import os
import shutil

import pytest
from django.utils import timezone
from docx import Document as read_docx

from documents.models import Document
from findings.models import ReadLog
from tests.documents.helpers import clue, feedback_inspection, notice, supervision, texts
from tests.world import fed_back

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def login(client, user):
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_office_generates_the_feedback_letter_and_downloads_it(client, world):
    inspection = feedback_inspection(world)
    login(client, world.office)
    hub = client.get(f"/inspections/{inspection.pk}/?tab=feedback").content.decode()
    assert f'href="/documents/inspection/{inspection.pk}/"' in hub
    page = client.get(f"/documents/inspection/{inspection.pk}/").content.decode()
    assert "生成公文并分配文号" in page
    response = client.post(f"/documents/inspection/{inspection.pk}/generate/", follow=True)
    assert "公文已生成，文号已分配。" in response.content.decode()
    doc = Document.objects.get()
    assert f"清巡办反馈〔{YEAR}〕1号" in response.content.decode()
    download = client.get(f"/documents/issued/{doc.pk}/docx/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"] and ".docx" in download["Content-Disposition"]
    assert texts(body(download))[1] == f"清巡办反馈〔{YEAR}〕1号"
    # A second click allocates nothing new.
    client.post(f"/documents/inspection/{inspection.pk}/generate/")
    assert Document.objects.count() == 1 and Document.objects.get().number == 1


def test_the_unit_downloads_its_feedback_letter_and_supervision_papers_only(client, world):
    inspection = feedback_inspection(world)
    action = supervision(world, inspection)
    login(client, world.office)
    client.post(f"/documents/inspection/{inspection.pk}/generate/")
    client.post(f"/documents/supervision/{action.pk}/generate/")
    letter, notice_doc = Document.objects.order_by("pk")
    login(client, world.liaison)
    assert client.get(f"/documents/issued/{letter.pk}/docx/").status_code == 200
    assert client.get(f"/documents/issued/{notice_doc.pk}/docx/").status_code == 200
    page = client.get(f"/documents/inspection/{inspection.pk}/").content.decode()
    assert "生成公文并分配文号" not in page and "下载 .docx" in page
    assert client.post(f"/documents/inspection/{inspection.pk}/generate/").status_code == 403
    login(client, world.liaison_b)
    assert client.get(f"/documents/issued/{letter.pk}/docx/").status_code == 404
    assert client.get(f"/documents/inspection/{inspection.pk}/").status_code == 404


def test_outside_the_jurisdiction_is_404_and_read_only_roles_get_403(client, world):
    inspection = feedback_inspection(world)
    for user in (world.office_b, world.leader_b, world.liaison_b, world.discipline, world.nobody):
        login(client, user)
        assert client.get(f"/documents/inspection/{inspection.pk}/").status_code == 404, user
        assert client.post(f"/documents/inspection/{inspection.pk}/generate/").status_code == 404, user
    for user in (world.leader, world.team_leader, world.office_a):
        login(client, user)
        page = client.get(f"/documents/inspection/{inspection.pk}/")
        assert page.status_code == 200 and "只有中共清河市委巡察工作领导小组办公室的工作人员" in page.content.decode()
        assert client.post(f"/documents/inspection/{inspection.pk}/generate/").status_code == 403, user
    assert not Document.objects.exists()
    assert client.get("/documents/petition/1/").status_code == 404
    assert client.get(f"/documents/inspection/{inspection.pk}/generate/").status_code == 405


def test_a_record_not_ready_shows_why_and_generating_is_refused(client, world):
    n = notice(world)
    login(client, world.office)
    page = client.get(f"/documents/inspection/{n.problem.inspection_id}/").content.decode()
    assert "巡察尚未反馈，不能生成反馈意见" in page and "生成公文并分配文号" not in page
    response = client.post(f"/documents/inspection/{n.problem.inspection_id}/generate/", follow=True)
    assert "巡察尚未反馈，不能生成反馈意见" in response.content.decode()
    assert not Document.objects.exists()


def test_the_clue_letter_reaches_its_handler_never_the_unit_and_each_read_is_logged(client, world):
    c = clue(world)
    login(client, world.office)
    assert f'href="/documents/clue/{c.pk}/"' in client.get(f"/clues/{c.pk}/").content.decode()
    client.post(f"/documents/clue/{c.pk}/generate/")
    doc = Document.objects.get()
    assert doc.reference == f"清巡办函〔{YEAR}〕1号"
    login(client, world.discipline)
    before = ReadLog.objects.filter(user=world.discipline, record_id=c.pk).count()
    assert client.get(f"/documents/issued/{doc.pk}/docx/").status_code == 200
    assert ReadLog.objects.filter(user=world.discipline, record_id=c.pk, via="export").count() == 1
    assert ReadLog.objects.filter(user=world.discipline, record_id=c.pk).count() == before + 1
    for user in (world.liaison, world.orgdept, world.discipline_b):
        login(client, user)
        assert client.get(f"/documents/issued/{doc.pk}/docx/").status_code == 404, user
        assert client.get(f"/documents/clue/{c.pk}/").status_code == 404, user


def test_the_notice_is_for_the_team_side_only(client, world):
    n = notice(world)
    login(client, world.office)
    assert f'href="/documents/immediate-notice/{n.pk}/"' in client.get(f"/problems/{n.problem_id}/").content.decode()
    client.post(f"/documents/immediate-notice/{n.pk}/generate/")
    doc = Document.objects.get()
    login(client, world.team_member)
    assert client.get(f"/documents/issued/{doc.pk}/docx/").status_code == 200
    login(client, world.liaison)
    assert client.get(f"/documents/issued/{doc.pk}/docx/").status_code == 404


def test_without_libreoffice_the_page_says_so_and_offers_the_docx(client, world, settings):
    settings.SOFFICE_PATH = "no-such-soffice-on-this-machine"
    inspection = feedback_inspection(world)
    login(client, world.office)
    client.post(f"/documents/inspection/{inspection.pk}/generate/")
    doc = Document.objects.get()
    page = client.get(f"/documents/inspection/{inspection.pk}/").content.decode()
    assert "本机未安装 LibreOffice，暂不能生成 PDF" in page and "下载 PDF" not in page and "下载 .docx" in page
    response = client.get(f"/documents/issued/{doc.pk}/pdf/", follow=True)
    assert "本机未安装 LibreOffice，无法生成 PDF；请下载 .docx 文件" in response.content.decode()
    assert client.get(f"/documents/issued/{doc.pk}/docx/").status_code == 200
    assert client.get(f"/documents/issued/{doc.pk}/odt/").status_code == 302


def test_libreoffice_converts_a_document_to_pdf(client, world):
    """A real word processor opens the .docx: LibreOffice Writer turns it into a PDF."""
    if shutil.which("soffice") is None:
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice is required (REQUIRE_LIBREOFFICE=1) but not installed")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-writer-nogui)")
    inspection = fed_back(world, problems=3)
    login(client, world.office)
    client.post(f"/documents/inspection/{inspection.pk}/generate/")
    doc = Document.objects.get()
    response = client.get(f"/documents/issued/{doc.pk}/pdf/")
    assert response.status_code == 200, response.content[:500]
    pdf = body(response)
    assert pdf.startswith(b"%PDF")
    assert ".pdf" in response["Content-Disposition"]
    doc.refresh_from_db()
    assert doc.pdf and doc.history.first().history_change_reason == "生成PDF"
    again = client.get(f"/documents/issued/{doc.pk}/pdf/")
    assert body(again) == pdf  # kept, not converted again
    assert read_docx(io.BytesIO(doc.file.read())).paragraphs[1].text == doc.reference
