"""The pre-summed figures (issue 11): for every scope and every jurisdiction, figures() read
from RollupSummary / RollupTeam / RollupOrgCount equal figures() computed from the
per-inspection rollup rows, after edits that move an inspection between keys and after a
rebuild; a deep jurisdiction (a township, a single unit) falls back to the rollup rows; and
the number of queries is fixed."""

import itertools
import math

import pytest
from django.db.models import Q
from django.utils import timezone

from accounts.jurisdiction import subtree_paths
from accounts.models import Role
from campaigns import services as cs
from campaigns.models import Inspection, InspectionMode, Organization, OrgLevel, Round, Team, TeamMember, Term
from campaigns.selectors import organizations_in_scope_of
from reports import figure_sources, rollup
from reports.figures import (
    FIGURE_ROLES,
    Scope,
    district_terms,
    figures,
    units_below_threshold,
    units_below_threshold_count,
)
from reports.models import InspectionRollup, RollupOrgCount, RollupSummary, RollupTeam, SplitOrganization
from tests.reports import scene as sc
from tests.shared import running_on_commit, shared
from tests.world import D, approve, draft_problem, make_org, make_user

pytestmark = pytest.mark.django_db


def from_rows(user, scope) -> dict:
    """figures() as it is computed without the pre-summed rows: from the per-inspection rows."""
    servable = figure_sources._servable
    figure_sources._servable = lambda *args: False
    try:
        return figures(user, scope)
    finally:
        figure_sources._servable = servable


def tables() -> dict:
    """Every pre-summed row, without its id (a multiset per table)."""
    out = {}
    for model in (RollupSummary, RollupTeam, RollupOrgCount, SplitOrganization):
        names = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        out[model.__name__] = sorted(model.objects.values_list(*names), key=repr)
    return out


@shared
def many(world):
    """The scene of tests/reports/scene.py (the city's term, two rounds, districts A and B),
    and more: the district A committee's own term and round (a second committee), the city
    inspecting a municipal unit (under no district: its own anchor) and district B's village,
    in several modes; plus a township office and a single unit's office (deep jurisdictions)."""
    with running_on_commit():
        built = sc.build(world)
        term_a = Term.objects.create(
            committee=world.district_a, name="东城区委本届", start_date=D(2022, 1, 1), end_date=D(2026, 12, 31)
        )
        round_a = Round.objects.create(term=term_a, number=1, name="区委第一轮", start_date=D(2026, 3, 1))
        team_a = Team.objects.create(round=round_a, number=1, name="区委第一组")
        for member in world.team.members.all():
            TeamMember.objects.create(team=team_a, person=member.person, role=member.role, source=member.source)
        extra = []
        for organization, mode in (
            (world.township, InspectionMode.REGULAR),
            (world.village, InspectionMode.MOBILE),
            (world.district_a_unit, InspectionMode.CROSS),
        ):
            inspection = cs.inspection_create(
                user=world.office, round=round_a, team=team_a, organization=organization, mode=mode
            )
            inspection = cs.inspection_enter(user=world.team_leader, inspection=inspection, on=D(2026, 3, 12))
            approve(world, draft_problem(world, inspection, f"{organization.name}的问题"))
            extra.append(inspection)
        water = make_org(world.city, "市水利局党组", "QH-M2", OrgLevel.MUNICIPAL_UNIT)
        for organization, mode in ((water, InspectionMode.ELEVATED), (world.village_b, InspectionMode.MOBILE)):
            inspection = cs.inspection_create(
                user=world.office, round=world.round, team=world.team, organization=organization, mode=mode
            )
            inspection = cs.inspection_enter(user=world.team_leader, inspection=inspection, on=D(2026, 3, 12))
            approve(world, draft_problem(world, inspection, f"{organization.name}的问题"))
            extra.append(inspection)
    world.users["office_t"] = make_user("office_t", Role.OFFICE_ADMIN, world.township)
    world.users["leader_v"] = make_user("leader_v", Role.LEADER, world.village)
    built.term_a, built.round_a, built.extra = term_a, round_a, extra
    return built


def scopes(world, many, user, thorough: bool) -> list[Scope]:
    out = [
        Scope(),
        Scope(districts=True, terms=district_terms(user)),
        Scope(districts=True, terms=district_terms(user), mode=InspectionMode.REGULAR),
        Scope(terms=[world.term, many.term_a]),
    ]
    choices = {
        "term": [None, world.term, many.term_a],
        "round": [None, world.round, many.round2, many.round_a],
        "committee": [None, world.city, world.district_a],
        "district": [None, world.district_a, world.district_b],
        "level": [None, OrgLevel.VILLAGE, OrgLevel.TOWNSHIP, OrgLevel.MUNICIPAL_UNIT],
        "mode": [None, InspectionMode.REGULAR, InspectionMode.MOBILE, InspectionMode.CROSS],
    }
    for i, values in enumerate(itertools.product(*choices.values())):
        scope = dict(zip(choices, values, strict=True))
        # Thorough: every pair of dimensions, and every 23rd combination beyond; else every
        # dimension alone (the tests that move one inspection between keys).
        if sum(v is not None for v in values) <= (2 if thorough else 1) or (thorough and i % 23 == 0):
            out.append(Scope(**scope))
    return out


USERS = ["office", "leader", "office_a", "office_b", "leader_b", "office_t", "leader_v"]
# One user per jurisdiction the pre-summed rows serve: figures() depends on the user only through
# the jurisdiction (test_users_of_one_jurisdiction_get_the_same_figures), and a deep one (the
# township office, the village's leader) is served from the per-inspection rows, where comparing
# them with themselves would prove nothing (test_a_deep_jurisdiction_falls_back_…).
COMPARED = ["office", "office_a", "office_b"]


def assert_same_everywhere(world, many, thorough: bool = False, users=COMPARED) -> int:
    compared = 0
    for name in users:
        user = world.users[name]
        for scope in scopes(world, many, user, thorough):
            assert figures(user, scope) == from_rows(user, scope), (name, scope)
            compared += 1
    return compared


@pytest.mark.parametrize("name", COMPARED)
def test_presummed_figures_equal_the_per_inspection_figures_for_every_scope(world, many, name):
    assert RollupSummary.objects.exists() and RollupTeam.objects.exists() and RollupOrgCount.objects.exists()
    assert assert_same_everywhere(world, many, thorough=True, users=[name]) > 150
    # Not vacuous: the rows differ between scopes, and the wide scopes count something.
    assert figures(world.office, Scope())["inspections"] == 11
    assert figures(world.office, Scope(committee=world.district_a))["inspections"] == 3
    assert figures(world.office, Scope())["organizations_inspected"] == 7  # 青石镇 three times, 青石村 twice


def test_users_of_one_jurisdiction_get_the_same_figures(world, many):
    paths = {name: subtree_paths(world.users[name], *FIGURE_ROLES) for name in USERS}
    for name, same_as in (("leader", "office"), ("leader_b", "office_b")):
        assert paths[name] == paths[same_as]
        for scope in scopes(world, many, world.users[name], thorough=False)[:8]:
            assert figures(world.users[name], scope) == figures(world.users[same_as], scope), (name, scope)
    # The compared users are every jurisdiction the summary serves, one each.
    served = {name for name in USERS if figure_sources._servable(Scope(), paths[name])}
    assert {tuple(paths[n]) for n in served} == {tuple(paths[n]) for n in COMPARED}
    assert len({tuple(paths[n]) for n in COMPARED}) == len(COMPARED)


def test_a_deep_jurisdiction_falls_back_to_the_per_inspection_rows(world, many, monkeypatch):
    used = []
    monkeypatch.setattr(
        figure_sources, "_from_rows", lambda rows, f=figure_sources._from_rows: used.append("rows") or f(rows)
    )
    summary = figure_sources._from_summary
    monkeypatch.setattr(figure_sources, "_from_summary", lambda *a: used.append("summary") or summary(*a))
    for name, expected in (("office", "summary"), ("office_a", "summary"), ("office_t", "rows"), ("leader_v", "rows")):
        used.clear()
        figures(world.users[name], Scope())
        assert used == [expected], name
    # A township office sees its township: the village, the community and the township itself.
    got = figures(world.users["office_t"], Scope())
    assert got["inspections"] == 6
    assert got == from_rows(world.users["office_t"], Scope())


def test_a_refresh_that_moves_an_inspection_between_keys_keeps_the_sums_exact(
    world, many, django_capture_on_commit_callbacks
):
    moved = many.extra[1]  # 青石村 in the district committee's round, mobile
    Inspection.objects.filter(pk=moved.pk).update(mode=InspectionMode.CROSS)
    rollup.refresh([moved.pk])
    assert not RollupSummary.objects.filter(round=many.round_a, mode=InspectionMode.MOBILE).exists()
    assert figures(world.office, Scope(mode=InspectionMode.CROSS))["inspections"] == 3
    assert_same_everywhere(world, many)

    with django_capture_on_commit_callbacks(execute=True):  # its problem count changes
        approve(world, draft_problem(world, moved, "又一个问题"))
    assert figures(world.office, Scope(round=many.round_a))["problems_found"] == 4
    # Another team and another round: the inspection leaves both its old round's rows.
    Inspection.objects.filter(pk=many.extra[3].pk).update(round=many.round_a, team=many.round_a.teams.get())
    rollup.refresh([many.extra[3].pk])
    assert_same_everywhere(world, many)
    incremental = tables()
    rollup.rebuild()
    assert tables() == incremental


def test_a_withdrawn_inspection_leaves_the_presummed_rows(world, many):
    before = figures(world.office, Scope())
    Inspection.objects.filter(pk=many.extra[0].pk).update(withdrawn_at=timezone.now())
    rollup.refresh([many.extra[0].pk])
    after = figures(world.office, Scope())
    assert after["inspections"] == before["inspections"] - 1
    assert_same_everywhere(world, many)


def test_a_rebuild_gives_the_same_rows_and_figures(world, many):
    incremental = tables()

    def everyone():  # computed_at moves to the rebuild's start (figures_as_of)
        return {name: {**figures(world.users[name], Scope()), "computed_at": None} for name in USERS}

    expected = everyone()
    RollupSummary.objects.all().delete()
    RollupTeam.objects.all().delete()
    rollup.rebuild()
    assert tables() == incremental
    assert everyone() == expected


def test_an_organization_whose_rows_disagree_is_counted_once_from_the_rollup(world, many):
    """Its level changed and only one of its inspections was recomputed: the organization
    counts of the pre-summed rows would count it twice, so they are not used until both are."""
    Organization.objects.filter(pk=world.township.pk).update(level=OrgLevel.STATION)
    one = many.extra[0]  # 青石镇 in the district committee's round; i1 and i7 still say township
    rollup.refresh([one.pk])
    assert SplitOrganization.objects.filter(organization=world.township).exists()
    assert_same_everywhere(world, many)
    rollup.refresh(list(Inspection.objects.filter(organization=world.township).values_list("pk", flat=True)))
    assert not SplitOrganization.objects.exists()
    assert_same_everywhere(world, many)


def test_figures_take_a_fixed_number_of_queries(
    world, many, django_assert_num_queries, django_capture_on_commit_callbacks
):
    office, township = world.office, world.users["office_t"]
    scope = Scope(term=world.term)
    figures(office, scope)  # the user's role assignments are cached on the user after this
    figures(township, scope)
    # The pre-summed path: the anchor check, the sums by level and mode, the teams by mode, the
    # split check, the organization counts, the teams, the rounds; coverage (the committees
    # below, the levels); the units below the threshold.
    with django_assert_num_queries(10):
        figures(office, scope)
    # The fallback: the anchor check, three over the rollup (totals, by mode, by level), the
    # rounds, coverage (2), the units below the threshold.
    with django_assert_num_queries(8):
        figures(township, scope)
    with django_capture_on_commit_callbacks(execute=True):  # more data, same queries
        for inspection in many.extra:
            approve(world, draft_problem(world, inspection, "再一个问题"))
    with django_assert_num_queries(10):
        figures(office, scope)
    with django_assert_num_queries(8):
        figures(township, scope)


@pytest.mark.parametrize("threshold", [0.8, 0.7999, 0.805, 0.5, 1.0, 0.0])
def test_units_below_the_threshold_are_counted_in_sql_exactly_as_rate_decides(world, many, settings, threshold):
    settings.INTERVIEW_RATE_THRESHOLD = threshold
    rows = list(InspectionRollup.objects.order_by("pk"))
    for fed_back, row in zip((7, 9, 10000, 2001, 3, 8), itertools.cycle(rows), strict=False):
        row.rectification_deadline = D(2026, 1, 1)
        row.problems_fed_back = fed_back
        row.save()
    # Every count of rectified problems for the small totals; for the large ones every 50th
    # and each count within two of the threshold, where float and SQL arithmetic could part.
    near = lambda f: range(max(0, math.floor(threshold * f) - 2), min(f, math.ceil(threshold * f) + 2) + 1)  # noqa: E731
    pairs = [(f, r) for f in (7, 9, 10000, 2001, 3, 8) for r in {*range(0, f + 1, max(1, f // 50)), *near(f)}]
    target = rows[0]
    for fed_back, rectified in pairs:
        InspectionRollup.objects.filter(pk=target.pk).update(
            problems_fed_back=fed_back, problems_rectified=rectified, rectification_deadline=D(2026, 1, 1)
        )
        count = units_below_threshold_count(world.office, Scope())
        assert count == len(units_below_threshold(world.office, Scope())), (fed_back, rectified)


def old_scope(terms) -> set[int]:
    """organizations_in_scope_of as it was: each committee's subtree less its lower committees'."""
    q = Q(pk__in=[])
    for committee in {t.committee for t in terms}:
        lower = Organization.objects.filter(path__startswith=committee.path, is_committee=True).exclude(pk=committee.pk)
        own = Q(path__startswith=committee.path) & ~Q(pk=committee.pk)
        for path in lower.values_list("path", flat=True):
            own &= ~Q(path__startswith=path) | Q(path=path)
        q |= own
    return set(Organization.objects.filter(q, is_active=True).values_list("pk", flat=True))


def test_the_committee_walk_gives_the_same_organizations_as_the_path_definition(world, many):
    term_b = Term.objects.create(
        committee=world.district_b, name="西山本届", start_date=D(2022, 1, 1), end_date=D(2026, 12, 31)
    )
    Organization.objects.filter(pk=world.village_b.pk).update(is_active=False, dissolved_on=D(2026, 1, 1))
    for terms in ([world.term], [many.term_a], [term_b], [world.term, many.term_a], [many.term_a, term_b], []):
        got = set(organizations_in_scope_of(terms).values_list("pk", flat=True))
        assert got == old_scope(terms), terms
    assert world.city.pk not in set(organizations_in_scope_of([world.term]).values_list("pk", flat=True))
