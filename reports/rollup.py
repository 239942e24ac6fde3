"""Computing the per-inspection rollup: the one place where DESIGN.md §3's counts are defined.

Every count is a GROUP BY inspection over one domain table, so recomputing one inspection and
rebuilding a province run the same queries, only over a different set of inspections.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
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

from .figures_cache import figures_changed
from .models import COUNT_FIELDS, InspectionRollup

FED_BACK = (ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.ONGOING)
RECTIFIED = (ProblemStatus.RECTIFIED, ProblemStatus.ONGOING)  # 长期坚持 is accepted rectification
BATCH = 2000


def _top(code: str) -> Q:
    """A problem whose category is the top-level category `code`, or one of its children."""
    return Q(category__code=code, category__parent__isnull=True) | Q(category__parent__code=code)


def _aggregates(today: datetime.date) -> list[tuple]:
    """(queryset of live child rows, path to the inspection id, {column: aggregate})."""
    disposed = Q(status=ClueStatus.DISPOSED)
    transferred = ~Q(status=ClueStatus.DRAFT)
    return [
        (
            Problem.objects.live(),
            "inspection_id",
            {
                "problems_found": Count("pk", filter=Q(status__in=APPROVED_STATUSES)),
                "problems_found_a": Count("pk", filter=Q(status__in=APPROVED_STATUSES) & _top("A")),
                "problems_found_b": Count("pk", filter=Q(status__in=APPROVED_STATUSES) & _top("B")),
                "problems_found_c": Count("pk", filter=Q(status__in=APPROVED_STATUSES) & _top("C")),
                "problems_fed_back": Count("pk", filter=Q(status__in=FED_BACK)),
                "problems_rectified": Count("pk", filter=Q(status__in=RECTIFIED)),
                "problems_ongoing": Count("pk", filter=Q(status=ProblemStatus.ONGOING)),
            },
        ),
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
        (
            Sanction.objects.live(),
            "inspection_id",
            {
                # Persons: one person given both a Party and an administrative sanction counts once.
                "sanction_discipline_persons": Count(
                    "person_name",
                    distinct=True,
                    filter=Q(kind__in=[SanctionKind.PARTY_DISCIPLINE, SanctionKind.GOVERNMENT]),
                ),
                "sanction_org_handling": Count("pk", filter=Q(kind=SanctionKind.ORGANIZATIONAL)),  # person-times
                "sanction_judicial": Count("pk", filter=Q(kind=SanctionKind.JUDICIAL)),
                "sanctions_from_clue": Count("pk", filter=Q(source=SanctionSource.CLUE)),
                "sanctions_from_handover": Count("pk", filter=Q(source=SanctionSource.HANDOVER)),
                "sanctions_from_rectification": Count("pk", filter=Q(source=SanctionSource.RECTIFICATION)),
            },
        ),
        (
            HandoverItem.objects.live(),
            "inspection_id",
            {"handover_items": Count("pk"), "handover_closed": Count("pk", filter=Q(status=HandoverStatus.CLOSED))},
        ),
        (RuleEstablished.objects.live(), "inspection_id", {"rules_established": Count("pk")}),
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


def _district_paths() -> list[tuple[str, int]]:
    """Every district's path, deepest first: an inspection counts in the district above it."""
    rows = Organization.objects.filter(level=OrgLevel.DISTRICT).values_list("path", "pk")
    return sorted(rows, key=lambda r: -len(r[0]))


def compute(inspections) -> list[InspectionRollup]:
    """The rollup rows of the live inspections in `inspections` (a queryset), not saved."""
    now = timezone.now()
    rows: dict[int, dict] = {}
    base = inspections.filter(withdrawn_at__isnull=True).values(
        "pk",
        "round_id",
        "round__term_id",
        "round__term__committee_id",
        "organization_id",
        "organization__path",
        "organization__level",
        "mode",
        "status",
        "feedback_date",
        "rectification_deadline",
    )
    for i in base:
        rows[i["pk"]] = {
            "inspection_id": i["pk"],
            "round_id": i["round_id"],
            "term_id": i["round__term_id"],
            "committee_id": i["round__term__committee_id"],
            "organization_id": i["organization_id"],
            "org_path": i["organization__path"],
            "org_level": i["organization__level"],
            "mode": i["mode"],
            "status": i["status"],
            "went_on_site": i["status"] in WENT_ON_SITE,
            "feedback_date": i["feedback_date"],
            "rectification_deadline": i["rectification_deadline"],
            "computed_at": now,
            **dict.fromkeys(COUNT_FIELDS, 0),
        }
    if not rows:
        return []
    districts = _district_paths()
    for row in rows.values():
        row["district_id"] = next((pk for path, pk in districts if row["org_path"].startswith(path)), None)
    ids = list(rows)
    lo, hi = min(ids), max(ids)
    today = timezone.localdate()
    # Neighbouring ids (a rebuild batch) are read as a range; scattered ones (edits) by IN.
    dense = hi - lo < 4 * len(ids)
    where = {"__gte": lo, "__lte": hi} if dense else {"__in": ids}
    for queryset, key, aggregates in _aggregates(today):
        grouped = (
            queryset.filter(**{f"{key}{lookup}": value for lookup, value in where.items()})
            .order_by()
            .values(key)
            .annotate(**aggregates)
        )
        for values in grouped:
            row = rows.get(values.pop(key))
            if row is not None:
                row.update(values)
    return [InspectionRollup(**row) for row in rows.values()]


# Compared to decide whether a stored row is still right (everything but the timestamp).
COMPARED = [f.attname for f in InspectionRollup._meta.concrete_fields if f.name != "computed_at"]


def save(rollups: list[InspectionRollup]) -> None:
    """Write the rows that differ from the stored ones; the others only get the new timestamp
    (one UPDATE for the whole batch, so the queries do not depend on how many changed).

    The hourly rebuild finds almost every row unchanged: upserting them all made Django prepare
    fifty values a row, two thirds of the rebuild's time."""
    stored = {
        row[0]: row
        for row in InspectionRollup.objects.filter(inspection_id__in=[r.inspection_id for r in rollups]).values_list(
            *COMPARED
        )
    }
    changed = [r for r in rollups if stored.get(r.inspection_id) != tuple(getattr(r, f) for f in COMPARED)]
    if rollups:
        ids = [r.inspection_id for r in rollups]
        InspectionRollup.objects.filter(inspection_id__in=ids).update(computed_at=rollups[0].computed_at)
    InspectionRollup.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["inspection"],
        update_fields=[f.name for f in InspectionRollup._meta.concrete_fields if not f.primary_key],
        batch_size=500,
    )


def refresh(inspection_ids: list[int]) -> int:
    """Recompute some inspections (idempotent: running it twice writes the same rows)."""
    ids = sorted(set(inspection_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            rollups = compute(Inspection.objects.filter(pk__in=chunk))
            save(rollups)
            # A withdrawn inspection leaves the figures.
            InspectionRollup.objects.filter(inspection_id__in=chunk).exclude(
                inspection_id__in=[r.inspection_id for r in rollups]
            ).delete()
            if settings.FIGURES_CACHE_SECONDS > 0:
                transaction.on_commit(figures_changed)  # cached dashboard answers are stale now
        written += len(rollups)
    return written


def rebuild() -> int:
    """Recompute every inspection, one batch per transaction: a crash leaves every batch not yet
    reached exactly as it was, so figures never go blank."""
    written = 0
    last = 0
    while True:
        chunk = list(Inspection.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not chunk:
            break
        written += refresh(chunk)
        last = chunk[-1]
    if InspectionRollup.objects.exclude(inspection__in=Inspection.objects.live()).delete()[0]:
        figures_changed()
    return written
