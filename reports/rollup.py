"""Computing the per-inspection rollup: the one place where DESIGN.md §3's counts are defined.

Every count is a GROUP BY inspection over one domain table, so recomputing one inspection and
rebuilding a province run the same queries, only over a different set of inspections.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.db.models.functions import Length
from django.utils import timezone

from campaigns.models import WENT_ON_SITE, Inspection, Organization, OrgLevel
from findings.models import (
    Clue,
    ClueDestination,
    ClueStatus,
    ImmediateNotice,
    Petition,
    Problem,
    ProblemStatus,
    Sanction,
    SanctionKind,
    SanctionSource,
)
from findings.selectors import APPROVED_STATUSES
from rectification.models import MEASURE_DONE, HandoverItem, HandoverStatus, Measure, RuleEstablished
from xuncha.figures_queue import TASK as REFRESH_TASK
from xuncha.outbox import backlog

from . import summaries
from .figures import rollup_verified
from .figures_cache import figures_changed
from .models import COUNT_FIELDS, InspectionRollup

FED_BACK = (ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.ONGOING)
RECTIFIED = (ProblemStatus.RECTIFIED, ProblemStatus.ONGOING)  # 长期坚持 is accepted rectification
# Inspections per transaction of a rebuild. Large: each batch reads the measures table once
# (a hash join beats a million index probes), so fewer batches cost less.
BATCH = 50_000


def _top(code: str) -> Q:
    """A problem whose category is the top-level category `code`, or one of its children."""
    return Q(category__code=code, category__parent__isnull=True) | Q(category__parent__code=code)


def _sanction_counts() -> dict:
    """Persons given 党纪政务处分 (one person given both a Party and an administrative sanction
    counts once), 组织处理 person-times, persons 移送司法机关 — in all and per source."""
    discipline = Q(kind__in=[SanctionKind.PARTY_DISCIPLINE, SanctionKind.GOVERNMENT])
    organizational = Q(kind=SanctionKind.ORGANIZATIONAL)
    judicial = Q(kind=SanctionKind.JUDICIAL)

    def three(prefix: str, where: Q) -> dict:
        return {
            f"{prefix}discipline_persons": Count("person_name", distinct=True, filter=where & discipline),
            f"{prefix}org_handling": Count("pk", filter=where & organizational),  # person-times
            f"{prefix}judicial": Count("person_name", distinct=True, filter=where & judicial),  # persons
        }

    out = three("sanction_", Q())
    for source in SanctionSource.values:
        out.update(three(f"sanction_{source}_", Q(source=source)))
    return out


def _problem_counts() -> dict:
    approved = Q(status__in=APPROVED_STATUSES)
    return {
        "problems_found": Count("pk", filter=approved),
        "problems_found_a": Count("pk", filter=approved & _top("A")),
        "problems_found_b": Count("pk", filter=approved & _top("B")),
        "problems_found_c": Count("pk", filter=approved & _top("C")),
        "problems_fed_back": Count("pk", filter=Q(status__in=FED_BACK)),
        "problems_rectified": Count("pk", filter=Q(status__in=RECTIFIED)),
        "problems_ongoing": Count("pk", filter=Q(status=ProblemStatus.ONGOING)),
    }


def _aggregates(today: datetime.date) -> list[tuple]:
    """(queryset of live child rows, path to the inspection id, {column: aggregate})."""
    disposed = Q(status=ClueStatus.DISPOSED)
    transferred = ~Q(status=ClueStatus.DRAFT)
    return [
        (Problem.objects.live(), "inspection_id", _problem_counts()),
        (
            ImmediateNotice.objects.live().filter(problem__withdrawn_at__isnull=True),
            "problem__inspection_id",
            {"immediate_notices": Count("pk")},
        ),
        (Petition.objects.live(), "inspection_id", {"petitions": Count("pk")}),
        (
            Clue.objects.live(),
            "inspection_id",
            {
                "clues_discipline": Count("pk", filter=transferred & Q(destination=ClueDestination.DISCIPLINE)),
                "clues_orgdept": Count("pk", filter=transferred & Q(destination=ClueDestination.ORG_DEPT)),
                "clues_disposed": Count("pk", filter=disposed),
                **{
                    f"disp_{d}": Count("pk", filter=disposed & Q(disposition=d))
                    for d in ("preliminary", "letter_inquiry", "case_opened", "closed", "shelved", "org_handling")
                },
            },
        ),
        (Sanction.objects.live(), "inspection_id", _sanction_counts()),
        (
            HandoverItem.objects.live(),
            "inspection_id",
            {"handover_items": Count("pk"), "handover_closed": Count("pk", filter=Q(status=HandoverStatus.CLOSED))},
        ),
        (
            RuleEstablished.objects.live(),
            "inspection_id",
            {
                "rules_established": Count("pk"),
                "rules_from_handover": Count("pk", filter=Q(handover_item__isnull=False)),
                "rules_from_problem": Count("pk", filter=Q(handover_item__isnull=True, problem__isnull=False)),
            },
        ),
        (
            Measure.objects.live().filter(problem__withdrawn_at__isnull=True),
            "problem__inspection_id",
            {
                "measures": Count("pk"),
                "measures_done": Count("pk", filter=Q(status__in=MEASURE_DONE)),
                "measures_overdue": Count("pk", filter=Q(deadline__lt=today) & ~Q(status__in=MEASURE_DONE)),
            },
        ),
    ]


def _district_joins() -> tuple[str, list, str, str]:
    """LEFT JOINs that find each inspection's district: the deepest district whose path is a
    prefix of the organization's. Paths are fixed-width, so a district of path length L is the
    organization whose path equals the first L characters: one equality join per length that
    districts have (in practice one), deepest first — no LIKE against every district."""
    lengths = sorted(
        {
            n
            for n in Organization.objects.filter(level=OrgLevel.DISTRICT)
            .annotate(n=Length("path"))
            .values_list("n", flat=True)
            .distinct()
        },
        reverse=True,
    )
    table = connection.ops.quote_name(Organization._meta.db_table)
    joins, params, ids, paths = [], [], [], []
    for i, n in enumerate(lengths):
        joins.append(f"LEFT JOIN {table} d{i} ON d{i}.level = %s AND d{i}.path = SUBSTR(b.r_org_path, 1, {int(n)})")
        params.append(OrgLevel.DISTRICT)
        ids.append(f"d{i}.id")
        paths.append(f"d{i}.path")
    district = f"COALESCE({', '.join(ids)})" if len(ids) > 1 else (ids[0] if ids else "NULL")
    # The district's path, else the unit's (a tree with no district at all: the unit's).
    anchor = f"COALESCE({', '.join([*paths, 'b.r_org_path'])})" if paths else "b.r_org_path"
    return " ".join(joins), params, district, anchor


# The inspection's own columns of a rollup row: rollup column → path from the inspection.
BASE = {
    "inspection_id": "pk",
    "round_id": "round_id",
    "term_id": "round__term_id",
    "committee_id": "round__term__committee_id",
    "organization_id": "organization_id",
    "team_id": "team_id",
    "org_path": "organization__path",
    "org_level": "organization__level",
    "mode": "mode",
    "status": "status",
    "went_on_site": ExpressionWrapper(Q(status__in=WENT_ON_SITE), output_field=BooleanField()),
    "feedback_date": "feedback_date",
    "rectification_deadline": "rectification_deadline",
}


def _upsert(columns: dict[str, str], source: str) -> str:
    """INSERT the rollup `columns` (column → SQL expression) selected `source` (FROM …), updating
    a row already there only where a value differs: the hourly rebuild finds almost every row
    unchanged, and rewriting them was half its time. computed_at is then when a row last
    changed; the figures are current as of the later of that and the last rebuild."""
    q = connection.ops.quote_name
    table = q(InspectionRollup._meta.db_table)
    updated = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns if c != "inspection_id")
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    differs = " OR ".join(
        f"{table}.{q(c)} {distinct} excluded.{q(c)}" for c in columns if c not in ("inspection_id", "computed_at")
    )
    return (
        f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) SELECT {', '.join(columns.values())} {source} "
        # "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT to parse an INSERT … SELECT.
        f"WHERE 1 = 1 ON CONFLICT ({q('inspection_id')}) DO UPDATE SET {updated} WHERE {differs}"
    )


def _write(where: dict) -> int:
    """Recompute and store the rollup rows of the live inspections selected by `where` (a
    lookup on the inspection id: a range for a rebuild batch, `__in` for edits), in one
    INSERT … SELECT … ON CONFLICT statement. Returns how many inspections it recomputed.

    The counts are the ORM aggregates of `_aggregates`, compiled to SQL and joined to the
    inspections in the database: no row travels to Python, so a province rebuild costs about
    what the GROUP BYs themselves cost."""
    inspections = (
        Inspection.objects.filter(withdrawn_at__isnull=True, **{f"pk{k}": v for k, v in where.items()})
        .order_by()
        .values(**{f"r_{column}": F(path) if isinstance(path, str) else path for column, path in BASE.items()})
    )
    base_sql, base_params = inspections.query.sql_with_params()
    params = [timezone.now(), *base_params]  # the first placeholder is computed_at, in the SELECT list
    joins = []
    counts = {}
    for i, (queryset, key, aggregates) in enumerate(_aggregates(timezone.localdate())):
        grouped = (
            queryset.filter(**{f"{key}{k}": v for k, v in where.items()})
            .order_by()
            .values(_iid=F(key))
            .annotate(**aggregates)
        )
        sql, more = grouped.query.sql_with_params()
        joins.append(f"LEFT JOIN ({sql}) a{i} ON a{i}._iid = b.r_inspection_id")
        params.extend(more)
        counts.update({column: f"COALESCE(a{i}.{connection.ops.quote_name(column)}, 0)" for column in aggregates})
    district_joins, district_params, district, anchor = _district_joins()
    params.extend(district_params)

    columns = {f"{column}": f"b.r_{column}" for column in BASE}
    columns.update(district_id=district, anchor_path=anchor, computed_at="%s")
    columns.update((column, counts[column]) for column in COUNT_FIELDS)

    sql = _upsert(columns, f"FROM ({base_sql}) b {' '.join(joins)} {district_joins}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiling this statement cost 170 ms a batch, more than it saved.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
    # A withdrawn inspection leaves the figures (a join to the selected rows' inspections, not a
    # NOT IN over every live inspection: that was two thirds of an edit's refresh).
    InspectionRollup.objects.filter(
        inspection__withdrawn_at__isnull=False, **{f"inspection_id{k}": v for k, v in where.items()}
    ).delete()
    return inspections.count()


def refresh(inspection_ids: list[int]) -> int:
    """Recompute some inspections (idempotent: running it twice writes the same rows)."""
    ids = sorted(set(inspection_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        # Neighbouring ids (a rebuild batch) are read as a range; scattered ones (edits) by IN.
        dense = chunk[-1] - chunk[0] < 4 * len(chunk)
        where = {"__gte": chunk[0], "__lte": chunk[-1]} if dense else {"__in": chunk}
        with transaction.atomic():
            before = summaries.keys_of(where)  # an inspection's key can change: old and new
            written += _write(where)
            summaries.recompute(before | summaries.keys_of(where), where)
            if settings.FIGURES_CACHE_SECONDS > 0:
                transaction.on_commit(figures_changed)  # cached dashboard answers are stale now
    return written


def rebuild() -> int:
    """Recompute every inspection, one batch of ids per transaction: a crash leaves every batch
    not yet reached exactly as it was, so figures never go blank."""
    started = timezone.now()
    written = 0
    last = 0
    while True:
        chunk = list(Inspection.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not chunk:
            break
        written += refresh(chunk)
        last = chunk[-1]
    with transaction.atomic():
        InspectionRollup.objects.exclude(inspection__in=Inspection.objects.live()).delete()
        summaries.rebuild()  # every pre-summed row, from the rollup as it now stands
    rollup_verified(started)  # every row is now current as of the rebuild's start
    figures_changed()
    return written


def minutes_behind() -> int | None:
    """How many minutes the oldest refresh still owed has waited, when that is longer than
    FIGURES_BEHIND_NOTICE_SECONDS (the worker or Redis down); else None. The dashboard says so."""
    oldest = backlog(task=REFRESH_TASK)["oldest_seconds"]
    if oldest <= settings.FIGURES_BEHIND_NOTICE_SECONDS:
        return None
    return max(1, round(oldest / 60))
