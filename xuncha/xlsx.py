"""Writing a ledger (台账) to .xlsx so that it prints as it is.

A merged title row, unit and date lines, a bold bordered header repeated on every printed
page, a 序号 column, wrapped text, set widths, a frozen header, A4 landscape, real dates.
openpyxl's write-only mode streams rows to disk, so memory stays flat however long the
ledger; past Excel's row limit the ledger continues on another sheet with the same header.
Text that a spreadsheet would read as a formula (= + - @) is written as text.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

EXCEL_MAX_ROWS = 1_048_576
HEADER_ROWS = 4  # title, unit, date, header
FORMULA_START = ("=", "+", "-", "@")

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


ROW_HEIGHT = 14  # points per line of 10-point text
WIDE = re.compile("[\u2e81-\U0010ffff]")  # characters that take two columns (found in C, not per character)


def text_lines(text: str, width: float) -> int:
    """Lines a text needs in a column `width` characters wide (a CJK character is two)."""
    lines = 0
    for paragraph in text.splitlines() or [""]:
        units = len(paragraph) + len(WIDE.findall(paragraph))
        lines += max(1, -(-units // max(int(width * 0.95), 1)))
    return lines


@dataclass(frozen=True)
class XColumn:
    header: str
    value: Callable[[Any], Any]
    width: float = 14
    kind: str = "text"  # text | date | number


def safe_text(cell: WriteOnlyCell, value: str) -> None:
    """Store a string as text even when it looks like a formula (no formula injection)."""
    cell.value = value
    if value.startswith(FORMULA_START):
        cell.data_type = "s"


class LedgerWriter:
    def __init__(
        self, *, title: str, unit: str, date_line: str, columns: list[XColumn], max_rows: int = EXCEL_MAX_ROWS
    ):
        self.title, self.unit, self.date_line = title, unit, date_line
        self.columns = columns
        self.rows_per_sheet = max_rows - HEADER_ROWS
        self.wb = Workbook(write_only=True)
        self.sheet = None
        self.sheets = 0
        self.in_sheet = 0
        self.count = 0
        self._styles: dict[tuple, StyleArray] = {}

    def _new_sheet(self) -> None:
        self.sheets += 1
        name = self.title[:28] if self.sheets == 1 else f"{self.title[:24]}（续{self.sheets - 1}）"
        ws = self.wb.create_sheet(name)
        widths = [6, *[c.width for c in self.columns]]
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        last = get_column_letter(len(widths))
        ws.merged_cells.add(CellRange(f"A1:{last}1"))
        ws.freeze_panes = f"A{HEADER_ROWS + 1}"
        ws.print_title_rows = f"{HEADER_ROWS}:{HEADER_ROWS}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        title = WriteOnlyCell(ws, value=self.title)
        title.font, title.alignment = TITLE_FONT, CENTER
        ws.row_dimensions[1].height = 30
        ws.append([title])
        ws.append([self._plain(ws, self.unit)])
        ws.append([self._plain(ws, self.date_line)])
        header = []
        for text in ["序号", *[c.header for c in self.columns]]:
            cell = WriteOnlyCell(ws, value=text)
            cell.font, cell.alignment, cell.border, cell.fill = HEADER_FONT, CENTER, BORDER, HEADER_FILL
            header.append(cell)
        ws.append(header)
        self.sheet = ws
        self.in_sheet = 0

    def _plain(self, ws, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws)
        safe_text(cell, text)
        cell.font = BODY_FONT
        return cell

    def _body_style(self, ws, alignment: Alignment, number_format: str | None) -> StyleArray:
        """The style of a body cell, made once per workbook. Setting font, border and alignment
        on each cell hashes every style object against the workbook's list each time: two
        thirds of the time a ledger took to write. A cell takes a copy of this array instead."""
        key = (id(alignment), number_format)
        style = self._styles.get(key)
        if style is None:
            cell = WriteOnlyCell(ws)
            cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, alignment
            if number_format:
                cell.number_format = number_format
            style = self._styles[key] = cell._style
        return style

    def add(self, obj) -> None:
        if self.sheet is None or self.in_sheet >= self.rows_per_sheet:
            self._new_sheet()
        self.count += 1
        self.in_sheet += 1
        ws = self.sheet
        number = WriteOnlyCell(ws, value=self.count)
        number._style = copy(self._body_style(ws, CENTER, None))
        cells = [number]
        lines = 1
        for column in self.columns:
            value = column.value(obj)
            cell = WriteOnlyCell(ws)
            number_format = None
            if value is None or value == "":
                cell.value = None
            elif isinstance(value, datetime.datetime):
                cell.value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
                number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.value = value
                number_format = "yyyy-mm-dd"
            elif isinstance(value, int | float):
                cell.value = value
            else:
                safe_text(cell, str(value))
            alignment = CENTER if column.kind in ("date", "number") else WRAP
            # After the value: binding a date sets a number format on the cell's own style.
            cell._style = copy(self._body_style(ws, alignment, number_format))
            cells.append(cell)
            if isinstance(cell.value, str):
                lines = max(lines, text_lines(cell.value, column.width))
        # Spreadsheet programs do not grow a row for wrapped text written this way: size it.
        row = HEADER_ROWS + self.in_sheet
        ws.row_dimensions[row].height = ROW_HEIGHT * min(lines, 30)
        ws.append(cells)
        # Written with the row: kept, a million rows' dimensions held hundreds of megabytes.
        del ws.row_dimensions[row]

    def add_all(self, objects: Iterable, progress: Callable[[int], None] | None = None, every: int = 1000) -> int:
        for obj in objects:
            self.add(obj)
            if progress is not None and self.count % every == 0:
                progress(self.count)
        return self.count

    def save(self, target) -> None:
        if self.sheet is None:
            self._new_sheet()  # an empty ledger still prints its title and header
        self.wb.save(target)
