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
from xml.sax.saxutils import escape as escape_xml

from django.utils import timezone
from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
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


EXCEL_MAX_TEXT = 32_767


def clean_text(value: str) -> str:
    """What a cell can hold: no control characters (openpyxl refuses them, Excel would not open
    the file), at most Excel's 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_TEXT]


def safe_text(cell: WriteOnlyCell, value: str) -> None:
    """Store a string as text even when it looks like a formula (no formula injection)."""
    value = clean_text(value)
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
        self._style_ids: dict[tuple, int] = {}
        self._letters = [get_column_letter(i) for i in range(1, len(columns) + 2)]
        # Body rows as text need openpyxl's own XML writer underneath (not lxml's).
        self.raw = not LXML
        self._pending: tuple[int, str] | None = None

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
        if self.raw:
            self._openpyxl_write_row = ws._writer.write_row
            ws._writer.write_row = self._write_row
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
        values = [self.count]
        kinds = ["number"]
        lines = 1
        for column in self.columns:
            value = column.value(obj)
            if value is None or value == "":
                value = None
            elif isinstance(value, datetime.datetime):
                value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
            elif not isinstance(value, datetime.date | int | float):
                value = clean_text(str(value))
                lines = max(lines, text_lines(value, column.width))
            values.append(value)
            kinds.append(column.kind)
        # Spreadsheet programs do not grow a row for wrapped text written this way: size it.
        height = ROW_HEIGHT * min(lines, 30)
        if self.raw:
            self._pending = (HEADER_ROWS + self.in_sheet, self._row_xml(HEADER_ROWS + self.in_sheet, values, height))
            self.sheet.append(())  # goes out through _write_row below
        else:
            self._append_cells(values, kinds, height)

    def _append_cells(self, values: list, kinds: list[str], height: int) -> None:
        """A body row through openpyxl's cells (when openpyxl writes with lxml)."""
        ws = self.sheet
        cells = []
        for value, kind in zip(values, kinds, strict=True):
            cell = WriteOnlyCell(ws)
            number_format = None
            if isinstance(value, datetime.datetime):
                number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                number_format = "yyyy-mm-dd"
            if isinstance(value, str):
                safe_text(cell, value)
            else:
                cell.value = value
            # After the value: binding a date sets a number format on the cell's own style.
            cell._style = copy(self._body_style(ws, self._alignment(kind), number_format))
            cells.append(cell)
        row = HEADER_ROWS + self.in_sheet
        ws.row_dimensions[row].height = height
        ws.append(cells)
        # Written with the row: kept, a million rows' dimensions held hundreds of megabytes.
        del ws.row_dimensions[row]

    @staticmethod
    def _alignment(kind: str) -> Alignment:
        return CENTER if kind in ("date", "number") else WRAP

    # --- Body rows as text ------------------------------------------------------------------
    # openpyxl serializes each cell through a pure-Python XML writer: two thirds of a ledger's
    # time. With the same writer underneath (et_xmlfile, openpyxl's default), a body row is
    # written as the text openpyxl would write for it: the cells' style ids come from the
    # workbook's own style table, so the file is the same.

    def _style_id(self, kind: str, number_format: str | None) -> int:
        key = (kind, number_format)
        style_id = self._style_ids.get(key)
        if style_id is None:
            style = self._body_style(self.sheet, self._alignment(kind), number_format)
            style_id = self._style_ids[key] = self.wb._cell_styles.add(style)
        return style_id

    def _row_xml(self, row: int, values: list, height: int) -> str:
        parts = []
        letters = self._letters
        for i, value in enumerate(values):
            kind = "number" if i == 0 else self.columns[i - 1].kind
            ref = f"{letters[i]}{row}"
            if value is None:
                parts.append(f'<c r="{ref}" s="{self._style_id(kind, None)}" t="n" />')
            elif isinstance(value, str):
                space = ' xml:space="preserve"' if value.strip() != value else ""
                parts.append(
                    f'<c r="{ref}" s="{self._style_id(kind, None)}" t="inlineStr">'
                    f"<is><t{space}>{escape_xml(value)}</t></is></c>"
                )
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}" s="{self._style_id(kind, None)}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                parts.append(f'<c r="{ref}" s="{self._style_id(kind, None)}" t="n"><v>{safe_string(value)}</v></c>')
            else:  # a date or a datetime: a serial number with a date format
                fmt = "yyyy-mm-dd hh:mm" if isinstance(value, datetime.datetime) else "yyyy-mm-dd"
                serial = to_excel(value, self.wb.epoch)
                parts.append(f'<c r="{ref}" s="{self._style_id(kind, fmt)}" t="n"><v>{safe_string(serial)}</v></c>')
        return f'<row r="{row}" ht="{height}" customHeight="1">{"".join(parts)}</row>'

    def _write_row(self, xf, row, row_idx: int) -> None:
        """Replaces the sheet writer's write_row: a pending body row goes out as text, anything
        else (title, unit, date and header rows) the usual way."""
        pending, self._pending = self._pending, None
        if pending is None:
            self._openpyxl_write_row(xf, row, row_idx)
            return
        expected, text = pending
        if row_idx != expected:
            raise RuntimeError(f"ledger row {expected} would be written as row {row_idx}")
        xf._file(text)

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
