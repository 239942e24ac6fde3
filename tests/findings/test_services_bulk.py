"""Bulk edits from the problem list and common problems: problems_set_category and
common_problem_create."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from findings import services as fs
from findings.models import CommonProblem
from tests.world import category, draft_problem, on_site

pytestmark = pytest.mark.django_db


# --- problems_set_category -----------------------------------------------------------------


def test_office_reclassifies_many_problems_each_with_its_own_history(world):
    inspection = on_site(world)
    first = draft_problem(world, inspection, code="A01")
    second = draft_problem(world, inspection, code="A02")
    same = draft_problem(world, inspection, code="C03")
    target = category("C03")
    assert fs.problems_set_category(user=world.office, problems=[first, second, same], category=target) == 2
    for problem in (first, second):
        problem.refresh_from_db()
        assert problem.category == target
        assert problem.version == 2
        row = problem.history.first()
        assert (row.history_user, row.history_change_reason) == (world.office, f"批量调整类别：{target.name}")
    same.refresh_from_db()
    assert same.version == 1  # unchanged, so not rewritten


def test_reclassifying_into_a_disabled_category_is_refused(world):
    problem = draft_problem(world, on_site(world))
    disabled = category("C06")
    disabled.is_active = False
    disabled.save()
    with pytest.raises(ValidationError, match="已停用"):
        fs.problems_set_category(user=world.office, problems=[problem], category=disabled)


def test_reclassifying_needs_the_office_over_every_problem(world):
    mine = draft_problem(world, on_site(world, world.village_b), code="A01")
    theirs = draft_problem(world, on_site(world), code="A01")
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的巡察办工作人员"):
        fs.problems_set_category(user=world.office_b, problems=[mine, theirs], category=category("B01"))
    mine.refresh_from_db()
    assert mine.category.code == "A01"


@pytest.mark.parametrize("username", ["team_leader", "leader", "liaison"])
def test_only_office_staff_reclassify_in_bulk(world, username):
    problem = draft_problem(world, on_site(world))
    with pytest.raises(PermissionDenied, match="无权进行此操作"):
        fs.problems_set_category(user=world.users[username], problems=[problem], category=category("B01"))


def test_a_withdrawn_problem_stops_the_whole_reclassification(world):
    inspection = on_site(world)
    live = draft_problem(world, inspection, code="A01")
    gone = draft_problem(world, inspection, code="A01")
    fs.problem_withdraw(user=world.team_leader, problem=gone, reason="重复")
    with pytest.raises(ValidationError, match="问题已撤销"):
        fs.problems_set_category(user=world.office, problems=[live, gone], category=category("B01"))
    live.refresh_from_db()
    assert live.category.code == "A01"  # all or nothing


# --- common_problem_create -----------------------------------------------------------------


def test_office_sets_up_a_common_problem(world):
    common = fs.common_problem_create(
        user=world.office_a, title="  农村饮水安全 ", category=category("A04"), description="27个村"
    )
    assert common.title == "农村饮水安全"
    assert common.created_by == world.office_a
    assert common.history.get().history_user == world.office_a


@pytest.mark.parametrize("username", ["team_leader", "leader", "liaison", "discipline", "nobody"])
def test_only_office_staff_set_up_common_problems(world, username):
    with pytest.raises(PermissionDenied, match="只有巡察办工作人员可以设立共性问题"):
        fs.common_problem_create(user=world.users[username], title="饮水", category=category("A04"))
    assert not CommonProblem.objects.exists()


def test_a_common_problem_needs_a_title(world):
    with pytest.raises(ValidationError, match="请填写共性问题名称"):
        fs.common_problem_create(user=world.office, title="  ", category=category("A04"))
