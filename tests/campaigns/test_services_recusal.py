"""Recusal (回避) as inspection_create and recusal_conflicts apply it: employer, declared conflict
(on the inspected organization, above it or below it) and home district in a cross inspection."""

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import (
    CadreSource,
    ConflictDeclaration,
    Inspection,
    InspectionMode,
    Person,
    TeamMember,
    TeamRole,
)
from campaigns.recusal import recusal_conflicts
from tests.world import D, create_inspection

pytestmark = pytest.mark.django_db


def join_team(world, name="新组员", employer=None, home_district=None) -> Person:
    person = Person.objects.create(
        name=name, employer=employer or world.bureau, home_district=home_district, source=CadreSource.SECONDED
    )
    TeamMember.objects.create(team=world.team, person=person, role=TeamRole.MEMBER, source=person.source)
    return person


def declare(person, organization, reason="近亲属任职"):
    return ConflictDeclaration.objects.create(
        person=person, organization=organization, reason=reason, declared_on=D(2026, 1, 5)
    )


# --- by employer -------------------------------------------------------------------------------


def test_a_member_employed_by_the_inspected_unit_blocks_the_inspection(world):
    join_team(world, name="镇干部", employer=world.township)
    with pytest.raises(ValidationError, match="回避冲突：镇干部：工作单位为青石镇党委，属于被巡察单位"):
        create_inspection(world, world.township)
    assert not Inspection.objects.exists()


def test_a_member_employed_below_the_inspected_unit_blocks_the_inspection(world):
    join_team(world, name="村干部", employer=world.village)
    with pytest.raises(ValidationError, match="工作单位为青石村党支部，属于被巡察单位"):
        create_inspection(world, world.township)


def test_a_member_employed_above_the_inspected_unit_may_inspect_it(world):
    join_team(world, name="区干部", employer=world.district_a)
    inspection = create_inspection(world, world.township)
    assert inspection.pk


def test_a_member_employed_in_a_sibling_unit_may_inspect(world):
    join_team(world, name="社区干部", employer=world.community)
    assert create_inspection(world, world.village).pk


# --- by declared conflict ----------------------------------------------------------------------


def test_a_conflict_declared_on_the_inspected_unit_blocks_the_inspection(world):
    declare(world.persons["team_member"], world.township, reason="配偶任镇长")
    with pytest.raises(ValidationError, match="team_member：曾申报与青石镇党委存在利害关系（配偶任镇长）"):
        create_inspection(world, world.township)


def test_a_conflict_declared_on_a_unit_below_blocks_inspecting_the_unit_above(world):
    declare(world.persons["team_deputy"], world.village)
    with pytest.raises(ValidationError, match="曾申报与青石村党支部存在利害关系"):
        create_inspection(world, world.township)


def test_a_conflict_declared_on_a_unit_above_blocks_inspecting_a_unit_below(world):
    declare(world.persons["team_leader"], world.district_a)
    with pytest.raises(ValidationError, match="曾申报与东城区委存在利害关系"):
        create_inspection(world, world.village)


def test_a_conflict_declared_elsewhere_does_not_block(world):
    declare(world.persons["team_member"], world.township_b)
    declare(world.persons["team_leader"], world.community)  # a sibling of the inspected village
    assert create_inspection(world, world.village).pk


def test_every_conflict_is_reported_at_once(world):
    declare(world.persons["team_member"], world.township)
    join_team(world, name="镇干部", employer=world.township)
    with pytest.raises(ValidationError) as caught:
        create_inspection(world, world.township)
    assert len(caught.value.messages) == 2
    assert all(m.startswith("回避冲突：") for m in caught.value.messages)


# --- by home district in a cross inspection ----------------------------------------------------


def test_a_cross_inspection_refuses_members_from_the_inspected_district(world):
    # Every member of the world's team lives in 西山县.
    with pytest.raises(ValidationError, match="来自西山县委，交叉巡察须地域回避"):
        create_inspection(world, world.township_b, mode=InspectionMode.CROSS)


def test_a_cross_inspection_of_the_district_itself_refuses_its_own_people(world):
    with pytest.raises(ValidationError, match="交叉巡察须地域回避"):
        create_inspection(world, world.district_b, mode=InspectionMode.CROSS)


def test_a_regular_inspection_ignores_the_home_district(world):
    inspection = create_inspection(world, world.township_b, mode=InspectionMode.REGULAR)
    assert inspection.mode == InspectionMode.REGULAR


def test_a_cross_inspection_of_another_district_is_allowed(world):
    inspection = create_inspection(world, world.township, mode=InspectionMode.CROSS)
    assert inspection.mode == InspectionMode.CROSS


# --- recusal_conflicts directly ----------------------------------------------------------------


def test_recusal_conflicts_lists_each_reason_of_each_person(world):
    person = join_team(world, name="多重冲突", employer=world.village_b, home_district=world.district_b)
    declare(person, world.township_b)
    conflicts = recusal_conflicts(persons=[person], organization=world.township_b, mode=InspectionMode.CROSS)
    reasons = sorted(c.reason for c in conflicts)
    assert len(reasons) == 3
    assert any("工作单位为西山村党支部" in r for r in reasons)
    assert any("曾申报与西山镇党委" in r for r in reasons)
    assert any("交叉巡察须地域回避" in r for r in reasons)
    assert all(c.message.endswith("应当回避。") for c in conflicts)


def test_recusal_conflicts_of_nobody_is_empty(world):
    assert recusal_conflicts(persons=[], organization=world.township, mode=InspectionMode.CROSS) == []
