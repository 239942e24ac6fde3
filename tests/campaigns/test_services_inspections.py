"""inspection_create, inspection_enter, inspection_leave, inspection_withdraw and round_close."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns import services as cs
from campaigns.models import (
    Inspection,
    InspectionMode,
    InspectionStatus,
    Round,
    RoundStatus,
    Team,
    TeamMember,
    TeamRole,
)
from tests.world import D, draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db


def second_round(world, staffed: bool = True) -> tuple[Round, Team]:
    round2 = Round.objects.create(term=world.term, number=2, name="第二轮", start_date=D(2026, 9, 1))
    team2 = Team.objects.create(round=round2, number=1, name="第一巡察组（二轮）")
    if staffed:
        for key, role in (("team_leader", TeamRole.LEADER), ("team_member", TeamRole.MEMBER)):
            person = world.persons[key]
            TeamMember.objects.create(team=team2, person=person, role=role, source=person.source)
    return round2, team2


def create(world, organization=None, user=None, round=None, team=None, **kw):
    return cs.inspection_create(
        user=user or world.office,
        round=round or world.round,
        team=team or world.team,
        organization=organization or world.township,
        mode=kw.pop("mode", InspectionMode.REGULAR),
        **kw,
    )


def leave(world, inspection, on=D(2026, 4, 10), user=None):
    return cs.inspection_leave(user=user or world.team_leader, inspection=inspection, on=on)


# --- inspection_create -------------------------------------------------------------------------


def test_office_plans_an_inspection(world):
    inspection = create(world)
    assert inspection.status == InspectionStatus.PLANNED
    assert (inspection.round, inspection.team, inspection.organization) == (world.round, world.team, world.township)
    assert inspection.version == 1
    assert inspection.history.get().history_user == world.office


def test_a_special_inspection_keeps_its_theme(world):
    inspection = create(world, mode=InspectionMode.SPECIAL, theme="  乡村振兴资金  ")
    assert inspection.theme == "乡村振兴资金"


def test_office_b_may_not_plan_an_inspection_in_the_citys_round(world):
    with pytest.raises(PermissionDenied, match="您不是清河市委的巡察办工作人员"):
        create(world, user=world.office_b)
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("username", ["leader", "team_leader", "liaison", "discipline"])
def test_only_office_staff_plan_inspections(world, username):
    with pytest.raises(PermissionDenied, match="无权进行此操作"):
        create(world, user=world.users[username])


def test_no_inspection_is_planned_in_a_closed_round(world):
    world.round.status = RoundStatus.CLOSED
    world.round.save()
    with pytest.raises(ValidationError, match="第一轮已结束，不能再安排巡察"):
        create(world)


def test_the_team_must_belong_to_the_round(world):
    _round2, team2 = second_round(world)
    with pytest.raises(ValidationError, match="不属于第一轮"):
        create(world, team=team2)


def test_a_dissolved_organization_is_not_inspected(world):
    cs.organization_dissolve(user=world.office, organization=world.village, dissolved_on=D(2026, 1, 1))
    world.village.refresh_from_db()
    with pytest.raises(ValidationError, match="青石村党支部已撤销，不能作为巡察对象"):
        create(world, world.village)


def test_a_special_inspection_needs_a_theme(world):
    with pytest.raises(ValidationError, match="专项巡察须填写专项主题"):
        create(world, mode=InspectionMode.SPECIAL, theme="   ")


def test_a_look_back_re_inspects_an_earlier_fed_back_inspection(world):
    earlier = fed_back(world, problems=0)
    round2, team2 = second_round(world)
    inspection = create(world, round=round2, team=team2, mode=InspectionMode.LOOK_BACK, earlier=earlier)
    assert inspection.earlier == earlier
    assert list(earlier.look_backs.all()) == [inspection]


def test_a_look_back_needs_an_earlier_inspection(world):
    round2, team2 = second_round(world)
    with pytest.raises(ValidationError, match="须选择原巡察"):
        create(world, round=round2, team=team2, mode=InspectionMode.LOOK_BACK)


def test_a_look_back_inspects_the_same_organization_as_before(world):
    earlier = fed_back(world, problems=0)
    round2, team2 = second_round(world)
    with pytest.raises(ValidationError, match="原巡察的被巡察单位与本次不一致"):
        create(world, world.village, round=round2, team=team2, mode=InspectionMode.LOOK_BACK, earlier=earlier)


def test_a_look_back_waits_for_the_earlier_feedback(world):
    earlier = leave(world, on_site(world))
    round2, team2 = second_round(world)
    with pytest.raises(ValidationError, match="原巡察尚未反馈"):
        create(world, round=round2, team=team2, mode=InspectionMode.LOOK_BACK, earlier=earlier)


def test_only_a_look_back_links_an_earlier_inspection(world):
    earlier = fed_back(world, problems=0)
    round2, team2 = second_round(world)
    with pytest.raises(ValidationError, match="只有巡察“回头看”才关联原巡察"):
        create(world, round=round2, team=team2, mode=InspectionMode.REGULAR, earlier=earlier)


def test_an_organization_is_inspected_once_per_round(world):
    create(world)
    with pytest.raises(ValidationError, match="青石镇党委在第一轮中已安排巡察"):
        create(world)


def test_a_withdrawn_inspection_frees_the_organization_for_the_round(world):
    first = create(world)
    cs.inspection_withdraw(user=world.office, inspection=first, reason="计划调整")
    second = create(world)
    assert second.pk != first.pk


def test_a_team_without_members_is_not_sent(world):
    team = Team.objects.create(round=world.round, number=2, name="第二巡察组")
    with pytest.raises(ValidationError, match="第二巡察组尚无成员"):
        create(world, team=team)


# --- inspection_enter ---------------------------------------------------------------------------


def test_the_team_leader_enters_and_the_round_starts(world):
    inspection = cs.inspection_enter(user=world.team_leader, inspection=create(world), on=D(2026, 3, 10))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.ON_SITE
    assert inspection.onsite_start == D(2026, 3, 10)
    assert inspection.version == 2
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.IN_PROGRESS
    assert world.round.history.first().history_user == world.team_leader


def test_the_office_may_record_the_entry(world):
    inspection = cs.inspection_enter(user=world.office, inspection=create(world), on=D(2026, 3, 1))
    assert inspection.status == InspectionStatus.ON_SITE


def test_a_team_member_who_is_not_the_leader_may_not_record_the_entry(world):
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        cs.inspection_enter(user=world.team_member, inspection=create(world), on=D(2026, 3, 10))


@pytest.mark.parametrize("username", ["office_b", "other_inspector", "leader", "liaison"])
def test_outsiders_may_not_record_the_entry(world, username):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        cs.inspection_enter(user=world.users[username], inspection=create(world), on=D(2026, 3, 10))


def test_entering_twice_is_refused(world):
    inspection = on_site(world)
    with pytest.raises(ValidationError, match="当前状态为“进驻中”，不能再次进驻"):
        cs.inspection_enter(user=world.team_leader, inspection=inspection, on=D(2026, 3, 11))


def test_entering_before_the_round_starts_is_refused(world):
    inspection = create(world)
    with pytest.raises(ValidationError, match="进驻日期不能早于第一轮开始日期2026-03-01"):
        cs.inspection_enter(user=world.team_leader, inspection=inspection, on=D(2026, 2, 28))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.PLANNED
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.PLANNED


def test_a_withdrawn_inspection_is_not_entered(world):
    inspection = create(world)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="计划调整")
    with pytest.raises(ValidationError, match="巡察已撤销，不能再办理"):
        cs.inspection_enter(user=world.team_leader, inspection=inspection, on=D(2026, 3, 10))


# --- inspection_leave ---------------------------------------------------------------------------


def test_the_team_leader_leaves_the_site(world):
    inspection = leave(world, on_site(world))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.LEFT
    assert inspection.onsite_end == D(2026, 4, 10)
    row = inspection.history.first()
    assert (row.history_user, row.history_change_reason) == (world.team_leader, "撤离")


def test_leaving_on_the_day_of_entry_is_allowed(world):
    assert leave(world, on_site(world), on=D(2026, 3, 10)).status == InspectionStatus.LEFT


def test_leaving_before_entering_is_refused(world):
    inspection = on_site(world)
    with pytest.raises(ValidationError, match="撤离日期不能早于进驻日期2026-03-10"):
        leave(world, inspection, on=D(2026, 3, 9))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.ON_SITE
    assert inspection.onsite_end is None


def test_a_planned_inspection_cannot_leave(world):
    with pytest.raises(ValidationError, match="只有进驻中的巡察才能撤离"):
        leave(world, create(world))


def test_leaving_twice_is_refused(world):
    inspection = leave(world, on_site(world))
    with pytest.raises(ValidationError, match="当前状态为“已撤离”"):
        leave(world, inspection, on=D(2026, 4, 11))


def test_a_deputy_may_not_record_leaving(world):
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        leave(world, on_site(world), user=world.team_deputy)


def test_office_b_may_not_record_leaving_in_district_a(world):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        leave(world, on_site(world), user=world.office_b)


def test_a_withdrawn_inspection_does_not_leave(world):
    inspection = on_site(world)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="计划调整")
    with pytest.raises(ValidationError, match="已撤销"):
        leave(world, inspection)


# --- inspection_withdraw ------------------------------------------------------------------------


def test_office_withdraws_an_inspection_with_a_reason(world):
    inspection = cs.inspection_withdraw(user=world.office, inspection=create(world), reason="机构改革")
    inspection.refresh_from_db()
    assert inspection.is_withdrawn
    assert inspection.withdrawn_by == world.office
    assert inspection.withdrawn_reason == "机构改革"
    assert not Inspection.objects.live().exists()


def test_an_inspection_with_live_problems_is_not_withdrawn(world):
    inspection = on_site(world)
    draft_problem(world, inspection)
    with pytest.raises(ValidationError, match="仍有未撤销的问题"):
        cs.inspection_withdraw(user=world.office, inspection=inspection, reason="机构改革")


def test_an_inspection_is_not_withdrawn_twice(world):
    inspection = create(world)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="机构改革")
    with pytest.raises(ValidationError, match="已.*撤销"):
        cs.inspection_withdraw(user=world.office, inspection=inspection, reason="再次撤销")


def test_a_withdrawal_needs_a_reason(world):
    with pytest.raises(ValidationError, match="请填写撤销原因"):
        cs.inspection_withdraw(user=world.office, inspection=create(world), reason=" ")


@pytest.mark.parametrize("username", ["office_b", "team_leader"])
def test_only_the_office_over_the_unit_withdraws_an_inspection(world, username):
    with pytest.raises(PermissionDenied, match="无权进行此操作"):
        cs.inspection_withdraw(user=world.users[username], inspection=create(world), reason="机构改革")


# --- round_close --------------------------------------------------------------------------------


def test_office_closes_a_round_whose_teams_have_all_left(world):
    leave(world, on_site(world))
    round_ = cs.round_close(user=world.office, round=world.round, on=D(2026, 6, 30))
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert round_.end_date == D(2026, 6, 30)
    assert round_.history.first().history_user == world.office


def test_a_round_is_not_closed_twice(world):
    cs.round_close(user=world.office, round=world.round, on=D(2026, 6, 30))
    with pytest.raises(ValidationError, match="第一轮已结束"):
        cs.round_close(user=world.office, round=world.round, on=D(2026, 7, 1))


@pytest.mark.parametrize("state", ["planned", "on_site"])
def test_a_round_with_a_team_still_to_leave_is_not_closed(world, state):
    if state == "planned":
        create(world)
    else:
        on_site(world)
    with pytest.raises(ValidationError, match="尚有1个巡察未撤离"):
        cs.round_close(user=world.office, round=world.round, on=D(2026, 6, 30))


def test_a_round_does_not_end_before_it_starts(world):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        cs.round_close(user=world.office, round=world.round, on=D(2026, 2, 28))
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.PLANNED


def test_a_district_office_may_not_close_a_city_round(world):
    with pytest.raises(PermissionDenied, match="您不是清河市委的巡察办工作人员"):
        cs.round_close(user=world.office_a, round=world.round, on=D(2026, 6, 30))


def test_a_withdrawn_inspection_does_not_hold_the_round_open(world):
    cs.inspection_withdraw(user=world.office, inspection=create(world), reason="机构改革")
    assert cs.round_close(user=world.office, round=world.round, on=D(2026, 6, 30)).status == RoundStatus.CLOSED
