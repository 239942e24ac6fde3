"""Visibility changes as records move through their life: a working paper reaches the unit only
at feedback, a clue reaches its handler only at transfer, and withdrawal (撤销) is a flag the
lists filter — the scoping functions still return withdrawn records."""

import pytest

from campaigns import services as cs
from campaigns.selectors import inspections_visible_to
from findings import services as fs
from findings.models import ClueDestination, PetitionChannel, ProblemStatus, SanctionKind, SanctionSource
from findings.selectors import (
    clues_visible_to,
    notices_visible_to,
    petitions_visible_to,
    problems_visible_to,
    sanctions_visible_to,
)
from rectification import services as rs
from rectification.selectors import measures_visible_to
from tests.accounts.scene import fresh
from tests.world import D, approve, draft_problem, fed_back, on_site
from xuncha.records import record_withdraw

pytestmark = pytest.mark.django_db


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_a_draft_problem_is_invisible_to_the_liaison_until_fed_back(world):
    inspection = on_site(world)
    problem = draft_problem(world, inspection)

    def seen_by(username):
        user = fresh(username)
        return pks(problems_visible_to(user)), pks(inspections_visible_to(user))

    assert seen_by("liaison") == (set(), set())
    assert seen_by("team_member") == ({problem.pk}, {inspection.pk})
    assert seen_by("office_a") == ({problem.pk}, {inspection.pk})

    problem = approve(world, problem)
    assert problem.status == ProblemStatus.APPROVED
    assert seen_by("liaison") == (set(), set())

    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    assert seen_by("liaison") == (set(), set())

    rs.inspection_feed_back(user=world.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    assert seen_by("liaison") == ({problem.pk}, {inspection.pk})
    # Another district's liaison never, before or after.
    assert seen_by("liaison_b") == (set(), set())


def test_an_approved_problem_withdrawn_before_feedback_never_reaches_the_liaison(world):
    # Feedback moves only live approved problems; a withdrawn one stays 'approved' inside a
    # fed-back inspection, and the problem-status rule keeps it from the unit.
    inspection = on_site(world)
    kept = approve(world, draft_problem(world, inspection, title="保留的问题"))
    dropped = approve(world, draft_problem(world, inspection, title="撤销的问题"))
    fs.problem_withdraw(user=world.team_leader, problem=dropped, reason="查无实据")
    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    rs.inspection_feed_back(user=world.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    dropped.refresh_from_db()
    assert dropped.status == ProblemStatus.APPROVED
    assert pks(problems_visible_to(fresh("liaison"))) == {kept.pk}
    assert pks(problems_visible_to(fresh("office_a"))) == {kept.pk, dropped.pk}


def test_a_clue_reaches_the_discipline_handler_only_once_transferred(world):
    inspection = on_site(world)
    clue = fs.clue_register(
        user=world.team_member,
        inspection=inspection,
        subject_name="张某",
        summary="涉嫌违规发放补贴",
        destination=ClueDestination.DISCIPLINE,
    )
    org_clue = fs.clue_register(
        user=world.team_member,
        inspection=inspection,
        subject_name="李某",
        summary="选人用人不规范",
        destination=ClueDestination.ORG_DEPT,
    )
    for handler in ("discipline", "discipline_b", "orgdept"):
        assert pks(clues_visible_to(fresh(handler))) == set()

    clue = fs.clue_transfer(user=world.team_leader, clue=clue, transferred_on=D(2026, 3, 20))
    org_clue = fs.clue_transfer(user=world.team_leader, clue=org_clue, transferred_on=D(2026, 3, 20))
    assert pks(clues_visible_to(fresh("discipline"))) == {clue.pk}
    assert pks(clues_visible_to(fresh("orgdept"))) == {org_clue.pk}
    # District B's handler: the clue comes from district A.
    assert pks(clues_visible_to(fresh("discipline_b"))) == set()
    assert pks(clues_visible_to(fresh("liaison"))) == set()

    sanction = fs.sanction_record(
        user=world.discipline,
        inspection=inspection,
        source=SanctionSource.CLUE,
        kind=SanctionKind.PARTY_DISCIPLINE,
        person_name="张某",
        decided_on=D(2026, 6, 1),
        clue=clue,
    )
    assert pks(sanctions_visible_to(fresh("discipline"))) == {sanction.pk}
    assert pks(sanctions_visible_to(fresh("orgdept"))) == set()
    assert pks(sanctions_visible_to(fresh("discipline_b"))) == set()


def test_withdrawn_records_are_still_returned_by_the_scoping_functions(world):
    """Withdrawal is not a visibility rule: `<things>_visible_to` returns withdrawn records to
    whoever may see them, and lists apply `.live()` on top."""
    inspection = on_site(world)
    petition = fs.petition_register(
        user=world.team_member,
        inspection=inspection,
        channel=PetitionChannel.VISIT,
        received_on=D(2026, 3, 12),
        subject="低保",
        content="评定不公",
        petitioner="刘某",
    )
    problem = approve(world, draft_problem(world, inspection))
    notice = fs.immediate_notice_issue(
        user=world.team_leader, problem=problem, issued_on=D(2026, 3, 15), deadline=D(2026, 3, 30), requirement="立改"
    )
    clue = fs.clue_register(
        user=world.team_member,
        inspection=inspection,
        subject_name="张某",
        summary="涉嫌违规",
        destination=ClueDestination.DISCIPLINE,
    )
    fs.petition_withdraw(user=world.team_leader, petition=petition, reason="重复登记")
    fs.clue_withdraw(user=world.team_leader, clue=clue, reason="重复登记")
    record_withdraw(record=notice, user=world.team_leader, reason="误发")

    for username in ("office", "office_a", "leader", "team_member"):
        user = fresh(username)
        assert pks(petitions_visible_to(user)) == {petition.pk}
        assert pks(petitions_visible_to(user).live()) == set()
        assert pks(clues_visible_to(user)) == {clue.pk}
        assert pks(clues_visible_to(user).live()) == set()
        assert pks(notices_visible_to(user)) == {notice.pk}
        assert pks(notices_visible_to(user).live()) == set()
    for username in ("office_b", "leader_b", "other_inspector", "liaison", "discipline", "nobody"):
        user = fresh(username)
        assert pks(petitions_visible_to(user)) == set()
        assert pks(clues_visible_to(user)) == set()
        assert pks(notices_visible_to(user)) == set()


def test_a_fed_back_problem_withdrawn_by_the_office_is_still_returned_to_the_liaison(world):
    inspection = fed_back(world, problems=2)
    withdrawn, kept = inspection.problems.order_by("number")
    fs.problem_withdraw(user=world.office, problem=withdrawn, reason="反馈有误")
    liaison = fresh("liaison")
    assert pks(problems_visible_to(liaison)) == {withdrawn.pk, kept.pk}
    assert pks(problems_visible_to(liaison).live()) == {kept.pk}


def test_a_withdrawn_measure_is_still_returned_by_the_scoping_function(world):
    inspection = fed_back(world, problems=1)
    problem = inspection.problems.get()
    measure = rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="建立台账",
        responsible_unit=world.township,
        responsible_person="王主任",
        deadline=D(2026, 6, 30),
    )
    rs.measure_withdraw(user=world.office, measure=measure, reason="措施重复")
    for username in ("liaison", "office_a", "team_member"):
        user = fresh(username)
        assert pks(measures_visible_to(user)) == {measure.pk}
        assert pks(measures_visible_to(user).live()) == set()
    assert pks(measures_visible_to(fresh("liaison_b"))) == set()


def test_a_withdrawn_inspection_is_still_returned_to_office_and_team(world):
    inspection = cs.inspection_create(
        user=world.office, round=world.round, team=world.team, organization=world.village, mode="regular"
    )
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="计划调整")
    for username in ("office", "office_a", "leader", "team_leader"):
        user = fresh(username)
        assert pks(inspections_visible_to(user)) == {inspection.pk}
        assert pks(inspections_visible_to(user).live()) == set()
    assert pks(inspections_visible_to(fresh("office_b"))) == set()
