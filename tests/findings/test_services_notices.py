"""Immediate-rectification notices (立行立改): immediate_notice_issue and immediate_notice_complete."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from findings import services as fs
from findings.models import ImmediateNotice
from tests.world import D, draft_problem, fed_back, on_site
from xuncha.records import record_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(world):
    return draft_problem(world, on_site(world))


def issue(world, problem, user=None, issued_on=D(2026, 3, 15), deadline=D(2026, 3, 31), requirement="立即公开账目"):
    return fs.immediate_notice_issue(
        user=user or world.team_leader, problem=problem, issued_on=issued_on, deadline=deadline, requirement=requirement
    )


def complete(world, notice, user=None, completed_on=D(2026, 3, 25), result="已张榜公开"):
    return fs.immediate_notice_complete(
        user=user or world.team_member, notice=notice, completed_on=completed_on, result=result
    )


# --- immediate_notice_issue ------------------------------------------------------------------


def test_the_team_leader_issues_a_notice(world, problem):
    notice = issue(world, problem, requirement="  立即公开账目  ")
    assert notice.problem == problem
    assert notice.number == 1
    assert notice.issued_by == world.team_leader
    assert notice.requirement == "立即公开账目"
    assert notice.completed_on is None
    assert notice.history.get().history_user == world.team_leader


def test_notices_are_numbered_per_problem(world, problem):
    other = draft_problem(world, problem.inspection, title="另一问题")
    assert [issue(world, problem).number, issue(world, problem).number] == [1, 2]
    assert issue(world, other).number == 1


def test_the_office_may_issue_a_notice(world, problem):
    assert issue(world, problem, user=world.office_a).issued_by == world.office_a


def test_a_notice_may_be_due_the_day_it_is_issued(world, problem):
    assert issue(world, problem, deadline=D(2026, 3, 15)).deadline == D(2026, 3, 15)


def test_a_member_may_not_issue_a_notice(world, problem):
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        issue(world, problem, user=world.team_member)
    assert not ImmediateNotice.objects.exists()


@pytest.mark.parametrize("username", ["office_b", "other_inspector", "liaison"])
def test_outsiders_may_not_issue_a_notice(world, problem, username):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        issue(world, problem, user=world.users[username])


def test_a_notice_is_not_issued_for_a_withdrawn_problem(world, problem):
    fs.problem_withdraw(user=world.team_leader, problem=problem, reason="事实不清")
    with pytest.raises(ValidationError, match="问题已撤销"):
        issue(world, problem)


def test_no_notice_once_the_inspection_is_fed_back(world):
    problem = fed_back(world, problems=1).problems.get()
    with pytest.raises(ValidationError, match="巡察当前状态为“已反馈·整改中”，不能下发立行立改通知书"):
        issue(world, problem, issued_on=D(2026, 5, 11), deadline=D(2026, 5, 20))


def test_a_notice_is_not_issued_before_entering(world, problem):
    with pytest.raises(ValidationError, match="下发日期不能早于进驻日期2026-03-10"):
        issue(world, problem, issued_on=D(2026, 3, 9))


def test_a_notice_is_not_due_before_it_is_issued(world, problem):
    with pytest.raises(ValidationError, match="整改时限不能早于下发日期"):
        issue(world, problem, issued_on=D(2026, 3, 15), deadline=D(2026, 3, 14))


def test_a_notice_needs_a_requirement(world, problem):
    with pytest.raises(ValidationError, match="请填写整改要求"):
        issue(world, problem, requirement="  ")


# --- immediate_notice_complete ---------------------------------------------------------------


def test_a_team_member_records_the_notice_completed(world, problem):
    notice = complete(world, issue(world, problem), result="  已张榜公开 ")
    notice.refresh_from_db()
    assert notice.completed_on == D(2026, 3, 25)
    assert notice.result == "已张榜公开"
    assert notice.version == 2
    row = notice.history.first()
    assert (row.history_user, row.history_change_reason) == (world.team_member, "立行立改完成")


def test_a_notice_may_be_completed_the_day_it_is_issued(world, problem):
    assert complete(world, issue(world, problem), completed_on=D(2026, 3, 15)).completed_on == D(2026, 3, 15)


def test_a_notice_is_not_completed_twice(world, problem):
    notice = complete(world, issue(world, problem))
    with pytest.raises(ValidationError, match="该通知书已于2026-03-25完成整改"):
        complete(world, notice, completed_on=D(2026, 3, 26))


def test_a_notice_is_not_completed_before_it_is_issued(world, problem):
    with pytest.raises(ValidationError, match="完成日期不能早于下发日期"):
        complete(world, issue(world, problem), completed_on=D(2026, 3, 14))


def test_a_completion_needs_a_result(world, problem):
    with pytest.raises(ValidationError, match="请填写整改结果"):
        complete(world, issue(world, problem), result="")


def test_a_withdrawn_notice_is_not_completed(world, problem):
    notice = issue(world, problem)
    record_withdraw(record=notice, user=world.office, reason="误发")
    with pytest.raises(ValidationError, match="立行立改通知书已撤销"):
        complete(world, notice)


@pytest.mark.parametrize("username", ["office_b", "other_inspector", "liaison"])
def test_outsiders_may_not_complete_a_notice(world, problem, username):
    notice = issue(world, problem)
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        complete(world, notice, user=world.users[username])
