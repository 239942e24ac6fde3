"""The figures of DESIGN.md §3 for a scope: one definition, used by the dashboard, figures.json
and the statistics report. They sum the rollup (reports.rollup defines each count).

A scope is jurisdiction × term × round × committee × district × level × mode. Rates carry
their numerator and denominator; `rate()` gives None for a zero denominator, shown as "—".
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.jurisdiction import FULL_READ_ROLES, path_q, subtree_paths
from accounts.models import User
from campaigns.models import InspectionMode, Organization, OrgLevel, Round, RoundStatus, Term
from campaigns.selectors import (
    current_term_for,
    organizations_in_scope_of,
    organizations_visible_to,
    rounds_visible_to,
    terms_visible_to,
)

from . import figure_sources
from .models import InspectionRollup

FIGURE_ROLES = FULL_READ_ROLES  # office staff and leaders; other roles may not see figures
SCOPE_PARAMS = ("term", "round", "committee", "district", "level", "mode")
DISTRICTS = "districts"  # committee=districts: every district committee, each in its own term
SANCTION_SOURCES = ("clue", "handover", "rectification")


def require_figure_role(user: User) -> None:
    if not user.has_role(*FIGURE_ROLES):
        raise PermissionDenied("您的角色无权查看统计数据。")


class ScopeError(ValueError):
    """A malformed or unknown scope parameter; the message is for the user."""


@dataclass
class Scope:
    term: Term | None = None
    round: Round | None = None
    committee: Organization | None = None
    district: Organization | None = None
    level: str | None = None
    mode: str | None = None
    terms: list[Term] = field(default_factory=list)  # several terms at once (the districts' own)
    # committee=districts: every district committee under this committee, each in its own term
    # (`terms`, found by district_terms; none found means nothing is counted, not everything).
    districts: bool = False

    def as_params(self) -> dict[str, str]:
        out = {}
        for name in ("term", "round", "committee", "district"):
            value = getattr(self, name)
            if value is not None:
                out[name] = str(value.pk)
        if self.districts:
            out["committee"] = DISTRICTS
        for name in ("level", "mode"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


def district_terms(user: User, term: Term | None = None, today: datetime.date | None = None) -> list[Term]:
    """Each district committee's own term under this committee (the term's, or else the user's
    highest one): the term running today, or, for a term that is over (or not yet begun), the
    one running on its last (or first) day. One term per district committee."""
    today = today or timezone.localdate()
    reference = term or current_term_for(user, today)
    on = today
    if term is not None:
        on = min(max(today, term.start_date), term.end_date)
    terms = terms_visible_to(user).filter(committee__level=OrgLevel.DISTRICT, start_date__lte=on, end_date__gte=on)
    if reference is not None:
        terms = terms.filter(committee__path__startswith=reference.committee.path)
    chosen: dict[int, Term] = {}
    for t in terms.select_related("committee").order_by("committee__path", "start_date"):
        chosen[t.committee_id] = t  # of two terms meeting on that day, the later one
    return list(chosen.values())


def parse_scope(user: User, params) -> Scope:
    """Read a scope from query parameters; anything unknown or malformed is a ScopeError.
    `committee=districts` asks for every district committee's own term together."""
    unknown = sorted(set(params) - set(SCOPE_PARAMS) - {"format"})
    if unknown:
        raise ScopeError(f"不支持的参数：{'、'.join(unknown)}。可用参数：{'、'.join(SCOPE_PARAMS)}。")
    scope = Scope()
    if params.get("committee") == DISTRICTS:
        scope.districts = True
        params = {k: v for k, v in params.items() if k != "committee"}
    lookups = {
        "term": (terms_visible_to, "届次"),
        "round": (rounds_visible_to, "轮次"),
        "committee": (lambda u: organizations_visible_to(u).filter(is_committee=True), "巡察党委"),
        "district": (lambda u: organizations_visible_to(u).filter(level=OrgLevel.DISTRICT), "区县"),
    }
    for name, (selector, label) in lookups.items():
        raw = params.get(name)
        if raw in (None, ""):
            continue
        raw = str(raw)
        if not (raw.isascii() and raw.isdigit()):  # "²" is a digit to isdigit(), not to int()
            raise ScopeError(f"参数 {name}（{label}）须为编号，收到“{raw}”。")
        obj = selector(user).filter(pk=int(raw)).first()
        if obj is None:
            raise ScopeError(f"找不到编号为 {raw} 的{label}，或它不在您的管辖范围内。")
        setattr(scope, name, obj)
    for name, choices, label in (("level", OrgLevel, "层级"), ("mode", InspectionMode, "巡察方式")):
        raw = params.get(name)
        if raw in (None, ""):
            continue
        if raw not in choices.values:
            raise ScopeError(f"参数 {name}（{label}）无效：“{raw}”，可选：{'、'.join(choices.values)}。")
        setattr(scope, name, raw)
    if scope.districts:
        scope.terms = district_terms(user, scope.term)
        scope.term = None  # the reference only: each district counts in its own term
    return scope


def rollups_for(user: User, scope: Scope, roots: list[str] | None = None) -> QuerySet[InspectionRollup]:
    """The rollup rows inside the user's jurisdiction (`roots`, found when not given) and the scope."""
    roots = subtree_paths(user, *FIGURE_ROLES) if roots is None else roots
    qs = InspectionRollup.objects.filter(path_q("org_path", roots))
    if scope.term:
        qs = qs.filter(term=scope.term)
    if scope.terms or scope.districts:
        qs = qs.filter(term__in=scope.terms)
    if scope.round:
        qs = qs.filter(round=scope.round)
    if scope.committee:
        qs = qs.filter(committee=scope.committee)
    if scope.district:
        qs = qs.filter(org_path__startswith=scope.district.path)
    if scope.level:
        qs = qs.filter(org_level=scope.level)
    if scope.mode:
        qs = qs.filter(mode=scope.mode)
    return qs


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage with two decimals, or None (shown "—") when nothing was counted."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def show_rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _shares(rows: list[dict], column: str) -> list[dict]:
    total = sum(r[column] or 0 for r in rows)
    labels = dict(InspectionMode.choices)
    return [
        {
            "mode": r["mode"],
            "label": str(labels.get(r["mode"], r["mode"])),
            "count": r[column] or 0,
            "share": rate(r[column] or 0, total),
        }
        for r in rows
    ]


VERIFIED_KEY = "xuncha:rollup:verified-at"


def rollup_verified(at) -> None:
    """A full rebuild that started at `at` has finished: every rollup row is current as of then."""
    cache.set(VERIFIED_KEY, at, None)


def figures_as_of(last_change):
    """When the figures were last known current: the later of the last change to a rollup row
    in the scope and the start of the last full rebuild (which rewrites only rows that differ)."""
    if last_change is None:
        return None
    verified = cache.get(VERIFIED_KEY)
    return max(last_change, verified) if verified else last_change


def figures(user: User, scope: Scope) -> dict:
    """Every figure of §3 for the scope. Keys are stable: figures.json and the Excel report use them."""
    roots = subtree_paths(user, *FIGURE_ROLES)
    p = figure_sources.parts(scope, roots, rollups_for(user, scope, roots))
    s = p["sums"]
    modes = p["modes"]
    levels = dict(OrgLevel.choices)
    by_level = [
        {"level": level, "label": str(levels.get(level, level)), "problems_found": n} for level, n in p["by_level"]
    ]
    return {
        "computed_at": figures_as_of(p["last_change"]),
        "scope": scope.as_params(),
        "rounds_completed": _rounds_completed(user, scope, p["round_ids"]),
        "inspections": p["inspections"],
        "organizations_inspected": p["organizations"],
        "coverage": coverage(user, scope),
        "problems_found": s["problems_found"],
        "problems_by_category": {
            "党的领导弱化": s["problems_found_a"],
            "党的建设缺失": s["problems_found_b"],
            "全面从严治党不力": s["problems_found_c"],
        },
        "problems_by_level": by_level,
        "problems_fed_back": s["problems_fed_back"],
        "problems_rectified": s["problems_rectified"],
        "problems_ongoing": s["problems_ongoing"],
        "rectification_rate": rate(s["problems_rectified"], s["problems_fed_back"]),
        "handover_items": s["handover_items"],
        "handover_closed": s["handover_closed"],
        "handover_closure_rate": rate(s["handover_closed"], s["handover_items"]),
        **_clue_figures(s, modes),  # clues, petitions and sanctions, in this place of the keys
        "rules_established": s["rules_established"],
        "rules_by_source": {
            "handover": s["rules_from_handover"],
            "problem": s["rules_from_problem"],
            "other": s["rules_established"] - s["rules_from_handover"] - s["rules_from_problem"],
        },
        "teams": _teams(p["teams"], modes),
        "villages": {
            "organizations_inspected": p["villages"],
            "problems_found": sum(r["problems_found"] for r in by_level if r["level"] == OrgLevel.VILLAGE),
        },
        "immediate_notices": s["immediate_notices"],
        "measures": s["measures"],
        "measures_overdue": s["measures_overdue"],
        "units_below_threshold": units_below_threshold_count(user, scope),
    }


def _clue_figures(s: dict, modes: list[dict]) -> dict:
    return {
        "clues_transferred": s["clues_discipline"] + s["clues_orgdept"],
        "clues_by_destination": {"纪委监委": s["clues_discipline"], "组织部": s["clues_orgdept"]},
        "clues_disposed": s["clues_disposed"],
        "clue_dispositions": {
            "初步核实": s["disp_preliminary"],
            "谈话函询": s["disp_letter_inquiry"],
            "立案审查调查": s["disp_case_opened"],
            "予以了结": s["disp_closed"],
            "暂存待查": s["disp_shelved"],
            "组织处理": s["disp_org_handling"],
        },
        "clue_share_by_mode": _shares(modes, "clues"),
        "clue_share_by_mode_discipline": _shares(modes, "clues_discipline"),
        "petitions": s["petitions"],
        "petition_share_by_mode": _shares(modes, "petitions"),
        "sanctions": {
            **_sanction_figures(s, "sanction_"),
            "by_source": {source: _sanction_figures(s, f"sanction_{source}_") for source in SANCTION_SOURCES},
        },
    }


def _rounds_completed(user: User, scope: Scope, round_ids: QuerySet) -> int:
    rounds = rounds_visible_to(user).filter(status=RoundStatus.CLOSED)
    if scope.term:
        rounds = rounds.filter(term=scope.term)
    if scope.terms or scope.districts:
        rounds = rounds.filter(term__in=scope.terms)
    if scope.round:
        rounds = rounds.filter(pk=scope.round.pk)
    if scope.committee:
        rounds = rounds.filter(term__committee=scope.committee)
    # Inside the scope too: a district office sees the city's rounds, but counts only those
    # that inspected something in its district (and in the district, level and mode asked for).
    return rounds.filter(pk__in=round_ids).count()


def _sanction_figures(s: dict, prefix: str) -> dict:
    return {
        "discipline_persons": s[f"{prefix}discipline_persons"],  # persons, 党纪政务处分
        "org_handling_person_times": s[f"{prefix}org_handling"],  # person-times, 组织处理
        "judicial": s[f"{prefix}judicial"],  # persons, 移送司法机关
    }


def _teams(total: int, modes: list[dict]) -> dict:
    """巡察组 that made the scope's inspections, in all and by mode (a team counts once per mode)."""
    labels = dict(InspectionMode.choices)
    return {
        "total": total,
        "by_mode": [
            {"mode": r["mode"], "label": str(labels.get(r["mode"], r["mode"])), "count": r["teams"]}
            for r in modes
            if r["teams"]
        ],
    }


def coverage(user: User, scope: Scope) -> dict:
    """Organizations inspected in the term ÷ organizations in its scope, by level; for the
    districts' scope, each district committee's own part in its own term, summed."""
    terms = scope.terms if scope.districts else [t for t in [scope.term or current_term_for(user)] if t]
    if not terms:
        return {"term": None, "levels": [], "time_elapsed": None}
    in_scope = organizations_in_scope_of(terms).filter(path_q("path", subtree_paths(user, *FIGURE_ROLES)))
    if scope.district:
        in_scope = in_scope.filter(path__startswith=scope.district.path)
    inspected = InspectionRollup.objects.filter(term__in=terms, went_on_site=True).values("organization_id")
    term = (
        terms[0]
        if len(terms) == 1
        else Term(
            name=f"各区县本届（{len(terms)}个）",
            start_date=min(t.start_date for t in terms),
            end_date=max(t.end_date for t in terms),
        )
    )
    levels = dict(OrgLevel.choices)
    rows = in_scope.values("level").annotate(total=Count("pk"), inspected=Count("pk", filter=Q(pk__in=inspected)))
    today = timezone.localdate()
    span = (term.end_date - term.start_date).days
    elapsed = min(max((today - term.start_date).days, 0), span)
    return {
        "term": term.name,
        "time_elapsed": rate(elapsed, span),
        "levels": [
            {
                "level": r["level"],
                "label": str(levels.get(r["level"], r["level"])),
                "in_scope": r["total"],
                "inspected": r["inspected"],
                "rate": rate(r["inspected"], r["total"]),
            }
            for r in rows.order_by("level")
        ],
    }


def by_group(user: User, scope: Scope, key: str, label_field: str) -> list[dict]:
    """Problems fed back / rectified and the rate, grouped by `key` (district, round …)."""
    rows = (
        rollups_for(user, scope)
        .exclude(**{f"{key}__isnull": True})
        .values(key, label_field)
        .annotate(fed_back=Sum("problems_fed_back"), rectified=Sum("problems_rectified"), found=Sum("problems_found"))
        .order_by(label_field)
    )
    return [
        {
            "id": r[key],
            "label": r[label_field],
            "found": r["found"] or 0,
            "fed_back": r["fed_back"] or 0,
            "rectified": r["rectified"] or 0,
            "rate": rate(r["rectified"] or 0, r["fed_back"] or 0),
        }
        for r in rows
    ]


def _below(user: User, scope: Scope, today: datetime.date | None) -> tuple[QuerySet, Decimal]:
    """Rollup rows past their deadline whose rate of rectified to fed back, rounded as shown,
    is below the threshold (in percent, also returned).

    In integers, so the database decides exactly as `rate()` would: with U the threshold
    rounded up to a hundredth, rate(r, f) < threshold ⇔ 100·r/f < U − 0.005 ⇔
    20000·r < (200·U − 1)·f (200·U is a whole number)."""
    today = today or timezone.localdate()
    threshold = Decimal(str(settings.INTERVIEW_RATE_THRESHOLD * 100))
    k = int(threshold.quantize(Decimal("0.01"), rounding=ROUND_CEILING) * 200 - 1)
    rows = rollups_for(user, scope).filter(rectification_deadline__lt=today, problems_fed_back__gt=0)
    rows = rows.alias(
        x_r=Cast("problems_rectified", BigIntegerField()) * 20000, x_f=Cast("problems_fed_back", BigIntegerField()) * k
    ).filter(x_r__lt=F("x_f"))
    if k <= 20000:
        # Implied then, and said so the planner can use the partial index rollup_below_idx (the
        # few rows with fewer rectified than fed back) instead of reading the table.
        rows = rows.filter(problems_rectified__lt=F("problems_fed_back"))
    return rows, threshold


def units_below_threshold_count(user: User, scope: Scope, today: datetime.date | None = None) -> int:
    return _below(user, scope, today)[0].count()


def units_below_threshold(user: User, scope: Scope, today: datetime.date | None = None) -> list[dict]:
    """Inspected units past their rectification deadline whose rate is below the threshold:
    suggested for an interview (约谈)."""
    rows, threshold = _below(user, scope, today)
    out = []
    for r in rows.select_related("organization", "round").order_by("rectification_deadline"):
        value = rate(r.problems_rectified, r.problems_fed_back)
        if value < threshold:
            out.append(
                {
                    "inspection_id": r.inspection_id,
                    "organization": r.organization.name,
                    "round": r.round.name,
                    "deadline": r.rectification_deadline,
                    "fed_back": r.problems_fed_back,
                    "rectified": r.problems_rectified,
                    "rate": value,
                    "overdue_measures": r.measures_overdue,
                }
            )
    return out
