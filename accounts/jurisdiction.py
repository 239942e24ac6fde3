"""The one primitive behind every scoping function: which subtrees a user holds a role on.

Each app's `selectors.py` builds its `<things>_visible_to(user)` from these paths, so the
question "may this user see this record" has one answer everywhere.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Role, User

# Roles that see every record inside their subtree (office staff write, leaders read).
FULL_READ_ROLES = (Role.OFFICE_ADMIN, Role.LEADER)


def subtree_paths(user: User, *roles: str) -> list[str]:
    """Materialized paths of the organizations on which the user holds one of `roles`."""
    if not user.is_authenticated or not user.is_active:
        return []
    return [a.organization.path for a in user.active_assignments() if a.role in roles]


def holds(user: User, *roles: str) -> bool:
    """The user is signed in, active, and holds one of `roles` through an active assignment.

    Use this, not `user.has_role`, in scoping: `has_role` does not look at `user.is_active`."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_role(*roles)


def organization_ids(user: User, *roles: str) -> list[int]:
    """The exact organizations (not their subtrees) on which the user holds one of `roles`."""
    if not user.is_authenticated or not user.is_active:
        return []
    return [a.organization_id for a in user.active_assignments() if a.role in roles]


def path_q(field: str, paths: list[str]) -> Q:
    """`field` (a materialized path) lies in one of the subtrees; matches nothing if none."""
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def manages(user: User, organization) -> bool:
    """The user is office staff with `organization` (anything with a materialized `path`)
    inside their jurisdiction."""
    return any(organization.path.startswith(p) for p in subtree_paths(user, Role.OFFICE_ADMIN))


def require_manager(user: User, organization) -> None:
    if not manages(user, organization):
        raise PermissionDenied(f"您不是{organization.name}的巡察办工作人员，无权进行此操作。")
