"""organization_create, organization_dissolve and team_member_add: good paths and every refusal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from campaigns import services as cs
from campaigns.models import (
    CadreSource,
    ConflictDeclaration,
    Organization,
    OrgLevel,
    PartyOrgType,
    Person,
    RoundStatus,
    Team,
    TeamMember,
    TeamRole,
    path_segment,
)
from tests.world import PASSWORD, D, create_inspection

pytestmark = pytest.mark.django_db


def create_under(world, parent, user=None, code="QH-NEW", name="新设组织"):
    return cs.organization_create(
        user=user or world.office,
        parent=parent,
        name=name,
        code=code,
        level=OrgLevel.VILLAGE,
        party_org_type=PartyOrgType.BRANCH,
    )


# --- organization_create ---------------------------------------------------------------------


def test_office_creates_an_organization_numbered_after_its_siblings(world):
    org = create_under(world, world.township)
    assert org.parent == world.township
    assert org.path == world.township.path + path_segment(3)  # after 青石村 and 柳岸社区
    assert org.depth == world.township.depth + 1
    assert org.is_active
    assert org.history.get().history_user == world.office


def test_district_office_creates_inside_its_own_district(world):
    org = create_under(world, world.district_a, user=world.office_a)
    assert org.path.startswith(world.district_a.path)


def test_a_superuser_creates_a_top_level_organization_after_the_existing_roots(world):
    admin = User.objects.create_superuser(username="root", password=PASSWORD)
    org = cs.organization_create(
        user=admin,
        parent=None,
        name="邻市市委",
        code="LS",
        level=OrgLevel.COMMITTEE,
        party_org_type=PartyOrgType.COMMITTEE,
        is_committee=True,
    )
    assert org.path == path_segment(2)
    assert org.depth == 1
    assert org.is_committee


def test_only_a_superuser_may_create_a_top_level_organization(world):
    with pytest.raises(PermissionDenied, match="只有系统管理员"):
        create_under(world, None)
    assert not Organization.objects.filter(code="QH-NEW").exists()


def test_office_b_may_not_create_inside_district_a(world):
    with pytest.raises(PermissionDenied, match="青石镇党委的巡察办工作人员"):
        create_under(world, world.township, user=world.office_b)


@pytest.mark.parametrize("username", ["leader", "team_leader", "liaison", "nobody"])
def test_roles_other_than_office_staff_may_not_create_organizations(world, username):
    with pytest.raises(PermissionDenied, match="无权进行此操作"):
        create_under(world, world.township, user=world.users[username])


def test_nothing_is_created_under_a_dissolved_parent(world):
    cs.organization_dissolve(user=world.office, organization=world.village, dissolved_on=D(2026, 1, 1))
    with pytest.raises(ValidationError, match="已撤销，不能在其下新建组织"):
        create_under(world, world.village)


# --- organization_dissolve -------------------------------------------------------------------


def test_office_dissolves_a_leaf_organization_with_its_date(world):
    org = cs.organization_dissolve(user=world.office, organization=world.village, dissolved_on=D(2026, 1, 1))
    org.refresh_from_db()
    assert not org.is_active
    assert org.dissolved_on == D(2026, 1, 1)
    row = org.history.first()
    assert row.history_user == world.office
    assert row.history_change_reason == "撤销党组织"


def test_an_organization_is_not_dissolved_twice(world):
    cs.organization_dissolve(user=world.office, organization=world.village, dissolved_on=D(2026, 1, 1))
    with pytest.raises(ValidationError, match="已于2026-01-01撤销"):
        cs.organization_dissolve(user=world.office, organization=world.village, dissolved_on=D(2026, 2, 1))


def test_an_organization_with_live_children_is_not_dissolved(world):
    with pytest.raises(ValidationError, match="仍有存续的组织"):
        cs.organization_dissolve(user=world.office, organization=world.township, dissolved_on=D(2026, 1, 1))
    world.township.refresh_from_db()
    assert world.township.is_active


def test_an_organization_whose_children_are_all_dissolved_may_be_dissolved(world):
    for child in (world.village, world.community):
        cs.organization_dissolve(user=world.office, organization=child, dissolved_on=D(2026, 1, 1))
    org = cs.organization_dissolve(user=world.office, organization=world.township, dissolved_on=D(2026, 1, 2))
    assert not org.is_active


def test_office_b_may_not_dissolve_an_organization_of_district_a(world):
    with pytest.raises(PermissionDenied, match="无权进行此操作"):
        cs.organization_dissolve(user=world.office_b, organization=world.village, dissolved_on=D(2026, 1, 1))
    world.village.refresh_from_db()
    assert world.village.is_active


# --- team_member_add -------------------------------------------------------------------------


def new_person(world, name="新干部", employer=None, **kw):
    return Person.objects.create(
        name=name, employer=employer or world.bureau, source=kw.pop("source", CadreSource.SECONDED), **kw
    )


def test_office_puts_a_cadre_on_a_team_taking_the_cadres_source(world):
    person = new_person(world, source=CadreSource.DISCIPLINE_GROUP)
    member = cs.team_member_add(user=world.office, team=world.team, person=person, role=TeamRole.MEMBER)
    assert member.team == world.team
    assert member.role == TeamRole.MEMBER
    assert member.source == CadreSource.DISCIPLINE_GROUP
    assert member.history.get().history_user == world.office


def test_an_explicit_source_wins_over_the_cadres_own(world):
    member = cs.team_member_add(
        user=world.office, team=world.team, person=new_person(world), role=TeamRole.DEPUTY, source=CadreSource.EXPERT
    )
    assert member.source == CadreSource.EXPERT


def test_a_district_office_may_not_staff_a_city_team(world):
    with pytest.raises(PermissionDenied, match="清河市委的巡察办工作人员"):
        cs.team_member_add(user=world.office_a, team=world.team, person=new_person(world), role=TeamRole.MEMBER)


def test_a_team_of_a_closed_round_is_not_changed(world):
    world.round.status = RoundStatus.CLOSED
    world.round.save()
    with pytest.raises(ValidationError, match="该轮巡察已结束"):
        cs.team_member_add(user=world.office, team=world.team, person=new_person(world), role=TeamRole.MEMBER)


def test_a_cadre_who_left_the_pool_is_not_put_on_a_team(world):
    person = new_person(world, is_active=False)
    with pytest.raises(ValidationError, match="已不在巡察人才库中"):
        cs.team_member_add(user=world.office, team=world.team, person=person, role=TeamRole.MEMBER)


def test_a_cadre_is_not_put_on_the_same_team_twice(world):
    with pytest.raises(ValidationError, match="已是第一巡察组成员"):
        cs.team_member_add(
            user=world.office, team=world.team, person=world.persons["team_member"], role=TeamRole.DEPUTY
        )


def test_a_team_has_only_one_leader(world):
    with pytest.raises(ValidationError, match="已有组长"):
        cs.team_member_add(user=world.office, team=world.team, person=new_person(world), role=TeamRole.LEADER)


def test_the_first_leader_of_a_new_team_is_accepted(world):
    team = Team.objects.create(round=world.round, number=2, name="第二巡察组")
    member = cs.team_member_add(user=world.office, team=team, person=new_person(world), role=TeamRole.LEADER)
    assert member.role == TeamRole.LEADER


def test_a_cadre_employed_inside_an_inspected_unit_is_refused(world):
    create_inspection(world)  # the team inspects 青石镇党委
    person = new_person(world, name="村干部", employer=world.village)
    with pytest.raises(ValidationError, match="工作单位为青石村党支部，属于被巡察单位"):
        cs.team_member_add(user=world.office, team=world.team, person=person, role=TeamRole.MEMBER)
    assert not TeamMember.objects.filter(person=person).exists()


def test_a_cadre_who_declared_a_conflict_with_an_inspected_unit_is_refused(world):
    create_inspection(world)
    person = new_person(world, name="亲属")
    ConflictDeclaration.objects.create(
        person=person, organization=world.community, reason="配偶任职", declared_on=D(2026, 1, 5)
    )
    with pytest.raises(ValidationError, match="曾申报与柳岸社区党总支存在利害关系"):
        cs.team_member_add(user=world.office, team=world.team, person=person, role=TeamRole.MEMBER)


def test_a_cadre_from_the_district_of_a_cross_inspection_is_refused(world):
    create_inspection(world, mode="cross")  # 青石镇 lies in 东城区
    person = new_person(world, name="东城干部", home_district=world.district_a)
    with pytest.raises(ValidationError, match="交叉巡察须地域回避"):
        cs.team_member_add(user=world.office, team=world.team, person=person, role=TeamRole.MEMBER)


def test_a_withdrawn_inspection_no_longer_causes_a_conflict(world):
    inspection = create_inspection(world)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="计划调整")
    person = new_person(world, name="村干部", employer=world.village)
    member = cs.team_member_add(user=world.office, team=world.team, person=person, role=TeamRole.MEMBER)
    assert member.pk
