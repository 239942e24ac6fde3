"""Columns of an import, declared once: the header, whether it is required, and a parser that
turns a cell into a value or says in Chinese what is wrong with it.

The same declaration writes the downloadable template (reports.imports.template) and reads
the filled-in file, so the two cannot drift apart.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices
from django.utils import translation

BAD_CELL = object()  # a formula or error cell, already reported by the reader


@dataclass(frozen=True, order=True)
class RowError:
    row: int | None  # the row number Excel shows; None for the file as a whole
    column: str  # the header (or column letter, or 工作表/表头)
    message: str

    @property
    def row_label(self) -> str:
        return "—" if self.row is None else str(self.row)


class CellError(ValueError):
    """A cell's content does not fit its column; the message is shown to the user."""


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[Any], Any]
    required: bool = False
    help: str = ""
    allowed: Callable[[], list[str]] | None = None  # offered as a drop-down, and listed in 说明
    width: float = 18
    list_in_notes: bool = True  # False where 说明 has a table of the values instead


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]  # field -> parsed value (None when blank)
    cells: dict[str, Any] = field(default_factory=dict)  # header -> the cell as read, for the preview
    bad: set[str] = field(default_factory=set)  # fields whose cell had an error


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_rows(columns: list[Column], sheet_rows) -> tuple[list[ParsedRow], list[RowError]]:
    rows, errors = [], []
    for sheet_row in sheet_rows:
        row = ParsedRow(sheet_row.number, {}, dict(sheet_row.values))
        for column in columns:
            raw = sheet_row.values.get(column.header)
            row.values[column.field] = None
            if raw is BAD_CELL:
                row.bad.add(column.field)
            elif is_blank(raw):
                if column.required:
                    row.bad.add(column.field)
                    errors.append(RowError(sheet_row.number, column.header, "此项必填，不能为空。"))
            else:
                try:
                    row.values[column.field] = column.parse(raw)
                except CellError as exc:
                    row.bad.add(column.field)
                    errors.append(RowError(sheet_row.number, column.header, str(exc)))
        rows.append(row)
    return rows, errors


# --- Parsers ----------------------------------------------------------------------------------


def text(max_length: int, *, single_line: bool = True) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if isinstance(value, bool | datetime.date | datetime.time | datetime.timedelta):
            raise CellError("应填写文字。")
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number typed into a text column: 1001 read back as 1001.0
        result = str(value).strip().replace("\r\n", "\n").replace("\r", "\n")
        if single_line:
            result = " ".join(result.split())
        if len(result) > max_length:
            raise CellError(f"不能超过 {max_length} 个字（现有 {len(result)} 个）。")
        return result

    return parse


def code(max_length: int = 50) -> Callable[[Any], str]:
    as_text = text(max_length)

    def parse(value: Any) -> str:
        result = as_text(value)
        if re.search(r"\s", result):
            raise CellError(f"代码“{result}”中不能有空格。")
        return result

    return parse


def labels_of(choices: type[TextChoices]) -> list[str]:
    # The Chinese labels are the msgids: read them untranslated, whatever the user's language.
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


def choice(choices: type[TextChoices]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        wanted = str(value).strip()
        with translation.override("zh-hans"):
            for member in choices:
                if wanted in (str(member.label), member.value):
                    return member.value
        raise CellError(f"“{wanted}”不是可选的值。可填：{'、'.join(labels_of(choices))}。")

    return parse


YES = ("是", "Y", "YES", "TRUE", "1")
NO = ("否", "N", "NO", "FALSE", "0")


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    wanted = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().upper()
    if wanted in YES:
        return True
    if wanted in NO:
        return False
    raise CellError(f"“{value}”无法识别，请填写“是”或“否”。")


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0):
            raise CellError("应填写日期，不带时间。")
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        wanted = value.strip()
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(wanted, fmt).date()
            except ValueError:
                continue
    raise CellError(f"“{value}”不是有效的日期，请填写如 2026-03-15 的日期。")


def shown(value: Any) -> str:
    """A cell as the preview shows it."""
    if value is None or value is BAD_CELL:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
