"""Scoping costs one query once the user's assignments are loaded, and a subtree comes back
complete from one query however large it is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from campaigns.models import Organization, OrgLevel, PartyOrgType, path_segment
from campaigns.selectors import organizations_visible_to
from tests.accounts.scene import SCOPING, fresh
from tests.world import make_org, make_user

pytestmark = pytest.mark.django_db


def test_a_districts_organizations_are_one_query_once_assignments_are_cached(world, django_assert_num_queries):
    office_a = fresh("office_a")
    # First call on a fresh user object: one query loads the role assignments, one reads the tree.
    with django_assert_num_queries(2):
        first = list(organizations_visible_to(office_a))
    with django_assert_num_queries(1):
        again = list(organizations_visible_to(office_a))
    assert first == again
    assert {o.pk for o in again} == {
        world.district_a.pk,
        world.district_a_unit.pk,
        world.township.pk,
        world.village.pk,
        world.community.pk,
    }


@pytest.mark.parametrize(
    "username", ["office_a", "leader", "team_member", "b_leader", "liaison", "discipline_b", "orgdept"]
)
def test_every_scoping_function_is_at_most_one_query_once_assignments_are_cached(scene, username):
    """One query each; none at all where the user's rights make the filter provably empty
    (Django does not run `pk IN ()`)."""
    user = fresh(username)
    user.active_assignments()
    counts = {}
    for model_key, (scoping, _model) in SCOPING.items():
        with CaptureQueriesContext(connection) as ctx:
            rows = list(scoping(user))
        counts[model_key] = (len(ctx.captured_queries), len(rows))
    assert {key: c for key, c in counts.items() if c[0] > 1} == {}
    # A function that returned rows ran its one query; one with no rights ran none.
    assert all(queries == 1 for queries, rows in counts.values() if rows)


def test_a_user_without_rights_costs_no_query_at_all(scene, django_assert_num_queries):
    nobody = fresh("nobody")
    nobody.active_assignments()
    with django_assert_num_queries(0):
        for scoping, _model in SCOPING.values():
            assert list(scoping(nobody)) == []


def _villages(parent: Organization, count: int, code: str, first: int = 1) -> list[Organization]:
    return [
        Organization(
            parent=parent,
            name=f"{parent.name}第{n}村党支部",
            code=f"{code}-V{n}",
            level=OrgLevel.VILLAGE,
            party_org_type=PartyOrgType.BRANCH,
            path=parent.path + path_segment(n),
            depth=parent.depth + 1,
        )
        for n in range(first, first + count)
    ]


def test_a_large_district_subtree_comes_back_complete_from_one_query(world, django_assert_num_queries):
    # 南湖区: 2,000 villages directly under the district (segments 0001 … 01jk), and 10 townships
    # (segments 01jl …) with 5 villages each. 北岭区 next to it: 500 villages, none of them its.
    nanhu = make_org(world.city, "南湖区委", "QH-C", OrgLevel.DISTRICT, is_committee=True)
    beiling = make_org(world.city, "北岭区委", "QH-D", OrgLevel.DISTRICT, is_committee=True)
    Organization.objects.bulk_create(_villages(nanhu, 2000, "QH-C"), batch_size=500)
    townships = Organization.objects.bulk_create(
        [
            Organization(
                parent=nanhu,
                name=f"南湖第{n}镇党委",
                code=f"QH-C-T{n}",
                level=OrgLevel.TOWNSHIP,
                party_org_type=PartyOrgType.COMMITTEE,
                path=nanhu.path + path_segment(2000 + n),
                depth=nanhu.depth + 1,
            )
            for n in range(1, 11)
        ]
    )
    townships = list(Organization.objects.filter(code__startswith="QH-C-T").order_by("path"))
    assert len(townships) == 10
    for township in townships:
        Organization.objects.bulk_create(_villages(township, 5, township.code))
    Organization.objects.bulk_create(_villages(beiling, 500, "QH-D"), batch_size=500)
    office_c = make_user("office_c", Role.OFFICE_ADMIN, nanhu)

    want = set(Organization.objects.filter(code__startswith="QH-C").values_list("pk", flat=True))
    assert len(want) == 1 + 2000 + 10 + 50

    office_c.active_assignments()
    with django_assert_num_queries(1):
        got = list(organizations_visible_to(office_c))
    assert len(got) == len(want)
    assert {o.pk for o in got} == want
    assert [o.path for o in got] == sorted(o.path for o in got)  # the model's path order
    assert all(o.path.startswith(nanhu.path) for o in got)
    assert got[0] == nanhu
    assert Organization.objects.get(path=nanhu.path + path_segment(2000)).pk in want  # segment "01jk"

    # The neighbour and the rest of the city are untouched, and see none of 南湖区.
    office_a = fresh("office_a")
    assert not {o.pk for o in organizations_visible_to(office_a)} & want
    office_d = make_user("office_d", Role.OFFICE_ADMIN, beiling)
    assert {o.pk for o in organizations_visible_to(office_d)} == set(
        Organization.objects.filter(code__startswith="QH-D").values_list("pk", flat=True)
    )
    assert organizations_visible_to(fresh("office")).count() == Organization.objects.count() == 10 + 2 + 2060 + 500
