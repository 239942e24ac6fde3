"""Where figures() reads its sums: the pre-summed rows (RollupSummary, RollupTeam, RollupOrgCount) when the
scope allows, otherwise the per-inspection rollup. Either way the same parts come back, and
they are equal: the pre-summed rows are exact sums of the rollup rows (reports.summaries).

The pre-summed rows are grouped by anchor (a district's path, or a unit's own path where no
district is above it). They serve a jurisdiction root, or a district asked for, only when no
anchor is a proper prefix of it: then every anchor lies wholly inside or wholly outside it. A
root deeper than its district (a township office, a single unit) falls back to the rollup.
Organizations counted once are not additive across rounds or modes: RollupOrgCount holds them
at the grains a scope can ask (every round, a committee's, a term's; per mode or not); a round
or a set of terms (the districts' scope) counts them from the rollup, which is small there.
"""

from django.db.models import Count, F, Max, Q, QuerySet, Sum

from accounts.jurisdiction import path_q
from campaigns.models import OrgLevel

from .models import COUNT_FIELDS, RollupOrgCount, RollupSummary, RollupTeam, SplitOrganization


def parts(scope, roots: list[str], rows: QuerySet) -> dict:
    """The additive parts of the figures of `scope` for a user with jurisdiction `roots`;
    `rows` are the same scope's per-inspection rollup rows (reports.figures.rollups_for)."""
    if _servable(scope, roots):
        return _from_summary(scope, roots, rows)
    return _from_rows(rows)


def _servable(scope, roots: list[str]) -> bool:
    paths = [*roots, *([scope.district.path] if scope.district else [])]
    prefixes = {path[:n] for path in paths for n in range(1, len(path))}
    return not prefixes or not RollupSummary.objects.filter(anchor_path__in=prefixes).exists()


def _narrow(qs: QuerySet, scope, roots: list[str]) -> QuerySet:
    """Pre-summed rows inside the roots and the scope (reports.figures.rollups_for's filters)."""
    qs = qs.filter(path_q("anchor_path", roots))
    if scope.term:
        qs = qs.filter(term=scope.term)
    if scope.terms or scope.districts:
        qs = qs.filter(term__in=scope.terms)
    if scope.round:
        qs = qs.filter(round=scope.round)
    if scope.committee:
        qs = qs.filter(committee=scope.committee)
    if scope.district:
        qs = qs.filter(anchor_path__startswith=scope.district.path)
    if scope.level:
        qs = qs.filter(org_level=scope.level)
    if scope.mode:
        qs = qs.filter(mode=scope.mode)
    return qs


def _from_rows(rows: QuerySet) -> dict:
    on_site = Q(went_on_site=True)
    totals = rows.aggregate(
        n=Count("pk"),
        at=Max("computed_at"),
        organizations=Count("organization_id", distinct=True, filter=on_site),
        villages=Count("organization_id", distinct=True, filter=on_site & Q(org_level=OrgLevel.VILLAGE)),
        teams=Count("team_id", distinct=True),
        **{name: Sum(name) for name in COUNT_FIELDS},
    )
    modes = (
        rows.values("mode")
        .annotate(
            clues=Sum(F("clues_discipline") + F("clues_orgdept")),
            clues_discipline=Sum("clues_discipline"),
            petitions=Sum("petitions"),
            teams=Count("team_id", distinct=True),
        )
        .order_by("mode")
    )
    levels = rows.values("org_level").annotate(n=Sum("problems_found")).order_by("org_level")
    return {
        "sums": {name: totals[name] or 0 for name in COUNT_FIELDS},
        "inspections": totals["n"],
        "last_change": totals["at"],
        "organizations": totals["organizations"],
        "villages": totals["villages"],
        "teams": totals["teams"],
        "modes": [{k: r[k] or 0 if k != "mode" else r[k] for k in r} for r in modes],
        "by_level": [(r["org_level"], r["n"] or 0) for r in levels],
        "round_ids": rows.values("round_id"),
    }


def _from_summary(scope, roots: list[str], rows: QuerySet) -> dict:
    summary = _narrow(RollupSummary.objects.all(), scope, roots)
    groups = list(
        summary.values("org_level", "mode").annotate(
            x_n=Sum("inspections"), x_at=Max("computed_at"), **{f"x_{name}": Sum(name) for name in COUNT_FIELDS}
        )
    )
    sums = {name: sum(g[f"x_{name}"] for g in groups) for name in COUNT_FIELDS}
    by_level: dict[str, int] = {}
    modes: dict[str, dict] = {}
    for g in groups:
        by_level[g["org_level"]] = by_level.get(g["org_level"], 0) + g["x_problems_found"]
        m = modes.setdefault(g["mode"], {"mode": g["mode"], "clues": 0, "clues_discipline": 0, "petitions": 0})
        m["clues"] += g["x_clues_discipline"] + g["x_clues_orgdept"]
        m["clues_discipline"] += g["x_clues_discipline"]
        m["petitions"] += g["x_petitions"]
    present = _narrow(RollupTeam.objects.all(), scope, roots)
    teams = dict(present.values("mode").annotate(n=Count("team_id", distinct=True)).values_list("mode", "n"))
    for mode, m in modes.items():
        m["teams"] = teams.get(mode, 0)
    at = [g["x_at"] for g in groups]
    return {
        "sums": sums,
        "inspections": sum(g["x_n"] for g in groups),
        "last_change": max(at) if at else None,
        **_organizations(scope, roots, rows),
        "teams": present.aggregate(n=Count("team_id", distinct=True))["n"],
        "modes": [modes[k] for k in sorted(modes)],
        "by_level": sorted(by_level.items()),
        "round_ids": summary.values("round_id"),
    }


def _organizations(scope, roots: list[str], rows: QuerySet) -> dict:
    """Organizations inspected on site, and villages, counted once: from RollupOrgCount at the
    scope's grain, or from the rollup for a round, a set of terms, or while an organization's
    rows disagree on its anchor or level (SplitOrganization)."""
    if scope.round or scope.terms or scope.districts or SplitOrganization.objects.exists():
        on_site = Q(went_on_site=True)
        return rows.aggregate(
            organizations=Count("organization_id", distinct=True, filter=on_site),
            villages=Count("organization_id", distinct=True, filter=on_site & Q(org_level=OrgLevel.VILLAGE)),
        )
    grain = RollupOrgCount.Grain.TERM if scope.term else RollupOrgCount.Grain.COMMITTEE if scope.committee else "all"
    counts = _narrow(RollupOrgCount.objects.filter(grain=grain, mode=scope.mode or ""), scope, roots)
    totals = counts.aggregate(
        x_all=Sum("organizations"), x_villages=Sum("organizations", filter=Q(org_level=OrgLevel.VILLAGE))
    )
    return {"organizations": totals["x_all"] or 0, "villages": totals["x_villages"] or 0}
