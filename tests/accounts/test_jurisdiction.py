"""The primitives behind every scoping function: `subtree_paths`, `organization_ids`, `holds`
and `path_q` (accounts/jurisdiction.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.jurisdiction import FULL_READ_ROLES, holds, organization_ids, path_q, subtree_paths
from accounts.models import Role, RoleAssignment
from campaigns.models import Inspection, Organization, path_segment
from tests.accounts.scene import fresh
from tests.world import on_site

pytestmark = pytest.mark.django_db


def org_pks(q) -> set[int]:
    return set(Organization.objects.filter(q).values_list("pk", flat=True))


def subtree(org: Organization) -> set[int]:
    return set(Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True))


# --- subtree_paths / organization_ids / holds ------------------------------------------------


def test_subtree_paths_are_the_paths_of_the_assignments_of_the_asked_roles(world):
    assert subtree_paths(fresh("office"), *FULL_READ_ROLES) == [world.city.path]
    assert subtree_paths(fresh("office_a"), *FULL_READ_ROLES) == [world.district_a.path]
    assert subtree_paths(fresh("leader_b"), *FULL_READ_ROLES) == [world.district_b.path]
    assert subtree_paths(fresh("discipline_b"), Role.DISCIPLINE_LIAISON) == [world.district_b.path]
    # Other roles do not count.
    assert subtree_paths(fresh("office_a"), Role.LEADER) == []
    assert subtree_paths(fresh("liaison"), *FULL_READ_ROLES) == []
    assert subtree_paths(fresh("team_leader"), *FULL_READ_ROLES) == []
    assert subtree_paths(fresh("nobody"), *Role.values) == []


def test_subtree_paths_of_several_assignments(world):
    user = fresh("office_a")
    RoleAssignment.objects.create(user=user, role=Role.LEADER, organization=world.district_b)
    RoleAssignment.objects.create(user=user, role=Role.UNIT_LIAISON, organization=world.bureau)
    user = fresh("office_a")
    assert sorted(subtree_paths(user, *FULL_READ_ROLES)) == sorted([world.district_a.path, world.district_b.path])
    assert subtree_paths(user, Role.OFFICE_ADMIN) == [world.district_a.path]
    assert organization_ids(user, Role.UNIT_LIAISON) == [world.bureau.pk]


def test_inactive_assignments_and_inactive_users_give_no_paths(world):
    RoleAssignment.objects.filter(user__username="office_a").update(is_active=False)
    assert subtree_paths(fresh("office_a"), Role.OFFICE_ADMIN) == []
    assert not holds(fresh("office_a"), Role.OFFICE_ADMIN)

    user = fresh("office_b")
    user.is_active = False
    user.save()
    user = fresh("office_b")
    assert subtree_paths(user, Role.OFFICE_ADMIN) == []
    assert organization_ids(user, Role.OFFICE_ADMIN) == []
    assert not holds(user, Role.OFFICE_ADMIN)

    anonymous = AnonymousUser()
    assert subtree_paths(anonymous, *Role.values) == []
    assert organization_ids(anonymous, *Role.values) == []
    assert not holds(anonymous, *Role.values)


def test_a_deactivated_user_holds_no_role_whatever_the_assignments_say(world):
    user = fresh("team_member")
    assert holds(user, Role.INSPECTOR)
    user.is_active = False
    user.save()
    user = fresh("team_member")
    assert not user.has_role(Role.INSPECTOR)
    assert not holds(user, Role.INSPECTOR)


def test_organization_ids_are_the_exact_organizations_not_their_subtrees(world):
    assert organization_ids(fresh("liaison"), Role.UNIT_LIAISON) == [world.township.pk]
    assert organization_ids(fresh("liaison_b"), Role.UNIT_LIAISON) == [world.township_b.pk]
    assert organization_ids(fresh("liaison"), Role.OFFICE_ADMIN) == []


def test_assignments_are_read_once_per_user_object(world, django_assert_num_queries):
    user = fresh("office_a")
    with django_assert_num_queries(1):
        subtree_paths(user, *FULL_READ_ROLES)
    with django_assert_num_queries(0):
        subtree_paths(user, Role.OFFICE_ADMIN)
        organization_ids(user, Role.UNIT_LIAISON)
        holds(user, Role.INSPECTOR)


# --- path_q ----------------------------------------------------------------------------------


def test_path_q_of_no_paths_matches_nothing(world):
    assert org_pks(path_q("path", [])) == set()
    assert not Organization.objects.filter(path_q("path", [])).exists()


def test_path_q_of_one_path_is_the_whole_subtree_and_nothing_else(world):
    assert org_pks(path_q("path", [world.district_a.path])) == {
        world.district_a.pk,
        world.district_a_unit.pk,
        world.township.pk,
        world.village.pk,
        world.community.pk,
    }
    assert org_pks(path_q("path", [world.township.path])) == {world.township.pk, world.village.pk, world.community.pk}
    assert org_pks(path_q("path", [world.village.path])) == {world.village.pk}
    assert org_pks(path_q("path", [world.city.path])) == set(Organization.objects.values_list("pk", flat=True))


def test_path_q_of_several_paths_is_their_union(world):
    q = path_q("path", [world.township.path, world.district_b.path])
    assert org_pks(q) == subtree(world.township) | subtree(world.district_b)
    # Overlapping subtrees give each organization once.
    overlapping = list(Organization.objects.filter(path_q("path", [world.district_a.path, world.township.path])))
    assert len(overlapping) == len(set(overlapping)) == len(subtree(world.district_a))


def test_path_q_follows_a_relation(world):
    inspection_a = on_site(world, world.village)
    inspection_b = on_site(world, world.township_b)
    by_path = lambda *paths: set(  # noqa: E731
        Inspection.objects.filter(path_q("organization__path", list(paths))).values_list("pk", flat=True)
    )
    assert by_path(world.district_a.path) == {inspection_a.pk}
    assert by_path(world.district_b.path) == {inspection_b.pk}
    assert by_path(world.city.path) == {inspection_a.pk, inspection_b.pk}
    assert by_path(world.bureau.path) == set()


def test_fixed_width_segments_keep_sibling_prefixes_apart(world):
    # The 1st and the 36th child: "0001" and "0010". With variable-width segments "1" would be a
    # prefix of "10"; with fixed width no sibling's path starts with another's.
    district = world.district_a
    first = Organization.objects.create(
        parent=district,
        name="一号",
        code="W-1",
        level="township",
        party_org_type="committee",
        path=district.path + path_segment(1) + path_segment(1),
        depth=district.depth + 2,
    )
    thirty_sixth = Organization.objects.create(
        parent=district,
        name="三十六号",
        code="W-36",
        level="township",
        party_org_type="committee",
        path=district.path + path_segment(1) + path_segment(36),
        depth=district.depth + 2,
    )
    assert path_segment(1) == "0001" and path_segment(36) == "0010"
    assert org_pks(path_q("path", [first.path])) == {first.pk}
    assert org_pks(path_q("path", [thirty_sixth.path])) == {thirty_sixth.pk}


def test_path_segments_are_fixed_width_and_sort_in_child_order():
    segments = [path_segment(n) for n in (1, 2, 35, 36, 37, 1295, 1296, 36**4 - 1)]
    assert all(len(s) == 4 for s in segments)
    assert segments == sorted(segments)
    for bad in (0, 36**4):
        with pytest.raises(ValueError):
            path_segment(bad)
