"""inspection_feed_back (反馈), default_deadline and inspection_close (整改结束)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services as cs
from campaigns.models import InspectionStatus
from findings import services as fs
from findings.models import ProblemStatus
from rectification import services as rs
from tests.world import D, approve, draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db


def left(world, approved: int = 2, organization=None):
    inspection = on_site(world, organization)
    for i in range(approved):
        approve(world, draft_problem(world, inspection, title=f"问题{i + 1}"))
    return cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))


def feed_back(world, inspection, on=D(2026, 5, 10), user=None, deadline=None):
    return rs.inspection_feed_back(
        user=user or world.team_leader, inspection=inspection, feedback_date=on, deadline=deadline
    )


# --- default_deadline ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fed", "due"),
    [
        (D(2026, 5, 10), D(2026, 7, 10)),
        (D(2026, 11, 15), D(2027, 1, 15)),
        (D(2026, 12, 31), D(2027, 2, 28)),
        (D(2027, 12, 31), D(2028, 2, 29)),
        (D(2026, 7, 31), D(2026, 9, 30)),
    ],
)
def test_the_default_deadline_is_two_months_after_feedback(fed, due):
    assert rs.default_deadline(fed) == due


# --- inspection_feed_back ------------------------------------------------------------------


def test_feedback_sends_every_approved_problem_to_the_unit(world):
    inspection = feed_back(world, left(world, approved=2))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.FED_BACK
    assert inspection.feedback_date == D(2026, 5, 10)
    assert inspection.rectification_deadline == D(2026, 7, 10)
    problems = list(inspection.problems.all())
    assert [p.status for p in problems] == [ProblemStatus.FED_BACK] * 2
    assert {p.fed_back_on for p in problems} == {D(2026, 5, 10)}
    assert {p.version for p in problems} == {5}  # drafted, three signatures, fed back
    row = inspection.history.first()
    assert (row.history_user, row.history_change_reason) == (world.team_leader, "反馈2个问题")


def test_feedback_bumps_the_problems_updated_at(world):
    inspection = left(world, approved=1)
    before = inspection.problems.get().updated_at
    feed_back(world, inspection)
    assert inspection.problems.get().updated_at > before


def test_feedback_takes_an_explicit_deadline(world):
    inspection = feed_back(world, left(world), deadline=D(2026, 8, 31))
    assert inspection.rectification_deadline == D(2026, 8, 31)


def test_feedback_on_the_day_of_leaving_is_allowed(world):
    assert feed_back(world, left(world), on=D(2026, 4, 10)).feedback_date == D(2026, 4, 10)


def test_feedback_with_no_problem_found_is_allowed(world):
    inspection = feed_back(world, left(world, approved=0))
    assert inspection.status == InspectionStatus.FED_BACK
    assert inspection.history.first().history_change_reason == "反馈0个问题"


def test_withdrawn_problems_are_not_fed_back(world):
    inspection = left(world, approved=2)
    withdrawn = inspection.problems.get(number=2)
    fs.problem_withdraw(user=world.team_leader, problem=withdrawn, reason="事实不清")
    feed_back(world, inspection)
    withdrawn.refresh_from_db()
    assert withdrawn.status == ProblemStatus.APPROVED
    assert withdrawn.fed_back_on is None
    assert inspection.problems.get(number=1).status == ProblemStatus.FED_BACK


def test_the_office_may_feed_back(world):
    assert feed_back(world, left(world), user=world.office_a).status == InspectionStatus.FED_BACK


def test_feed_back_is_refused_while_papers_are_unsigned(world):
    inspection = on_site(world)
    approve(world, draft_problem(world, inspection, title="已审定"))
    fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, inspection, title="待审"))
    draft_problem(world, inspection, title="待签")
    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    with pytest.raises(ValidationError, match="尚有2份问题底稿未完成三级审签"):
        feed_back(world, inspection)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.LEFT
    assert not inspection.problems.filter(status=ProblemStatus.FED_BACK).exists()


def test_a_withdrawn_draft_does_not_hold_up_feedback(world):
    inspection = on_site(world)
    fs.problem_withdraw(user=world.team_leader, problem=draft_problem(world, inspection), reason="重复")
    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    assert feed_back(world, inspection).status == InspectionStatus.FED_BACK


def test_feed_back_is_refused_while_the_team_is_on_site(world):
    with pytest.raises(ValidationError, match="巡察当前状态为“进驻中”，须在撤离后反馈"):
        feed_back(world, on_site(world))


def test_feeding_back_twice_is_refused(world):
    inspection = feed_back(world, left(world))
    with pytest.raises(ValidationError, match="当前状态为“已反馈·整改中”，须在撤离后反馈"):
        feed_back(world, inspection, on=D(2026, 5, 11))


def test_feedback_before_leaving_is_refused(world):
    inspection = left(world)
    with pytest.raises(ValidationError, match="反馈日期不能早于撤离日期2026-04-10"):
        feed_back(world, inspection, on=D(2026, 4, 9))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.LEFT


@pytest.mark.parametrize("deadline", [D(2026, 5, 10), D(2026, 5, 9)])
def test_a_deadline_not_after_feedback_is_refused(world, deadline):
    inspection = left(world)
    with pytest.raises(ValidationError, match="整改期限须晚于反馈日期"):
        feed_back(world, inspection, deadline=deadline)
    assert not inspection.problems.filter(status=ProblemStatus.FED_BACK).exists()


def test_a_deputy_may_not_feed_back(world):
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        feed_back(world, left(world), user=world.team_deputy)


@pytest.mark.parametrize("username", ["office_b", "other_inspector", "liaison", "leader"])
def test_outsiders_may_not_feed_back(world, username):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        feed_back(world, left(world), user=world.users[username])


def test_a_withdrawn_inspection_is_not_fed_back(world):
    inspection = left(world, approved=0)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="机构改革")
    with pytest.raises(ValidationError, match="巡察已撤销"):
        feed_back(world, inspection)


# --- inspection_close ----------------------------------------------------------------------

PDF = b"%PDF-1.4\n%evidence\n"


def rectify(world, problem):
    measure = rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="整改",
        responsible_unit=world.township,
        responsible_person="王",
        deadline=D(2026, 6, 30),
    )
    measure = rs.measure_report(
        user=world.liaison, measure=measure, progress="已完成", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    return rs.measure_verify(user=world.office, measure=measure, verdict=rs.Verdict.ACCEPT)


def test_the_office_closes_an_inspection_whose_problems_are_all_rectified(world):
    inspection = fed_back(world, problems=2)
    for problem in inspection.problems.all():
        rectify(world, problem)
    inspection = rs.inspection_close(user=world.office_a, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CLOSED
    row = inspection.history.first()
    assert (row.history_user, row.history_change_reason) == (world.office_a, "整改结束")


def test_an_inspection_with_problems_still_open_is_not_closed(world):
    inspection = fed_back(world, problems=2)
    rectify(world, inspection.problems.get(number=1))
    with pytest.raises(ValidationError, match="尚有1个问题未完成整改，不能结束"):
        rs.inspection_close(user=world.office, inspection=inspection)


def test_an_inspection_not_yet_fed_back_is_not_closed(world):
    with pytest.raises(ValidationError, match="巡察当前状态为“已撤离”，只有整改中的巡察才能结束"):
        rs.inspection_close(user=world.office, inspection=left(world, approved=0))


def test_an_inspection_is_not_closed_twice(world):
    inspection = rs.inspection_close(user=world.office, inspection=fed_back(world, problems=0))
    with pytest.raises(ValidationError, match="当前状态为“已结束”"):
        rs.inspection_close(user=world.office, inspection=inspection)


@pytest.mark.parametrize("username", ["office_b", "team_leader", "liaison"])
def test_only_the_office_over_the_unit_closes_an_inspection(world, username):
    inspection = fed_back(world, problems=0)
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的巡察办工作人员"):
        rs.inspection_close(user=world.users[username], inspection=inspection)


def test_a_withdrawn_inspection_is_not_closed(world):
    inspection = fed_back(world, problems=0)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="机构改革")
    with pytest.raises(ValidationError, match="巡察已撤销"):
        rs.inspection_close(user=world.office, inspection=inspection)
