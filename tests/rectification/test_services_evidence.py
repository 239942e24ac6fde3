"""evidence_attach, directly and through measure_report: the type comes from the content, the
size is bounded, empty files are refused, and a refused file leaves the measure unchanged."""

import hashlib
import io
import re
import zipfile

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rectification import services as rs
from rectification.models import Evidence, MeasureStatus
from tests.world import D, fed_back

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.4\n%evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("整改报告")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "整改台账"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()


def with_member(package: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO(package)
    with zipfile.ZipFile(out, "a") as zf:
        zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.fixture
def measure(world):
    problem = fed_back(world, problems=1).problems.get()
    return rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="建立台账",
        responsible_unit=world.township,
        responsible_person="王主任",
        deadline=D(2026, 6, 30),
    )


def attach(world, measure, name, content):
    return rs.evidence_attach(user=world.liaison, measure=measure, upload=SimpleUploadedFile(name, content))


def test_a_pdf_is_stored_under_a_random_name_with_its_digest(world, measure):
    evidence = attach(world, measure, "公开栏 照片.pdf", PDF)
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "公开栏 照片.pdf"
    assert evidence.size == len(PDF)
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.uploaded_by == world.liaison
    assert evidence.file.name.startswith("evidence/")
    assert "公开栏" not in evidence.file.name
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("照片.png", PNG, "image/png"),
        ("照片.JPG", b"\xff\xd8\xff\xe0", "image/jpeg"),
        ("整改报告.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("整改台账.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("旧报告.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16, "application/msword"),
    ],
)
def test_an_allowed_file_whose_content_agrees_with_its_extension_is_kept(world, measure, name, content, content_type):
    evidence = attach(world, measure, name, content)
    assert evidence.content_type == content_type
    # Downloaded under its name, the extension as the list writes it.
    assert evidence.original_name == name.replace(".JPG", ".jpg")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # Issue 22, each stored and downloaded under its own name before:
        (
            "整改材料.docx",
            zip_bytes({"evil.exe": b"MZ\x90\x00"}),
            "不是完整的Word 文档（.docx）：缺少 [Content_Types].xml",
        ),
        ("整改报告.bat", PDF, "只能上传 .pdf、.png"),
        ("说明.html", PDF, "只能上传"),
        # The content must be what the extension says.
        ("照片.pdf", PNG, "内容不是扩展名所说的PDF"),
        ("整改报告.docx", PDF, "内容不是扩展名所说的Word 文档"),
        ("整改台账.xlsx", docx_bytes(), "不是完整的Excel 表格（.xlsx）：缺少 xl/workbook.xml"),
        # A real package with something executable or a macro inside.
        (
            "整改报告.docx",
            with_member(docx_bytes(), "word/media/setup.exe", b"MZ\x90\x00"),
            "可执行文件或宏（word/media/setup.exe）",
        ),
        (
            "整改报告.docx",
            with_member(docx_bytes(), "word/media/image1.png", b"MZ\x90\x00rest"),
            "可执行文件（word/media/image1.png）",
        ),
        (
            "整改台账.xlsx",
            with_member(xlsx_bytes(), "xl/vbaProject.bin", b"\xd0\xcf"),
            "可执行文件或宏（xl/vbaProject.bin）",
        ),
        ("整改报告.docx", b"PK\x03\x04" + b"\x00" * 16, "文件已损坏"),
        ("无扩展名", PDF, "只能上传"),
    ],
)
def test_a_file_not_on_the_list_or_not_what_its_extension_says_is_refused(world, measure, name, content, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        attach(world, measure, name, content)
    assert not Evidence.objects.exists()


def test_a_zip_bomb_is_refused_unpacked(world, measure):
    bomb = with_member(docx_bytes(), "word/media/big.xml", b"\x00" * 10_000_000)  # deflates to about 10 KB
    with pytest.raises(ValidationError, match="解压后过大"):
        attach(world, measure, "整改报告.docx", bomb)


def test_a_text_file_named_pdf_is_refused(world, measure):
    with pytest.raises(ValidationError, match="“伪装.pdf”不是允许的文件类型"):
        attach(world, measure, "伪装.pdf", b"just some text pretending to be a pdf")
    assert not Evidence.objects.exists()


def test_an_html_file_is_refused(world, measure):
    with pytest.raises(ValidationError, match="不是允许的文件类型"):
        attach(world, measure, "page.html", b"<html><script>alert(1)</script></html>")


def test_an_empty_file_is_refused(world, measure):
    with pytest.raises(ValidationError, match="“空.pdf”是空文件"):
        attach(world, measure, "空.pdf", b"")


def test_an_oversize_file_is_refused(world, measure, settings):
    settings.UPLOAD_MAX_BYTES = len(PDF) - 1
    with pytest.raises(ValidationError, match="“大.pdf”超过.*大小限制"):
        attach(world, measure, "大.pdf", PDF)
    assert not Evidence.objects.exists()


def test_a_file_exactly_at_the_limit_is_accepted(world, measure, settings):
    settings.UPLOAD_MAX_BYTES = len(PDF)
    assert attach(world, measure, "a.pdf", PDF).size == len(PDF)


def test_the_limit_is_named_in_megabytes(world, measure, settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("大.pdf", PDF + b"\x00" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError, match=r"超过2\.0\sMB的大小限制"):
        rs.evidence_attach(user=world.liaison, measure=measure, upload=big)


# --- through measure_report: a refused file changes nothing --------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"plain text", "不是允许的文件类型"), (b"", "是空文件"), (PDF + b"x" * 64, "大小限制")],
)
def test_a_report_with_a_refused_file_changes_nothing(world, measure, settings, content, message):
    settings.UPLOAD_MAX_BYTES = len(PDF) + 32
    files = [SimpleUploadedFile("good.pdf", PDF), SimpleUploadedFile("bad.pdf", content)]
    with pytest.raises(ValidationError, match=message):
        rs.measure_report(user=world.liaison, measure=measure, progress="已完成", files=files)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED
    assert measure.progress == ""
    assert not Evidence.objects.exists()


def test_a_report_keeps_every_file(world, measure):
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)]
    measure = rs.measure_report(user=world.liaison, measure=measure, progress="已完成", files=files)
    assert sorted(measure.evidence.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]
