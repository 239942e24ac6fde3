"""Files nobody should trust get a clear Chinese refusal, fast, and never an exception or a
hang: not an xlsx at all, password-protected, too big, too many rows, formulas, merged cells,
zip bombs (honest and lying), XML bombs, a sheet that lies about its size.

The builders here are also used by the page and command tests."""

import struct
import time
import zipfile
import zlib
from io import BytesIO

import pytest
from openpyxl import load_workbook

from reports.imports.engine import run_import
from reports.imports.kinds import KINDS
from reports.imports.reader import Refused
from reports.imports.template import write_template

pytestmark = pytest.mark.django_db

KIND = KINDS["organizations"]
SHEET = "xl/worksheets/sheet1.xml"
ROWS = [
    ["QH-A-T2", "新河镇党委", "QH-A", "乡镇/街道", "党委", "否"],
    ["QH-A-T3", "白沙镇党委", "QH-A", "乡镇/街道", "党委", "否"],
]
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MIB = 1 << 20


# --- Builders -----------------------------------------------------------------------------


def template_bytes(rows=ROWS, kind=KIND) -> bytes:
    buf = BytesIO()
    write_template(kind, buf, rows)
    return buf.getvalue()


def edited(change, rows=ROWS) -> bytes:
    """The template with rows, changed through openpyxl's normal (editing) mode."""
    wb = load_workbook(BytesIO(template_bytes(rows)))
    change(wb.worksheets[0])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_sheet_xml(xml: bytes, base: bytes | None = None) -> bytes:
    """A valid workbook whose first sheet's XML is replaced by `xml`."""
    source = zipfile.ZipFile(BytesIO(base or template_bytes()))
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, xml if info.filename == SHEET else source.read(info.filename))
    return buf.getvalue()


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _spaces(mebibytes: int) -> tuple[bytes, int]:
    """Raw deflate of `mebibytes` MiB of spaces, and its CRC, without compressing them all:
    after a full flush the compressor starts afresh, so every MiB deflates to the same bytes."""
    chunk = b" " * MIB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    return block * mebibytes + tail, crc


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand: (name, deflated data, crc, declared uncompressed size)."""
    body, directory = BytesIO(), BytesIO()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = body.tell()
        body.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0))
        body.write(encoded + data)
        directory.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                *(b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset),
            )
        )
        directory.write(encoded)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), directory.tell(), body.tell(), 0)
    return body.getvalue() + directory.getvalue() + end


def zip_bomb(mebibytes: int = 200, declared: int | None = None) -> bytes:
    """A workbook whose sheet is `mebibytes` MiB of spaces in about a thousandth of the space;
    `declared` makes the zip lie about the sheet's size."""
    source = zipfile.ZipFile(BytesIO(template_bytes()))
    members = []
    for info in source.infolist():
        if info.filename == SHEET:
            data, crc = _spaces(mebibytes)
            members.append((SHEET, data, crc, declared if declared is not None else mebibytes * MIB))
        else:
            raw = source.read(info.filename)
            members.append((info.filename, _deflate(raw), zlib.crc32(raw), len(raw)))
    return _zip(members)


# --- Running them -------------------------------------------------------------------------


def outcome_of(world, data: bytes):
    started = time.monotonic()
    outcome = run_import(KIND, BytesIO(data), user=world.office, commit=True)
    assert time.monotonic() - started < 2
    return outcome


def refusal_of(world, data: bytes) -> str:
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        run_import(KIND, BytesIO(data), user=world.office, commit=True)
    assert time.monotonic() - started < 2, "a refusal must come at once"
    return str(refused.value)


def test_a_text_file_renamed_xlsx_is_not_an_xlsx(world):
    assert refusal_of(world, "组织代码,名称\nQH-A-T2,新河镇".encode()).startswith("不是有效的 .xlsx 文件")


def test_an_empty_file_is_refused(world):
    assert refusal_of(world, b"") == "文件是空的。"


def test_a_password_protected_file_is_refused_as_encrypted(world):
    data = OLE2 + b"\0" * 4096
    assert refusal_of(world, data) == "文件已加密（设置了密码），请取消密码后再导入。"
    with_streams = OLE2 + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    assert refusal_of(world, with_streams) == "文件已加密（设置了密码），请取消密码后再导入。"


def test_a_legacy_xls_is_asked_to_be_saved_as_xlsx(world):
    data = OLE2 + b"\0" * 512 + "Workbook".encode("utf-16-le") + b"\0" * 512
    assert "旧版 Excel 97-2003（.xls）" in refusal_of(world, data)


def test_another_zip_such_as_a_word_file_is_not_an_xlsx(world):
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    assert refusal_of(world, buf.getvalue()).startswith("不是有效的 .xlsx 文件")


def test_a_truncated_file_is_not_an_xlsx(world):
    data = template_bytes()
    assert refusal_of(world, data[: len(data) // 2]).startswith("不是有效的 .xlsx 文件")


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 2048
    assert "超过 2 KB 的上限" in refusal_of(world, template_bytes())


def test_more_rows_than_the_limit_are_refused_and_the_limit_is_said(world, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [[f"QH-A-N{i}", f"新组织{i}", "QH-A", "乡镇/街道", "党委", "否"] for i in range(6)]
    assert refusal_of(world, template_bytes(rows)).startswith("数据超过 5 行的上限（第 7 行起）")
    assert outcome_of(world, template_bytes(rows[:5])).saved


def test_a_sheet_reaching_to_excels_last_row_is_refused_without_reading_a_million_rows(world):
    last_row = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    xml = zipfile.ZipFile(BytesIO(template_bytes())).read(SHEET).replace(b"</sheetData>", last_row)
    assert refusal_of(world, with_sheet_xml(xml)).startswith("数据超过 10000 行的上限")


def test_a_formula_is_refused_with_its_row_and_column(world):
    def formula(ws):
        ws["B3"] = "=SUM(1,2)"

    outcome = outcome_of(world, edited(formula))
    assert not outcome.saved
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (3, "名称", "单元格含公式（=SUM(1,2)），请复制后“选择性粘贴为数值”再导入。")
    ]


def test_text_that_only_looks_like_a_formula_is_text(world):
    rows = [["QH-A-T2", "=新河镇党委", "QH-A", "乡镇/街道", "党委", "否"]]
    assert outcome_of(world, template_bytes(rows)).saved


def test_merged_cells_in_the_data_area_are_refused_with_their_ranges(world):
    def merge(ws):
        ws.merge_cells("B2:B3")
        ws.merge_cells("D3:E3")

    outcome = outcome_of(world, edited(merge))
    assert not outcome.saved
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "B2:B3"), (3, "D3:E3")]
    assert outcome.errors[0].message == "数据区有合并单元格（B2:B3），请取消合并、每行每格填写完整后再导入。"


def test_a_zip_bomb_is_refused_before_anything_is_inflated(world):
    data = zip_bomb(200)
    assert len(data) < 400_000
    assert "疑似“压缩炸弹”" in refusal_of(world, data)


def test_a_zip_bomb_under_the_size_limit_is_refused_for_its_compression_ratio(world):
    assert "压缩比超过 100:1" in refusal_of(world, zip_bomb(20))


def test_a_zip_that_lies_about_a_members_size_is_refused_as_damaged(world):
    # Declared 1000 bytes, holding 50 MiB: zipfile stops at the declared size and the CRC fails.
    assert refusal_of(world, zip_bomb(50, declared=1000)).startswith("文件内容已损坏")


def test_an_xml_entity_bomb_is_refused_as_damaged(world):
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    xml = laughs + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    xml += b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    assert refusal_of(world, with_sheet_xml(xml)).startswith("文件内容已损坏")


def test_malformed_sheet_xml_is_refused_as_damaged(world):
    assert refusal_of(world, with_sheet_xml(b"<worksheet><sheetData><row r='1'>")).startswith("文件内容已损坏")


def test_rows_beyond_what_the_sheet_claims_as_its_dimension_are_still_read(world):
    # Excel writes <dimension> after <sheetPr>; here it claims the header is all there is.
    xml = zipfile.ZipFile(BytesIO(template_bytes())).read(SHEET)
    lying = xml.replace(b"</sheetPr>", b'</sheetPr><dimension ref="A1:F1"/>', 1)
    assert lying != xml
    outcome = outcome_of(world, with_sheet_xml(lying))
    assert outcome.saved and outcome.counts["create"] == 2


def test_a_wrong_sheet_name_is_an_error(world):
    def rename(ws):
        ws.title = "Sheet1"

    outcome = outcome_of(world, edited(rename))
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (None, "工作表", "找不到名为“党组织”的工作表（文件中的工作表：Sheet1、说明、可选值）。请使用下载的模板。")
    ]


def test_wrong_headers_are_an_error_and_no_row_is_read(world):
    def headers(ws):
        ws["B1"] = "单位名称"
        ws["G1"] = "党组织类型"

    outcome = outcome_of(world, edited(headers))
    assert [(e.row, e.column) for e in outcome.errors] == [(1, "B"), (1, "G"), (1, "表头")]
    assert outcome.errors[0].message == "无法识别的列“单位名称”。请使用下载的模板中的表头。"
    assert outcome.errors[1].message == "表头“党组织类型”与 E 列重复。"
    assert outcome.errors[2].message == "缺少列：名称。第 1 行须为下载的模板中的表头。"


def test_a_value_in_a_column_without_a_header_is_an_error(world):
    def stray(ws):
        ws["H2"] = "备注"

    outcome = outcome_of(world, edited(stray))
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [(2, "H", "该列没有表头，无法识别这一格的内容。")]


def test_an_empty_template_says_there_are_no_rows(world):
    outcome = outcome_of(world, template_bytes([]))
    assert [e.message for e in outcome.errors] == ["文件中没有数据行：请从第 2 行起逐行填写。"]
