"""The read log of petitions and clues (DESIGN.md §5): every page or file that shows one writes
who read it, when and through which page; the office reviews the reads in its jurisdiction.

Writes and reads of one small concept kept together: `log_*` add rows (never change them),
`read_log_visible_to` scopes them.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.jurisdiction import path_q, subtree_paths
from accounts.models import Role, User

from .models import Clue, Petition, ReadKind, ReadLog, ReadVia

KIND_OF = {Petition: ReadKind.PETITION, Clue: ReadKind.CLUE}


def log_reads(*, user: User, records: Iterable[Petition | Clue], via: str, query: str = "", inspection=None) -> None:
    """One row per record shown. Each record's scope is its inspection's organization: pass the
    `inspection` when all share one, otherwise `records` must carry `inspection__organization`."""
    rows = [
        ReadLog(
            user=user,
            kind=KIND_OF[type(record)],
            via=via,
            record_id=record.pk,
            label=str(record)[:200],
            query=query[:500],
            scope_path=(inspection or record.inspection).organization.path,
        )
        for record in records
    ]
    ReadLog.objects.bulk_create(rows)


def log_export(
    *,
    user: User,
    model: type[Petition] | type[Clue],
    rows: int | None,
    query: str = "",
    inspection=None,
    via: str = ReadVia.EXPORT,
) -> None:
    """One row for a whole file (or an admin list page). Its scope is the exported inspection, or the reader's own
    jurisdiction (every exported record lies inside it): one row per subtree the reader holds."""
    if inspection is not None:
        paths = [inspection.organization.path]
    else:
        held = sorted({a.organization.path for a in user.active_assignments()}, key=len)
        paths = [p for i, p in enumerate(held) if not any(p.startswith(q) for q in held[:i])] or [""]
    ReadLog.objects.bulk_create(
        ReadLog(
            user=user,
            kind=KIND_OF[model],
            via=via,
            rows=rows or 0,
            label=str(inspection or "")[:200],
            query=query[:500],
            scope_path=path,
        )
        for path in paths
    )


def read_log_visible_to(user: User) -> QuerySet[ReadLog]:
    """Office staff review the reads of records in their subtree; nobody else sees the log."""
    return ReadLog.objects.filter(path_q("scope_path", subtree_paths(user, Role.OFFICE_ADMIN)))
