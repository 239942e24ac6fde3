"""DESIGN.md §1, campaigns side: organizations, terms, rounds, teams, team members, the cadre
pool, conflict declarations and inspections — exactly what each role sees.

Users not named in an expectation see nothing (checked for every one of them).
"""

import pytest

from tests.accounts.scene import TEAM_A, TEAM_B, assert_matrix, in_a, in_b

pytestmark = pytest.mark.django_db

ALL_ORGS = {
    "city",
    "district_a",
    "district_a_unit",
    "township",
    "village",
    "community",
    "district_b",
    "township_b",
    "village_b",
    "bureau",
}
DISTRICT_A = {"district_a", "district_a_unit", "township", "village", "community"}
DISTRICT_B = {"district_b", "township_b", "village_b"}


def for_users(users, labels: set[str]) -> dict[str, set[str]]:
    return {user: labels for user in users}


def test_organizations_by_jurisdiction_team_and_own_unit(scene):
    assert_matrix(
        scene,
        "organizations",
        {
            "office": ALL_ORGS,
            "leader": ALL_ORGS,
            "office_a": DISTRICT_A,
            "office_b": DISTRICT_B,
            "leader_b": DISTRICT_B,
            # Inspectors: the organizations their team inspects, not their assignment's subtree.
            **for_users(TEAM_A, {"township", "village"}),
            **for_users(TEAM_B, {"township_b", "village_b"}),
            # A liaison: their own organization only, not the units below it.
            "liaison": {"township"},
            "liaison_b": {"township_b"},
            # Handlers see clues, not the organization tree.
        },
    )


def test_terms_inside_or_above_the_jurisdiction(scene):
    # A district office sees the city's plan (its committee is above it) and its own district's;
    # district B never sees district A's plan.
    assert_matrix(
        scene,
        "terms",
        {
            "office": {"city", "district_a"},
            "leader": {"city", "district_a"},
            "office_a": {"city", "district_a"},
            "office_b": {"city"},
            "leader_b": {"city"},
            **for_users(TEAM_A + TEAM_B, {"city"}),
        },
    )


def test_rounds_inside_or_above_the_jurisdiction(scene):
    assert_matrix(
        scene,
        "rounds",
        {
            "office": {"city", "district_a"},
            "leader": {"city", "district_a"},
            "office_a": {"city", "district_a"},
            "office_b": {"city"},
            "leader_b": {"city"},
            **for_users(TEAM_A + TEAM_B, {"city"}),
        },
    )


def test_teams_of_visible_plans_and_own_team(scene):
    assert_matrix(
        scene,
        "teams",
        {
            "office": {"A", "B", "district_a"},
            "leader": {"A", "B", "district_a"},
            # The city's round, with both its teams, is part of every district's view of the plan.
            "office_a": {"A", "B", "district_a"},
            "office_b": {"A", "B"},
            "leader_b": {"A", "B"},
            **for_users(TEAM_A, {"A"}),
            **for_users(TEAM_B, {"B"}),
        },
    )


def test_team_members_follow_the_teams(scene):
    city_teams = in_a("leader", "deputy", "member") | in_b("leader", "deputy", "member")
    assert_matrix(
        scene,
        "team_members",
        {
            "office": city_teams | {"district_a.pool_a"},
            "leader": city_teams | {"district_a.pool_a"},
            "office_a": city_teams | {"district_a.pool_a"},
            "office_b": city_teams,
            "leader_b": city_teams,
            **for_users(TEAM_A, in_a("leader", "deputy", "member")),
            **for_users(TEAM_B, in_b("leader", "deputy", "member")),
        },
    )


def test_persons_by_employer_home_district_and_visible_teams(scene):
    team_a = {"team_leader", "team_deputy", "team_member"}
    team_b = {"b_leader", "b_deputy", "b_member"}
    everyone = team_a | team_b | {"other", "pool_a", "pool_b"}
    assert_matrix(
        scene,
        "persons",
        {
            "office": everyone,
            "leader": everyone,
            # Team B's cadres work in district A; team A's sit on a team of the visible city round.
            "office_a": team_a | team_b | {"pool_a"},
            # Team A's cadres live in district B; team B's sit on a visible team.
            "office_b": team_a | team_b | {"pool_b"},
            "leader_b": team_a | team_b | {"pool_b"},
            **for_users(TEAM_A, team_a),
            **for_users(TEAM_B, team_b),
            # other_inspector sits on no team: not even their own pool record.
        },
    )


def test_conflict_declarations_only_for_the_office_of_the_employer(scene):
    # Declarations are personal: office staff of the person's employer only — not leaders
    # (the selector's deliberate exception to "leaders read every record"), not inspectors.
    assert_matrix(
        scene,
        "conflicts",
        {
            "office": {"pool_a", "pool_b", "team_leader"},
            "office_a": {"pool_a"},
            "office_b": {"pool_b"},
        },
    )


def test_inspections_by_jurisdiction_team_and_fed_back_unit(scene):
    assert_matrix(
        scene,
        "inspections",
        {
            "office": in_a("I", "K") | in_b("I", "K"),
            "leader": in_a("I", "K") | in_b("I", "K"),
            "office_a": in_a("I", "K"),
            "office_b": in_b("I", "K"),
            "leader_b": in_b("I", "K"),
            **for_users(TEAM_A, in_a("I", "K")),
            **for_users(TEAM_B, in_b("I", "K")),
            # The liaison's own unit, fed back; the village below it (still on site) is not theirs.
            "liaison": in_a("I"),
            "liaison_b": in_b("I"),
        },
    )
