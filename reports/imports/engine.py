"""One import, all or nothing (DESIGN.md §5).

Read the sheet, parse every cell, plan every row against the database, and only when not a
single error was found, write everything in one transaction. The plan is made again inside
that transaction (the inspection locked where there is one), so a preview that has gone stale
since the upload is caught rather than half-applied.
"""

from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from campaigns.models import Inspection

from .reader import Limits, read_sheet
from .rows import Column, ParsedRow, RowError, parse_rows

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
ACTION_LABELS = {CREATE: "新建", UPDATE: "更新", UNCHANGED: "不变"}
IMPORT_REASON = "Excel 导入"


@dataclass
class PlannedRow:
    row: ParsedRow
    action: str
    note: str = ""
    # The record an update or unchanged row refers to; for a new organization, its parent
    # when that is already in the system.
    target: Any = None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class Context:
    user: User
    inspection: Inspection | None = None


class RowFailed(Exception):
    """A service refused one row while writing: the whole import is rolled back."""

    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


def refused_row(number: int | None, column: str, exc: ValidationError | PermissionDenied) -> RowFailed:
    if isinstance(exc, PermissionDenied):
        return RowFailed(RowError(number, column, str(exc) or "您无权进行此操作。"))
    return RowFailed(RowError(number, column, "；".join(exc.messages)))


def mark_imported(model, reasons: dict[int, str], chunk: int = 500) -> None:
    """Put the reason (how the record came, and what its model has no field for) on the
    history row a service has just written for each new record: one per record so far."""
    history = model.history.model
    ids = list(reasons)
    for i in range(0, len(ids), chunk):
        rows = list(history.objects.filter(id__in=ids[i : i + chunk]))
        for entry in rows:
            entry.history_change_reason = reasons[entry.id][:100]
        history.objects.bulk_update(rows, ["history_change_reason"])


class ImportKind:
    """What one kind of import declares; subclasses plan and apply rows."""

    key: ClassVar[str]
    title: ClassVar[str]  # 党组织名册
    sheet_name: ClassVar[str]  # the data sheet of the template
    columns: ClassVar[list[Column]]
    notes: ClassVar[list[str]] = []  # extra lines for the 说明 sheet
    needs_inspection: ClassVar[bool] = False

    def may_use(self, user: User) -> bool:
        raise NotImplementedError

    def check(self, ctx: Context, *, for_update: bool) -> Context:
        """Refuse the import as a whole (PermissionDenied/ValidationError), or return the
        context to plan with (its inspection locked when `for_update`)."""
        return ctx

    def plan(self, rows: list[ParsedRow], ctx: Context) -> tuple[list[PlannedRow], list[RowError]]:
        raise NotImplementedError

    def apply(self, planned: list[PlannedRow], ctx: Context) -> None:
        raise NotImplementedError

    def reference_lists(self) -> list[tuple[str, list[str]]]:
        """(title, values) of the drop-down lists written to the template's 可选值 sheet."""
        return [(c.header, c.allowed()) for c in self.columns if c.allowed is not None]

    def reference_tables(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """Extra tables for the 说明 sheet: (title, headers, rows)."""
        return []


@dataclass
class Outcome:
    kind: ImportKind
    errors: list[RowError] = field(default_factory=list)
    planned: list[PlannedRow] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for p in self.planned if p.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (CREATE, UPDATE, UNCHANGED)}


def run_import(
    kind: ImportKind,
    source: IO[bytes],
    *,
    user: User,
    inspection: Inspection | None = None,
    commit: bool,
    limits: Limits | None = None,
) -> Outcome:
    """Validate `source` (and write it, when `commit` and valid). Raises `Refused` for a file
    that cannot be read at all; every other problem comes back in `Outcome.errors`."""
    limits = limits or Limits.from_settings()
    sheet = read_sheet(source, sheet_name=kind.sheet_name, headers=[c.header for c in kind.columns], limits=limits)
    outcome = Outcome(kind, errors=list(sheet.errors))
    if sheet.complete and not sheet.rows:
        outcome.errors.append(RowError(None, "—", "文件中没有数据行：请从第 2 行起逐行填写。"))
    elif sheet.complete:
        _plan_and_write(kind, sheet.rows, outcome, Context(user=user, inspection=inspection), commit=commit)
    position = {c.header: i for i, c in enumerate(kind.columns)}
    outcome.errors.sort(key=lambda e: (e.row is not None, e.row or 0, position.get(e.column, len(position))))
    return outcome


def _plan_and_write(kind: ImportKind, sheet_rows, outcome: Outcome, ctx: Context, *, commit: bool) -> None:
    rows, cell_errors = parse_rows(kind.columns, sheet_rows)
    outcome.errors += cell_errors
    try:
        with transaction.atomic():
            try:
                ctx = kind.check(ctx, for_update=commit)
            except (ValidationError, PermissionDenied) as exc:
                raise refused_row(None, "巡察" if kind.needs_inspection else "—", exc) from None
            outcome.planned, plan_errors = kind.plan(rows, ctx)
            outcome.errors += plan_errors
            if commit and not outcome.errors:
                kind.apply(outcome.planned, ctx)
                outcome.saved = True
    except RowFailed as exc:
        outcome.errors.append(exc.error)
        outcome.saved = False
    except IntegrityError:
        # Someone else wrote the same codes between the plan and the write.
        outcome.errors.append(RowError(None, "—", "导入期间数据被他人同时修改，未保存任何数据，请重新导入。"))
        outcome.saved = False
