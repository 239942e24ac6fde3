"""The downloadable template of an import, written like the ledgers (xuncha.xlsx).

Sheet one is the data sheet: the header row the reader expects, a frozen header, set widths
and drop-down lists where a column takes fixed values. "说明" describes every column and lists
what may be filled in; "可选值" holds the drop-down lists. The same writer fills in rows, which
is how the tests (and anyone scripting) produce a file the import reads back.
"""

import datetime
from collections.abc import Iterable
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xuncha.xlsx import BODY_FONT, BORDER, CENTER, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP, safe_text

from .engine import ImportKind
from .reader import Limits

REQUIRED_FONT = Font(name="宋体", size=11, bold=True, color="C00000")
LISTS_SHEET = "可选值"
NOTES_SHEET = "说明"


def template_filename(kind: ImportKind) -> str:
    return f"{kind.title}导入模板.xlsx"


def write_template(kind: ImportKind, target: IO[bytes] | str, rows: Iterable[Iterable[Any]] = ()) -> None:
    """The template; `rows` (values in column order) are written below the header."""
    wb = Workbook(write_only=True)
    data = wb.create_sheet(kind.sheet_name)
    lists = kind.reference_lists()
    _data_sheet(wb, data, kind, rows, lists)
    _notes_sheet(wb, kind)
    _lists_sheet(wb, lists)
    wb.save(target)


def _data_sheet(wb, ws, kind: ImportKind, rows, lists) -> None:
    for i, column in enumerate(kind.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    limit = Limits.from_settings().max_rows + 1
    list_column = {title: get_column_letter(i) for i, (title, _values) in enumerate(lists, start=1)}
    for i, column in enumerate(kind.columns, start=1):
        if column.header not in list_column:
            continue
        letter, count = list_column[column.header], len(dict(lists)[column.header])
        # A drop-down where a column takes fixed values; typing something else is still
        # possible (the import says what is wrong), so keep Excel's own warning soft.
        validation = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${letter}$2:${letter}${count + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
        )
        validation.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{limit}")
        ws.data_validations.append(validation)
    header = []
    for column in kind.columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.alignment, cell.border, cell.fill = CENTER, BORDER, HEADER_FILL
        header.append(cell)
    ws.append(header)
    for values in rows:
        ws.append([_cell(ws, value) for value in values])


def _cell(ws, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    if isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        safe_text(cell, value)
    else:
        cell.value = value
    cell.font, cell.alignment = BODY_FONT, WRAP
    return cell


def _notes_sheet(wb, kind: ImportKind) -> None:
    ws = wb.create_sheet(NOTES_SHEET)
    for letter, width in zip("ABCD", (18, 8, 60, 40), strict=True):
        ws.column_dimensions[letter].width = width

    def line(*values, font=BODY_FONT):
        cells = []
        for value in values:
            cell = WriteOnlyCell(ws)
            safe_text(cell, str(value))
            cell.font, cell.alignment = font, WRAP
            cells.append(cell)
        ws.append(cells)

    line(f"{kind.title}导入说明", font=TITLE_FONT)
    line(f"在“{kind.sheet_name}”工作表中从第 2 行起每行填写一条，不要修改第 1 行的表头和工作表名称。")
    line(
        "红色表头为必填列。单元格中不要使用公式、不要合并单元格；整个文件要么全部导入，要么（有任何错误时）一条都不导入。"
    )
    limits = Limits.from_settings()
    line(f"每个文件最多 {limits.max_rows} 行、{limits.max_bytes // 1024 // 1024} MB，超过请分批导入。")
    for note in kind.notes:
        line(note)
    line("")
    line("列名", "必填", "说明", "可填的值", font=HEADER_FONT)
    for column in kind.columns:
        allowed = "、".join(column.allowed()) if column.allowed is not None and column.list_in_notes else ""
        line(column.header, "是" if column.required else "否", column.help, allowed)
    for title, headers, table in kind.reference_tables():
        line("")
        line(title, font=HEADER_FONT)
        line(*headers, font=HEADER_FONT)
        for values in table:
            line(*values)


def _lists_sheet(wb, lists: list[tuple[str, list[str]]]) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    for i, _item in enumerate(lists, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 30
    longest = max((len(values) for _title, values in lists), default=0)
    ws.append([_cell(ws, title) for title, _values in lists])
    for r in range(longest):
        ws.append([_cell(ws, values[r]) if r < len(values) else None for _title, values in lists])
