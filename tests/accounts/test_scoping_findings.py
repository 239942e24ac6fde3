"""DESIGN.md §1, findings side: petitions, problems, immediate-rectification notices, clues,
sanctions and common problems — exactly what each role sees.

Per place (A = 青石镇/青石村, B = 西山镇/西山村; see scene.py):
- I (the township, fed back): petition; p_rect (已整改), p_ongoing (长期坚持), p_open (整改中);
  notice on p_open; clues c_disc (纪委监委, transferred and disposed), c_org (组织部, transferred),
  c_draft (纪委监委, not transferred), c_draft_org (组织部, not transferred); sanctions s_clue
  (from c_disc), s_org (from c_org), s_rect (整改问责), s_handover (转交办事项);
- K (the village, on site): k_petition; k_draft (底稿), k_approved (审定, not fed back); k_notice;
  k_clue (纪委监委, transferred while the team is still on site).
Users not named in an expectation see nothing (checked for every one of them).
"""

import pytest

from tests.accounts.scene import TEAM_A, TEAM_B, assert_matrix, both, in_a, in_b

pytestmark = pytest.mark.django_db


def for_users(users, labels: set[str]) -> dict[str, set[str]]:
    return {user: labels for user in users}


def full_read(labels: tuple[str, ...]) -> dict[str, set[str]]:
    """What office staff, leaders and the teams see of `labels`: everything in their place."""
    return {
        "office": both(*labels),
        "leader": both(*labels),
        "office_a": in_a(*labels),
        "office_b": in_b(*labels),
        "leader_b": in_b(*labels),
        **for_users(TEAM_A, in_a(*labels)),
        **for_users(TEAM_B, in_b(*labels)),
    }


def test_petitions_never_reach_a_liaison_or_a_handler(scene):
    assert_matrix(scene, "petitions", full_read(("petition", "k_petition")))


def test_problems_reach_the_liaison_only_once_fed_back(scene):
    every = ("p_rect", "p_ongoing", "p_open", "k_draft", "k_approved")
    assert_matrix(
        scene,
        "problems",
        {
            **full_read(every),
            # Fed back, rectified, ongoing — never the village's draft or approved papers.
            "liaison": in_a("p_rect", "p_ongoing", "p_open"),
            "liaison_b": in_b("p_rect", "p_ongoing", "p_open"),
        },
    )


def test_immediate_notices_stay_with_the_office_and_the_team(scene):
    # A notice hangs off a working paper: the unit liaison does not get it through this door,
    # not even for a problem that was later fed back (A.notice is on A.p_open).
    assert_matrix(scene, "notices", full_read(("notice", "k_notice")))


def test_clues_reach_a_handler_only_once_transferred_to_their_body(scene):
    every = ("c_disc", "c_org", "c_draft", "c_draft_org", "k_clue")
    assert_matrix(
        scene,
        "clues",
        {
            **full_read(every),
            # Transferred to 纪委监委 (disposed or not, whatever the inspection's state).
            "discipline": both("c_disc", "k_clue"),
            "discipline_b": in_b("c_disc", "k_clue"),
            # Transferred to 组织部.
            "orgdept": both("c_org"),
        },
    )


def test_sanctions_reach_a_handler_only_from_their_own_clues(scene):
    assert_matrix(
        scene,
        "sanctions",
        {
            **full_read(("s_clue", "s_org", "s_rect", "s_handover")),
            "discipline": both("s_clue"),
            "discipline_b": in_b("s_clue"),
            "orgdept": both("s_org"),
        },
    )


def test_common_problems_follow_their_visible_problems_or_their_creator(scene):
    # "both" links A.p_open and B.p_open; "k_a" links A.k_draft (a draft paper);
    # "empty_by_office_a" has no problem yet and is seen by its creator only — not even by the
    # city office or the leader, whose jurisdiction covers office_a's.
    assert_matrix(
        scene,
        "common_problems",
        {
            "office": {"both", "k_a"},
            "leader": {"both", "k_a"},
            "office_a": {"both", "k_a", "empty_by_office_a"},
            "office_b": {"both"},
            "leader_b": {"both"},
            **for_users(TEAM_A, {"both", "k_a"}),
            **for_users(TEAM_B, {"both"}),
            # Through their own fed-back problem; the draft-only group stays hidden.
            "liaison": {"both"},
            "liaison_b": {"both"},
        },
    )
