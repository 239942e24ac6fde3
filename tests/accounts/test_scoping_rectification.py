"""DESIGN.md §1, rectification side: measures, evidence, handover items, rules established,
supervision actions and evaluations — exactly what each role sees.

Per place (A = 青石镇, B = 西山镇; see scene.py), on the fed-back township inspection I:
measures m_rect (accepted), m_ongoing (长期坚持), m_open (reported), each with its evidence
e_rect, e_ongoing, e_open; a rule, a supervision action and an evaluation. Handover items:
"handover" on I and "k_handover" on the village inspection K (still on site).
Users not named in an expectation see nothing (checked for every one of them).
"""

import pytest

from tests.accounts.scene import TEAM_A, TEAM_B, assert_matrix, both, in_a, in_b

pytestmark = pytest.mark.django_db


def for_users(users, labels: set[str]) -> dict[str, set[str]]:
    return {user: labels for user in users}


def unit_side(*labels: str) -> dict[str, set[str]]:
    """Everything in the place for office, leaders and the team; the unit's own for its liaison."""
    return {
        "office": both(*labels),
        "leader": both(*labels),
        "office_a": in_a(*labels),
        "office_b": in_b(*labels),
        "leader_b": in_b(*labels),
        **for_users(TEAM_A, in_a(*labels)),
        **for_users(TEAM_B, in_b(*labels)),
        "liaison": in_a(*labels),
        "liaison_b": in_b(*labels),
    }


def test_measures_of_the_units_fed_back_problems(scene):
    assert_matrix(scene, "measures", unit_side("m_rect", "m_ongoing", "m_open"))


def test_evidence_follows_the_measures(scene):
    assert_matrix(scene, "evidence", unit_side("e_rect", "e_ongoing", "e_open"))


def test_handover_items_never_reach_a_liaison(scene):
    # They go to other departments, not to the unit.
    labels = ("handover", "k_handover")
    expected = unit_side(*labels)
    del expected["liaison"], expected["liaison_b"]
    assert_matrix(scene, "handover_items", expected)


def test_rules_established_are_the_units_own(scene):
    assert_matrix(scene, "rules", unit_side("rule"))


def test_supervision_actions_reach_the_supervised_unit(scene):
    assert_matrix(scene, "supervision_actions", unit_side("supervision"))


def test_evaluations_reach_the_evaluated_unit(scene):
    assert_matrix(scene, "evaluations", unit_side("evaluation"))
