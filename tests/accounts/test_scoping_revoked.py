"""Rights come only from active role assignments of active users: an inactive assignment grants
nothing, a deactivated user sees nothing, an anonymous visitor sees nothing — through every
one of the twenty scoping functions. And rights add up when a user holds several roles."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, RoleAssignment, User
from tests.accounts.scene import SCOPING, USERS, fresh, in_a, in_b, visible_pks

pytestmark = pytest.mark.django_db


def everything_seen_by(user) -> dict[str, list[int]]:
    """Only the models in which the user sees something."""
    seen = {}
    for model_key, (scoping, _model) in SCOPING.items():
        pks = list(scoping(user).values_list("pk", flat=True))
        if pks:
            seen[model_key] = pks
    return seen


def test_the_scene_gives_every_role_user_something_to_lose(scene):
    # Guards the tests below: without it "sees nothing" would prove nothing.
    blind = [key for key in USERS if key not in ("nobody", "other_inspector") and not everything_seen_by(fresh(key))]
    assert blind == []
    assert everything_seen_by(fresh("nobody")) == {}
    assert everything_seen_by(fresh("other_inspector")) == {}


def test_inactive_role_assignments_grant_nothing(scene):
    RoleAssignment.objects.update(is_active=False)
    seen = {key: everything_seen_by(fresh(key)) for key in USERS}
    assert {key: s for key, s in seen.items() if s} == {}


@pytest.mark.parametrize("username", ["office_a", "leader_b", "team_member", "liaison", "discipline", "orgdept"])
def test_deactivating_one_assignment_takes_away_that_users_view_only(scene, username):
    before = {key: everything_seen_by(fresh(key)) for key in USERS}
    RoleAssignment.objects.filter(user__username=username).update(is_active=False)
    assert everything_seen_by(fresh(username)) == {}
    for key in USERS:
        if key != username:
            assert everything_seen_by(fresh(key)) == before[key], key


def test_a_deactivated_user_sees_nothing(scene):
    User.objects.update(is_active=False)
    seen = {key: everything_seen_by(fresh(key)) for key in USERS}
    assert {key: s for key, s in seen.items() if s} == {}


@pytest.mark.parametrize("username", ["office", "team_leader", "liaison", "discipline_b", "orgdept"])
def test_deactivating_one_user_takes_away_that_users_view_only(scene, username):
    before = {key: everything_seen_by(fresh(key)) for key in USERS}
    User.objects.filter(username=username).update(is_active=False)
    assert everything_seen_by(fresh(username)) == {}
    for key in USERS:
        if key != username:
            assert everything_seen_by(fresh(key)) == before[key], key


def test_an_anonymous_visitor_sees_nothing(scene):
    assert everything_seen_by(AnonymousUser()) == {}


def test_roles_add_up(scene):
    # A district-B leader who is also the liaison of 青石镇 (district A).
    user = fresh("leader_b")
    RoleAssignment.objects.create(user=user, role=Role.UNIT_LIAISON, organization=scene.world.township)
    user = fresh("leader_b")
    problems = set(visible_pks("problems", user))
    want = in_b("p_rect", "p_ongoing", "p_open", "k_draft", "k_approved") | in_a("p_rect", "p_ongoing", "p_open")
    assert problems == {scene.pks["problems"][label] for label in want}
    # Petitions are still district B's only: the liaison role adds none.
    assert set(visible_pks("petitions", user)) == {
        scene.pks["petitions"][label] for label in in_b("petition", "k_petition")
    }
