"""Keeping the pre-summed rollup rows (RollupSummary, RollupTeam, RollupOrgCount, SplitOrganization) equal
to what summing the per-inspection rollup would give, in the transaction that writes it.

A refresh recomputes, from the rollup rows, every summary row of each round its inspections
belonged to before the write or belong to after it (an edit can move an inspection to another
key: a mode, a level, a withdrawal), and every organization count of each anchor they touched.
Recomputing a whole round or anchor costs little (a round is ~100 inspections, a district ~1,000)
and needs no bookkeeping of which key held what. rebuild() recomputes everything.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Sum

from .models import COUNT_FIELDS, InspectionRollup, RollupOrgCount, RollupSummary, RollupTeam, SplitOrganization

KEY = ["round_id", "term_id", "committee_id", "district_id", "anchor_path", "org_level", "mode"]
TEAM_KEY = ["round_id", "term_id", "committee_id", "team_id", "anchor_path", "org_level", "mode"]
# Grains of the organization counts: the key columns each keeps besides anchor and level.
GRAINS = {
    RollupOrgCount.Grain.ALL: [],
    RollupOrgCount.Grain.COMMITTEE: ["committee_id"],
    RollupOrgCount.Grain.TERM: ["term_id", "committee_id"],
}
LOCK = 0x78756E6368  # one advisory lock: two refreshes never recompute the same rows at once


@dataclass(frozen=True)
class Keys:
    """Rounds and anchors whose pre-summed rows must be recomputed."""

    rounds: frozenset = frozenset()
    anchors: frozenset = frozenset()

    def __or__(self, other: "Keys") -> "Keys":
        return Keys(self.rounds | other.rounds, self.anchors | other.anchors)


def _selected(where: dict) -> QuerySet:
    return InspectionRollup.objects.filter(**{f"inspection_id{k}": v for k, v in where.items()})


def keys_of(where: dict) -> Keys:
    """The rounds and anchors of the rollup rows of the inspections selected by `where`."""
    rows = set(_selected(where).order_by().values_list("round_id", "anchor_path").distinct())
    return Keys(frozenset(r for r, _ in rows), frozenset(a for _, a in rows))


def _lock() -> None:
    """Serialize recomputes: a second one waits, then reads the first one's committed rows
    (READ COMMITTED takes a new snapshot per statement), so no row is summed twice or lost."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def _select(grouped: QuerySet, targets: list[str], constants: dict) -> tuple[str, list]:
    """A SELECT of `targets` from the grouped rows: values() columns keep their names, the
    annotations are named x_<column>; `constants` give the others (None: a NULL id)."""
    sql, params = grouped.query.sql_with_params()
    q = connection.ops.quote_name
    names = {name.removeprefix("x_"): name for name in [*grouped.query.values_select, *grouped.query.annotation_select]}
    values, first = [], []
    for target in targets:
        if target in names:
            values.append(f"x.{q(names[target])}")
        elif constants.get(target) is None:
            values.append("CAST(NULL AS BIGINT)")  # typed: a UNION ALL of NULLs and ids
        else:
            values.append("%s")
            first.append(constants[target])
    return f"SELECT {', '.join(values)} FROM ({sql}) x", [*first, *params]


def _insert(model, targets: list[str], selects: list[tuple[str, list]]) -> None:
    """One INSERT … SELECT (… UNION ALL …) into `model`: no row travels to Python."""
    q = connection.ops.quote_name
    sql = " UNION ALL ".join(s for s, _ in selects)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(t) for t in targets)}) {sql}",
            [p for _, params in selects for p in params],
        )


def _write_summaries(rows: QuerySet) -> None:
    sums = {f"x_{name}": Sum(name) for name in COUNT_FIELDS}
    grouped = rows.order_by().values(*KEY).annotate(x_inspections=Count("pk"), x_computed_at=Max("computed_at"), **sums)
    targets = [*KEY, "inspections", "computed_at", *COUNT_FIELDS]
    _insert(RollupSummary, targets, [_select(grouped, targets, {})])
    teams = rows.filter(team_id__isnull=False).order_by().values(*TEAM_KEY).distinct()
    _insert(RollupTeam, TEAM_KEY, [_select(teams, TEAM_KEY, {})])


def _write_org_counts(rows: QuerySet) -> None:
    on_site = rows.filter(went_on_site=True).order_by()
    targets = ["grain", "committee_id", "term_id", "mode", "anchor_path", "org_level", "organizations"]
    selects = []
    for grain, columns in GRAINS.items():
        for by_mode in (False, True):
            fields = [*columns, *(["mode"] if by_mode else []), "anchor_path", "org_level"]
            grouped = on_site.values(*fields).annotate(x_organizations=Count("organization_id", distinct=True))
            selects.append(_select(grouped, targets, {"grain": str(grain), "mode": ""}))
    _insert(RollupOrgCount, targets, selects)


def _write_splits(rows: QuerySet) -> None:
    """List the organizations among `rows`' whose rollup rows disagree on anchor or level."""
    split = (
        rows.order_by()
        .values("organization_id")
        .annotate(x_anchors=Count("anchor_path", distinct=True), x_levels=Count("org_level", distinct=True))
        .filter(Q(x_anchors__gt=1) | Q(x_levels__gt=1))
    )
    _insert(SplitOrganization, ["organization_id"], [_select(split, ["organization_id"], {})])


def recompute(keys: Keys, where: dict) -> None:
    """Recompute the pre-summed rows of `keys`, and the split check of the organizations of
    the inspections selected by `where` (inside the transaction that wrote their rollup rows)."""
    if not keys.rounds and not keys.anchors:
        return
    _lock()
    RollupSummary.objects.filter(round_id__in=keys.rounds).delete()
    RollupTeam.objects.filter(round_id__in=keys.rounds).delete()
    _write_summaries(InspectionRollup.objects.filter(round_id__in=keys.rounds))
    RollupOrgCount.objects.filter(anchor_path__in=keys.anchors).delete()
    _write_org_counts(InspectionRollup.objects.filter(anchor_path__in=keys.anchors))
    touched = _selected(where).values("organization_id")
    SplitOrganization.objects.filter(organization_id__in=touched).delete()
    _write_splits(InspectionRollup.objects.filter(organization_id__in=touched))


def rebuild() -> None:
    """Recompute every pre-summed row from the rollup (inside a transaction)."""
    _lock()
    for model in (RollupSummary, RollupTeam, RollupOrgCount, SplitOrganization):
        model.objects.all().delete()
    rows = InspectionRollup.objects.all()
    _write_summaries(rows)
    _write_org_counts(rows)
    _write_splits(rows)
