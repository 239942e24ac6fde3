"""problem_draft, problem_update (with the version check), numbering, problems_link_common and
problem_withdraw."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns import services as cs
from findings import services as fs
from findings.models import CommonProblem, DiscoveryMethod, PetitionChannel, Problem, ProblemStatus
from rectification import services as rs
from tests.world import D, approve, category, create_inspection, draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db


def draft(world, inspection, user=None, **kw):
    fields = {
        "title": "三会一课不规范",
        "description": "支部大会记录缺失",
        "category": category("B05"),
        "method": DiscoveryMethod.DOCUMENTS,
    }
    fields.update(kw)
    return fs.problem_draft(user=user or world.team_member, inspection=inspection, **fields)


def petition(world, inspection):
    return fs.petition_register(
        user=world.team_member,
        inspection=inspection,
        channel=PetitionChannel.PHONE,
        received_on=D(2026, 3, 11),
        subject="村支书",
        content="反映问题",
        is_anonymous=True,
    )


# --- problem_draft -------------------------------------------------------------------------


def test_a_team_member_drafts_a_working_paper(world):
    inspection = on_site(world)
    source = petition(world, inspection)
    problem = draft(world, inspection, involved_organization=world.village, source_petition=source)
    assert problem.status == ProblemStatus.DRAFT
    assert problem.drafted_by == world.team_member
    assert problem.involved_organization == world.village
    assert problem.source_petition == source
    assert problem.version == 1
    assert problem.history.get().history_user == world.team_member


def test_papers_may_still_be_drafted_after_leaving(world):
    inspection = cs.inspection_leave(user=world.team_leader, inspection=on_site(world), on=D(2026, 4, 10))
    assert draft(world, inspection).status == ProblemStatus.DRAFT


def test_two_problems_in_one_inspection_are_numbered_1_and_2(world):
    inspection = on_site(world)
    assert [draft(world, inspection).number, draft(world, inspection).number] == [1, 2]


def test_problem_numbers_are_per_inspection(world):
    first = on_site(world)
    second = on_site(world, world.village_b)
    draft(world, first)
    draft(world, first)
    assert draft(world, second).number == 1
    assert draft(world, first).number == 3


def test_a_withdrawn_problems_number_is_not_reused(world):
    inspection = on_site(world)
    fs.problem_withdraw(user=world.team_leader, problem=draft(world, inspection), reason="重复")
    assert draft(world, inspection).number == 2


def test_an_inspector_not_on_the_team_may_not_draft_a_problem(world):
    inspection = on_site(world)
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        draft(world, inspection, user=world.other_inspector)
    assert not Problem.objects.exists()


@pytest.mark.parametrize("username", ["office_b", "liaison", "leader"])
def test_outsiders_may_not_draft_problems(world, username):
    inspection = on_site(world)
    with pytest.raises(PermissionDenied, match="无权进行此操作"):
        draft(world, inspection, user=world.users[username])


def test_no_paper_is_drafted_before_entering(world):
    with pytest.raises(ValidationError, match="巡察当前状态为“待进驻”，不能新增问题底稿"):
        draft(world, create_inspection(world))


def test_no_paper_is_drafted_after_feedback(world):
    with pytest.raises(ValidationError, match="不能新增问题底稿"):
        draft(world, fed_back(world, problems=0))


def test_a_disabled_category_is_refused(world):
    disabled = category("C06")
    disabled.is_active = False
    disabled.save()
    with pytest.raises(ValidationError, match="已停用"):
        draft(world, on_site(world), category=disabled)


def test_the_involved_organization_must_lie_under_the_inspected_unit(world):
    with pytest.raises(ValidationError, match="西山村党支部不是被巡察单位青石镇党委的下属组织"):
        draft(world, on_site(world), involved_organization=world.village_b)


def test_the_source_petition_must_belong_to_the_inspection(world):
    elsewhere = petition(world, on_site(world, world.village_b))
    with pytest.raises(ValidationError, match="来源信访件不属于本次巡察"):
        draft(world, on_site(world), source_petition=elsewhere)


# --- problem_update and the version check --------------------------------------------------


def test_the_handler_edits_a_draft_and_the_version_goes_up(world):
    problem = draft(world, on_site(world))
    problem = fs.problem_update(user=world.team_member, problem=problem, expected_version=1, title="改后标题")
    problem.refresh_from_db()
    assert problem.title == "改后标题"
    assert problem.version == 2
    assert problem.status == ProblemStatus.DRAFT


def test_editing_a_signed_paper_sends_it_back_to_the_first_step(world):
    problem = draft(world, on_site(world))
    problem = fs.problem_sign_handler(user=world.team_member, problem=problem)
    problem = fs.problem_sign_deputy(user=world.team_deputy, problem=problem)
    problem = fs.problem_update(user=world.team_member, problem=problem, description="补充材料")
    assert problem.status == ProblemStatus.DRAFT
    assert problem.handler_signed_at is problem.deputy_signed_at is problem.deputy_signed_by is None


def test_a_stale_edit_is_refused_and_changes_nothing(world):
    problem = draft(world, on_site(world))
    fs.problem_update(user=world.team_member, problem=problem, expected_version=1, title="甲的修改")
    with pytest.raises(ValidationError, match="已被他人修改.*第1版.*第2版"):
        fs.problem_update(user=world.team_deputy, problem=problem, expected_version=1, title="乙的修改")
    problem.refresh_from_db()
    assert problem.title == "甲的修改"
    assert problem.version == 2
    assert problem.history.count() == 2


def test_an_approved_paper_is_not_edited(world):
    problem = approve(world, draft_problem(world, on_site(world)))
    with pytest.raises(ValidationError, match="问题已组长已审定，底稿不能再修改"):
        fs.problem_update(user=world.team_leader, problem=problem, title="改")


def test_a_withdrawn_paper_is_not_edited(world):
    problem = draft(world, on_site(world))
    fs.problem_withdraw(user=world.team_leader, problem=problem, reason="重复")
    with pytest.raises(ValidationError, match="问题已撤销"):
        fs.problem_update(user=world.team_member, problem=problem, title="改")


def test_an_edit_may_not_use_a_disabled_category(world):
    problem = draft(world, on_site(world))
    disabled = category("C06")
    disabled.is_active = False
    disabled.save()
    with pytest.raises(ValidationError, match="已停用"):
        fs.problem_update(user=world.team_member, problem=problem, category=disabled)
    problem.refresh_from_db()
    assert problem.category.code == "B05"


def test_an_edit_may_not_move_the_problem_outside_the_inspected_unit(world):
    problem = draft(world, on_site(world))
    with pytest.raises(ValidationError, match="不是被巡察单位"):
        fs.problem_update(user=world.team_member, problem=problem, involved_organization=world.district_b)


def test_an_edit_may_not_touch_workflow_fields(world):
    problem = draft(world, on_site(world))
    with pytest.raises(ValueError, match="status"):
        fs.problem_update(user=world.team_member, problem=problem, status=ProblemStatus.APPROVED)


@pytest.mark.parametrize("username", ["other_inspector", "office_b", "liaison"])
def test_outsiders_may_not_edit_a_paper(world, username):
    problem = draft(world, on_site(world))
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        fs.problem_update(user=world.users[username], problem=problem, title="改")


# --- problems_link_common ------------------------------------------------------------------


def common(world) -> CommonProblem:
    return CommonProblem.objects.create(title="饮水安全", category=category("A04"), created_by=world.office)


def test_office_links_problems_of_several_units_into_one_common_problem(world):
    first = draft(world, on_site(world))
    second = draft(world, on_site(world, world.village_b))
    group = common(world)
    assert fs.problems_link_common(user=world.office, problems=[first, second], common=group) == 2
    assert set(group.problems.all()) == {first, second}
    first.refresh_from_db()
    assert first.version == 2
    assert first.history.first().history_change_reason == "归入共性问题：饮水安全"


def test_linking_needs_the_office_over_every_problem(world):
    mine = draft(world, on_site(world, world.village_b))
    theirs = draft(world, on_site(world))
    with pytest.raises(PermissionDenied, match="青石镇党委的巡察办工作人员"):
        fs.problems_link_common(user=world.office_b, problems=[mine, theirs], common=common(world))
    mine.refresh_from_db()
    assert mine.common_problem is None


def test_a_withdrawn_problem_is_not_linked(world):
    problem = draft(world, on_site(world))
    fs.problem_withdraw(user=world.team_leader, problem=problem, reason="重复")
    with pytest.raises(ValidationError, match="已撤销"):
        fs.problems_link_common(user=world.office, problems=[problem], common=common(world))


# --- problem_withdraw ----------------------------------------------------------------------


def test_the_team_leader_withdraws_an_unfed_problem(world):
    problem = approve(world, draft_problem(world, on_site(world)))
    problem = fs.problem_withdraw(user=world.team_leader, problem=problem, reason="事实不清")
    assert problem.is_withdrawn
    assert problem.withdrawn_by == world.team_leader


def test_a_member_may_not_withdraw_a_problem(world):
    problem = draft(world, on_site(world))
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        fs.problem_withdraw(user=world.team_member, problem=problem, reason="事实不清")


def test_only_the_office_withdraws_a_fed_back_problem(world):
    problem = fed_back(world, problems=1).problems.get()
    with pytest.raises(PermissionDenied, match="问题已反馈，只有巡察办可以撤销"):
        fs.problem_withdraw(user=world.team_leader, problem=problem, reason="事实不清")
    assert fs.problem_withdraw(user=world.office, problem=problem, reason="事实不清").is_withdrawn


def test_a_problem_with_live_measures_is_not_withdrawn(world):
    problem = fed_back(world, problems=1).problems.get()
    rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="整改",
        responsible_unit=world.township,
        responsible_person="王",
        deadline=D(2026, 6, 30),
    )
    with pytest.raises(ValidationError, match="请先撤销其整改措施"):
        fs.problem_withdraw(user=world.office, problem=problem, reason="事实不清")


def test_a_problem_withdrawal_needs_a_reason(world):
    problem = draft(world, on_site(world))
    with pytest.raises(ValidationError, match="请填写撤销原因"):
        fs.problem_withdraw(user=world.team_leader, problem=problem, reason="x")


def test_a_problem_is_not_withdrawn_twice(world):
    problem = draft(world, on_site(world))
    fs.problem_withdraw(user=world.team_leader, problem=problem, reason="重复")
    with pytest.raises(ValidationError, match="已.*撤销"):
        fs.problem_withdraw(user=world.team_leader, problem=problem, reason="重复")
