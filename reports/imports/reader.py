"""Reading an uploaded .xlsx that nobody vouches for.

Everything that could make a worker crash, swell or spin is checked on the zip's own
directory before openpyxl is handed the file: the upload is an OOXML zip (not an encrypted or
legacy OLE2 file, not a text file renamed), no member declares a size or compression ratio
that betrays a zip bomb, and the parts of a workbook are there. Python's zipfile never
inflates a member past its declared size (a lie ends in a CRC error), so these checks bound
the work that follows. Merged cells are found by streaming the sheet's XML (openpyxl's
read-only mode does not report them); cells are then read with openpyxl in read-only mode
and `data_only=False`, so a formula shows up as a formula instead of a cached result.

A file that cannot be read at all is `Refused`; what is wrong inside a readable sheet
(formulas, merged cells, headers) comes back as row errors, like any other cell error.
"""

import posixpath
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
from defusedxml import ElementTree
from django.conf import settings
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from .rows import BAD_CELL, RowError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEADER_ROW = 1
MAX_COLUMNS = 30  # read this far right: a value beyond the headers is reported, not lost
MAX_MEMBERS = 2000  # a workbook has a few dozen parts; thousands is a crafted file
RATIO_FLOOR = 1024 * 1024  # tiny parts compress oddly; the ratio matters for big ones
BLANK_ROWS_ALLOWED = 1000  # empty but formatted rows between and after the data
MAX_LISTED = 50  # formula/merge findings listed before "and N more"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

NOT_XLSX = "不是有效的 .xlsx 文件。请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（*.xlsx），或使用下载的模板。"
ENCRYPTED = "文件已加密（设置了密码），请取消密码后再导入。"
LEGACY_XLS = "这是旧版 Excel 97-2003（.xls）文件，请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入。"
DAMAGED = "文件内容已损坏或格式不规范，无法读取。请用 Excel 打开后重新保存为 .xlsx 再导入。"


class Refused(Exception):
    """The file as a whole cannot be imported; the message tells the user why, in Chinese."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_uncompressed: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.IMPORT_MAX_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
        )


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows
    values: dict[str, Any]  # header -> raw cell value


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    complete: bool = True  # False: the rows were not read (wrong sheet, headers, merged cells)


def megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def read_sheet(
    source: IO[bytes], *, sheet_name: str, headers: list[str], ignored: tuple[str, ...] = ("序号",), limits: Limits
) -> Sheet:
    """The data rows of `sheet_name`, keyed by header; `source` is a seekable binary file."""
    _check_size(source, limits)
    _check_magic(source)
    with _open_zip(source) as archive:
        _check_members(archive, limits)
        title, part = _sheet_part(archive, sheet_name)
        if part is None:
            names = "、".join(_sheet_names(archive)) or "无"
            return Sheet(
                complete=False,
                errors=[
                    RowError(
                        None,
                        "工作表",
                        f"找不到名为“{sheet_name}”的工作表（文件中的工作表：{names}）。请使用下载的模板。",
                    )
                ],
            )
        merged = _merged_cells_in_data(archive, part)
    if merged:
        # Merging leaves all but one cell of a range empty: reading on would only add noise.
        return Sheet(errors=merged, complete=False)
    source.seek(0)
    return _read_cells(source, title, headers, ignored, limits)


# --- Checks on the raw bytes and the zip directory ---------------------------------------


def _check_size(source: IO[bytes], limits: Limits) -> None:
    source.seek(0, 2)
    size = source.tell()
    source.seek(0)
    if size == 0:
        raise Refused("文件是空的。")
    if size > limits.max_bytes:
        raise Refused(f"文件大小 {megabytes(size)}，超过 {megabytes(limits.max_bytes)} 的上限，请拆分后分批导入。")


def _check_magic(source: IO[bytes]) -> None:
    head = source.read(8)
    source.seek(0)
    if head == OLE2_MAGIC:
        raise Refused(_ole2_message(source))
    if not head.startswith(ZIP_MAGIC):
        raise Refused(NOT_XLSX)


def _ole2_message(source: IO[bytes]) -> str:
    """An OLE2 compound file is either a password-protected OOXML file (its streams are
    EncryptionInfo and EncryptedPackage) or a legacy .xls (a Workbook stream). Stream names
    are UTF-16 in the directory sectors; the file is already known to be small."""
    data = source.read()
    source.seek(0)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ENCRYPTED
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return LEGACY_XLS
    return ENCRYPTED


def _open_zip(source: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise Refused(NOT_XLSX) from None


def _check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Refused(NOT_XLSX)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Refused(ENCRYPTED)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(NOT_XLSX)
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise Refused(
                f"文件解压后异常膨胀（压缩比超过 {limits.max_ratio}:1），疑似“压缩炸弹”，已拒绝导入。"
                "如确为正常表格，请删除多余的空白行列后重新保存。"
            )
        total += info.file_size
        if total > limits.max_uncompressed:
            raise Refused(
                f"文件解压后超过 {megabytes(limits.max_uncompressed)} 的上限，疑似“压缩炸弹”或内容过多，已拒绝导入。"
            )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise Refused(NOT_XLSX)


# --- Finding the sheet and its merged cells -----------------------------------------------


def _parse_part(archive: zipfile.ZipFile, name: str):
    try:
        return ElementTree.fromstring(archive.read(name))
    except KeyError:
        return None
    except Exception:  # defusedxml refusals (entities, DTDs), malformed XML, bad CRC
        raise Refused(DAMAGED) from None


def _sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, relationship id) in workbook order."""
    workbook = _parse_part(archive, "xl/workbook.xml")
    if workbook is None:
        raise Refused(NOT_XLSX)
    return [
        (el.get("name", ""), el.get(f"{REL_NS}id", ""))
        for el in workbook.iter()
        if el.tag.rsplit("}", 1)[-1] == "sheet"
    ]


def _sheet_names(archive: zipfile.ZipFile) -> list[str]:
    return [name for name, _rid in _sheets(archive)]


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> tuple[str, str | None]:
    """The sheet's exact title (stray spaces around it are forgiven) and its part in the zip."""
    title, rid = next(((name, rid) for name, rid in _sheets(archive) if name.strip() == sheet_name), ("", None))
    if rid is None:
        return sheet_name, None
    rels = _parse_part(archive, "xl/_rels/workbook.xml.rels")
    if rels is None:
        raise Refused(DAMAGED)
    target = next((el.get("Target", "") for el in rels.iter() if el.get("Id") == rid), "")
    if not target:
        raise Refused(DAMAGED)
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    if part not in archive.NameToInfo:
        raise Refused(DAMAGED)
    return title, part


def _merged_cells_in_data(archive: zipfile.ZipFile, part: str) -> list[RowError]:
    """Merged ranges below the header row, from a streaming pass over the sheet's XML (its
    size is already bounded by the zip checks; rows are dropped as they are passed)."""
    if not _mentions(archive, part, b"mergeCell"):
        return []  # the usual case, found at a fraction of the cost of parsing
    ranges = []
    try:
        with archive.open(part) as stream:
            for _event, el in ElementTree.iterparse(stream, events=("end",)):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "mergeCell":
                    ranges.append(el.get("ref", ""))
                elif tag == "row":
                    el.clear()
    except Exception:  # defusedxml refusals, malformed XML, bad CRC: the file is not sound
        raise Refused(DAMAGED) from None
    errors = []
    for ref in ranges:
        try:
            cells = CellRange(ref)
        except (ValueError, TypeError):
            raise Refused(DAMAGED) from None
        if cells.max_row > HEADER_ROW:
            errors.append(
                RowError(
                    max(cells.min_row, HEADER_ROW + 1),
                    ref,
                    f"数据区有合并单元格（{ref}），请取消合并、每行每格填写完整后再导入。",
                )
            )
    return _capped(errors, "合并单元格")


def _mentions(archive: zipfile.ZipFile, part: str, needle: bytes) -> bool:
    tail = b""
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(1024 * 1024):
                if needle in tail + chunk:
                    return True
                tail = chunk[-len(needle) :]
    except Exception:  # bad CRC or a truncated member: the file is not sound
        raise Refused(DAMAGED) from None
    return False


def _capped(errors: list[RowError], what: str) -> list[RowError]:
    if len(errors) <= MAX_LISTED:
        return errors
    more = RowError(None, "—", f"另有 {len(errors) - MAX_LISTED} 处{what}未逐一列出。")
    return [*errors[:MAX_LISTED], more]


# --- Reading the cells ----------------------------------------------------------------------


def _read_cells(
    source: IO[bytes],
    sheet_name: str,
    headers: list[str],
    ignored: tuple[str, ...],
    limits: Limits,
) -> Sheet:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension not supported" and the like
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=False, keep_links=False)
    except Exception:  # whatever openpyxl trips on in a file that passed the checks above
        raise Refused(DAMAGED) from None
    try:
        if sheet_name not in workbook.sheetnames:
            raise Refused(DAMAGED)  # openpyxl and the workbook part disagree: a crafted file
        worksheet = workbook[sheet_name]
        # The <dimension> element is written by the producing program and may be wrong; left
        # in place it would silently cut rows off.
        worksheet.reset_dimensions()
        rows = _safe_rows(worksheet)
        header_cells = next(rows, ())
        columns, sheet = _map_headers(header_cells, headers, ignored)
        if sheet.errors:
            sheet.complete = False  # without the right headers no cell can be read for what it is
            return sheet
        _read_data(rows, columns, limits, sheet)
        return sheet
    finally:
        workbook.close()


def _safe_rows(worksheet) -> Iterator[tuple]:
    rows = worksheet.iter_rows(min_row=HEADER_ROW, max_col=MAX_COLUMNS)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:  # malformed sheet XML met halfway through
            raise Refused(DAMAGED) from None
        yield row


def _map_headers(cells: tuple, headers: list[str], ignored: tuple[str, ...]) -> tuple[dict[int, str | None], Sheet]:
    """Column index -> expected header (None for an ignored column such as 序号)."""
    sheet = Sheet()
    columns: dict[int, str | None] = {}
    seen: dict[str, str] = {}
    for index, cell in enumerate(cells):
        letter = get_column_letter(index + 1)
        text = "" if cell.value is None else str(cell.value).strip()
        if not text:
            continue
        if text in ignored:
            columns[index] = None
        elif text not in headers:
            sheet.errors.append(RowError(HEADER_ROW, letter, f"无法识别的列“{text}”。请使用下载的模板中的表头。"))
        elif text in seen:
            sheet.errors.append(RowError(HEADER_ROW, letter, f"表头“{text}”与 {seen[text]} 列重复。"))
        else:
            seen[text] = letter
            columns[index] = text
    missing = [h for h in headers if h not in seen]
    if missing:
        sheet.errors.append(
            RowError(HEADER_ROW, "表头", f"缺少列：{'、'.join(missing)}。第 1 行须为下载的模板中的表头。")
        )
    return columns, sheet


def _read_data(rows: Iterator[tuple], columns: dict[int, str | None], limits: Limits, sheet: Sheet) -> None:
    formulas, stray = [], []
    for number, cells in enumerate(rows, start=HEADER_ROW + 1):
        if number - HEADER_ROW > limits.max_rows + BLANK_ROWS_ALLOWED:
            raise Refused(_too_many(limits, number))
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            header = columns.get(index)
            where = header or get_column_letter(index + 1)
            if cell.data_type == "f":
                formula = str(cell.value)[:40]
                formulas.append(
                    RowError(number, where, f"单元格含公式（{formula}），请复制后“选择性粘贴为数值”再导入。")
                )
                values[header or ""] = BAD_CELL
            elif cell.data_type == "e":
                sheet.errors.append(RowError(number, where, f"单元格为错误值 {cell.value}，请改为实际内容。"))
                values[header or ""] = BAD_CELL
            elif index in columns:
                if header is not None:
                    values[header] = cell.value
            elif _filled(cell.value):
                stray.append(RowError(number, where, "该列没有表头，无法识别这一格的内容。"))
        values.pop("", None)
        if any(_filled(v) for v in values.values()):
            if len(sheet.rows) >= limits.max_rows:
                raise Refused(_too_many(limits, number))
            sheet.rows.append(SheetRow(number, values))
    sheet.errors += _capped(formulas, "公式") + _capped(stray, "无表头的内容")


def _too_many(limits: Limits, number: int) -> str:
    return (
        f"数据超过 {limits.max_rows} 行的上限（第 {number} 行起），请拆分成多个文件分批导入。"
        "如表格下方有大量空白行，请删除后再导入。"
    )


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
