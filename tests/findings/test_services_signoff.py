"""The three-step sign-off of a working paper: problem_sign_handler, problem_sign_deputy,
problem_approve and problem_return."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.models import Inspection, InspectionStatus
from findings import services as fs
from findings.models import DiscoveryMethod, ProblemStatus
from tests.world import category, draft_problem, on_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(world):
    """A draft by the team member (组员) on an inspection on site."""
    return draft_problem(world, on_site(world))


def draft_by(world, user):
    return fs.problem_draft(
        user=user,
        inspection=on_site(world),
        title="选人用人不规范",
        description="具体表现",
        category=category("B02"),
        method=DiscoveryMethod.DOCUMENTS,
    )


def handler_signed(world, problem):
    return fs.problem_sign_handler(user=problem.drafted_by, problem=problem)


def deputy_signed(world, problem):
    return fs.problem_sign_deputy(user=world.team_deputy, problem=handler_signed(world, problem))


# --- step 1: the handler -------------------------------------------------------------------


def test_the_handler_signs_their_own_paper(world, paper):
    problem = handler_signed(world, paper)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.HANDLER_SIGNED
    assert problem.handler_signed_at is not None
    row = problem.history.first()
    assert (row.history_user, row.history_change_reason) == (world.team_member, "承办人签字")


@pytest.mark.parametrize("username", ["team_leader", "team_deputy", "office"])
def test_nobody_signs_for_the_handler(world, paper, username):
    with pytest.raises(PermissionDenied, match="底稿须由承办人本人签字"):
        fs.problem_sign_handler(user=world.users[username], problem=paper)


def test_the_handler_does_not_sign_twice(world, paper):
    handler_signed(world, paper)
    with pytest.raises(ValidationError, match="问题当前为“承办人已签”，不在待承办人签字环节"):
        fs.problem_sign_handler(user=world.team_member, problem=paper)


def test_a_withdrawn_paper_is_not_signed(world, paper):
    fs.problem_withdraw(user=world.team_leader, problem=paper, reason="重复")
    with pytest.raises(ValidationError, match="问题已撤销"):
        fs.problem_sign_handler(user=world.team_member, problem=paper)


# --- step 2: the deputy --------------------------------------------------------------------


def test_the_deputy_reviews_a_handler_signed_paper(world, paper):
    problem = deputy_signed(world, paper)
    assert problem.status == ProblemStatus.DEPUTY_SIGNED
    assert problem.deputy_signed_by == world.team_deputy
    assert problem.deputy_signed_at is not None


def test_the_team_leader_reviews_only_where_the_team_has_no_deputy(world, paper):
    problem = handler_signed(world, paper)
    with pytest.raises(PermissionDenied, match="本组设有副组长"):
        fs.problem_sign_deputy(user=world.team_leader, problem=problem)
    world.team.members.filter(role="deputy").delete()
    problem = fs.problem_sign_deputy(user=world.team_leader, problem=problem)
    assert problem.deputy_signed_by == world.team_leader


def test_the_drafter_may_not_sign_as_deputy(world):
    problem = draft_by(world, world.team_deputy)
    problem = fs.problem_sign_handler(user=world.team_deputy, problem=problem)
    with pytest.raises(PermissionDenied, match="承办人不能审核自己的底稿"):
        fs.problem_sign_deputy(user=world.team_deputy, problem=problem)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.HANDLER_SIGNED


def test_a_member_may_not_review(world, paper):
    with pytest.raises(PermissionDenied, match="此操作须由副组长、组长进行"):
        fs.problem_sign_deputy(user=world.team_member, problem=handler_signed(world, paper))


def test_the_office_may_not_review_a_paper(world, paper):
    with pytest.raises(PermissionDenied, match="底稿须由本组副组长审核"):
        fs.problem_sign_deputy(user=world.office, problem=handler_signed(world, paper))


@pytest.mark.parametrize("username", ["other_inspector", "office_b"])
def test_outsiders_may_not_review(world, paper, username):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        fs.problem_sign_deputy(user=world.users[username], problem=handler_signed(world, paper))


def test_the_deputy_does_not_review_an_unsigned_paper(world, paper):
    with pytest.raises(ValidationError, match="问题当前为“底稿待签”，不在待副组长审核环节"):
        fs.problem_sign_deputy(user=world.team_deputy, problem=paper)


def test_the_deputy_does_not_review_twice(world, paper):
    deputy_signed(world, paper)
    with pytest.raises(ValidationError, match="不在待副组长审核环节"):
        fs.problem_sign_deputy(user=world.team_deputy, problem=paper)


# --- step 3: the team leader ---------------------------------------------------------------


def test_the_team_leader_approves_a_reviewed_paper(world, paper):
    problem = fs.problem_approve(user=world.team_leader, problem=deputy_signed(world, paper))
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.APPROVED
    assert problem.leader_signed_by == world.team_leader
    assert problem.leader_signed_at >= problem.deputy_signed_at >= problem.handler_signed_at
    assert problem.version == 4


def test_approving_before_the_deputy_is_refused(world, paper):
    with pytest.raises(ValidationError, match="须先经副组长审核"):
        fs.problem_approve(user=world.team_leader, problem=handler_signed(world, paper))


def test_approving_twice_is_refused(world, paper):
    fs.problem_approve(user=world.team_leader, problem=deputy_signed(world, paper))
    with pytest.raises(ValidationError, match="问题当前为“组长已审定”，须先经副组长审核"):
        fs.problem_approve(user=world.team_leader, problem=paper)


def test_the_leader_who_reviewed_as_deputy_may_not_also_approve(world, paper):
    world.team.members.filter(role="deputy").delete()
    problem = fs.problem_sign_deputy(user=world.team_leader, problem=handler_signed(world, paper))
    with pytest.raises(PermissionDenied, match="同一人不能在底稿上签署两个环节"):
        fs.problem_approve(user=world.team_leader, problem=problem)


def test_the_leader_who_drafted_may_not_approve(world):
    problem = draft_by(world, world.team_leader)
    problem = fs.problem_sign_handler(user=world.team_leader, problem=problem)
    problem = fs.problem_sign_deputy(user=world.team_deputy, problem=problem)
    with pytest.raises(PermissionDenied, match="同一人不能在底稿上签署两个环节"):
        fs.problem_approve(user=world.team_leader, problem=problem)


def test_a_deputy_may_not_approve(world, paper):
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        fs.problem_approve(user=world.team_deputy, problem=deputy_signed(world, paper))


def test_the_office_may_not_approve_a_paper(world, paper):
    with pytest.raises(PermissionDenied, match="底稿须由本组组长审定"):
        fs.problem_approve(user=world.office, problem=deputy_signed(world, paper))


def test_an_inspector_of_another_team_may_not_approve(world, paper):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        fs.problem_approve(user=world.other_inspector, problem=deputy_signed(world, paper))


# --- returning a paper ---------------------------------------------------------------------


@pytest.mark.parametrize("step", ["handler", "deputy"])
def test_a_reviewer_returns_a_paper_and_every_signature_is_cleared(world, paper, step):
    problem = handler_signed(world, paper) if step == "handler" else deputy_signed(world, paper)
    problem = fs.problem_return(user=world.team_leader, problem=problem, reason=" 证据不足 ")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.DRAFT
    assert problem.handler_signed_at is problem.deputy_signed_at is problem.deputy_signed_by is None
    assert problem.history.first().history_change_reason == "退回底稿：证据不足"


def test_the_office_may_return_a_paper(world, paper):
    problem = fs.problem_return(user=world.office, problem=handler_signed(world, paper), reason="证据不足")
    assert problem.status == ProblemStatus.DRAFT


def test_a_draft_is_not_returned(world, paper):
    with pytest.raises(ValidationError, match="问题当前为“底稿待签”，不能退回"):
        fs.problem_return(user=world.team_deputy, problem=paper, reason="证据不足")


def test_an_approved_paper_is_not_returned(world, paper):
    fs.problem_approve(user=world.team_leader, problem=deputy_signed(world, paper))
    with pytest.raises(ValidationError, match="不能退回"):
        fs.problem_return(user=world.team_deputy, problem=paper, reason="证据不足")


def test_a_return_needs_a_reason(world, paper):
    with pytest.raises(ValidationError, match="请填写退回理由"):
        fs.problem_return(user=world.team_deputy, problem=handler_signed(world, paper), reason="  ")


def test_a_member_may_not_return_a_paper(world, paper):
    with pytest.raises(PermissionDenied, match="此操作须由副组长、组长进行"):
        fs.problem_return(user=world.team_member, problem=handler_signed(world, paper), reason="证据不足")


# --- the inspection must still be worked -----------------------------------------------------
# Through the services a paper cannot be unfinished once its inspection is fed back or closed
# (feedback refuses unfinished papers), so the guard is reached by forcing the state.


@pytest.mark.parametrize("step", ["handler", "deputy", "approve", "return"])
def test_no_sign_off_step_once_the_inspection_is_no_longer_worked(world, paper, step):
    if step in ("deputy", "return"):
        handler_signed(world, paper)
    elif step == "approve":
        deputy_signed(world, paper)
    Inspection.objects.filter(pk=paper.inspection_id).update(status=InspectionStatus.CLOSED)
    call = {
        "handler": lambda: fs.problem_sign_handler(user=world.team_member, problem=paper),
        "deputy": lambda: fs.problem_sign_deputy(user=world.team_deputy, problem=paper),
        "approve": lambda: fs.problem_approve(user=world.team_leader, problem=paper),
        "return": lambda: fs.problem_return(user=world.team_leader, problem=paper, reason="证据不足"),
    }[step]
    with pytest.raises(ValidationError, match="巡察当前状态为“已结束”，不能"):
        call()
