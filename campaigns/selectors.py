"""Reads and jurisdiction for organizations, terms, rounds, the cadre pool, teams and inspections.

Every `<things>_visible_to(user)` is the only door to its table for a user (DESIGN.md §1).
`inspection_scope_q` is the shared rule for everything that hangs off an inspection.
"""

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.jurisdiction import FULL_READ_ROLES, holds, organization_ids, path_q, subtree_paths
from accounts.models import Role, User

from .models import (
    WENT_ON_SITE,
    ConflictDeclaration,
    Inspection,
    InspectionStatus,
    Organization,
    Person,
    Round,
    Team,
    TeamMember,
    TeamRole,
    Term,
)

# Inspection statuses from which a unit has received feedback and sees its problems.
FED_BACK_STATUSES = (InspectionStatus.FED_BACK, InspectionStatus.CLOSED)


# Team members listed leader first, then deputies, then members.
LEADER_FIRST = Case(
    When(role=TeamRole.LEADER, then=Value(0)), When(role=TeamRole.DEPUTY, then=Value(1)), default=Value(2)
)


def member_team_ids(user: User, *team_roles: str) -> QuerySet:
    """Teams the user sits on (optionally only in some team roles), as a subquery."""
    members = TeamMember.objects.filter(person__user=user)
    if team_roles:
        members = members.filter(role__in=team_roles)
    return members.values("team_id")


def inspection_scope_q(user: User, prefix: str = "", *, inspectors: bool = True) -> Q:
    """Inspections a user may read: their subtree for office staff and leaders, their own teams'
    inspections for inspectors. Unit and handler roles get their own rules per model."""
    q = path_q(f"{prefix}organization__path", subtree_paths(user, *FULL_READ_ROLES))
    if inspectors and holds(user, Role.INSPECTOR):
        q |= Q(**{f"{prefix}team_id__in": member_team_ids(user)})
    return q


def liaison_inspection_q(user: User, prefix: str = "") -> Q:
    """A unit liaison's own organization, once its inspection has been fed back."""
    org_ids = organization_ids(user, Role.UNIT_LIAISON)
    if not org_ids:
        return Q(pk__in=[])
    return Q(**{f"{prefix}organization_id__in": org_ids, f"{prefix}status__in": FED_BACK_STATUSES})


def inspections_visible_to(user: User) -> QuerySet[Inspection]:
    return Inspection.objects.filter(inspection_scope_q(user) | liaison_inspection_q(user))


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    q = path_q("path", subtree_paths(user, *FULL_READ_ROLES))
    if holds(user, Role.INSPECTOR):
        q |= Q(pk__in=Inspection.objects.filter(team_id__in=member_team_ids(user)).values("organization_id"))
    q |= Q(pk__in=organization_ids(user, Role.UNIT_LIAISON))
    return Organization.objects.filter(q)


def _committee_q(user: User, field: str) -> Q:
    """Committees inside the user's subtrees, or above them (a district office sees the city's plan)."""
    q = Q(pk__in=[])
    for path in subtree_paths(user, *FULL_READ_ROLES):
        ancestors = [path[:i] for i in range(4, len(path) + 1, 4)]
        q |= Q(**{f"{field}__path__startswith": path}) | Q(**{f"{field}__path__in": ancestors})
    return q


def terms_visible_to(user: User) -> QuerySet[Term]:
    q = _committee_q(user, "committee")
    if holds(user, Role.INSPECTOR):
        q |= Q(pk__in=Team.objects.filter(pk__in=member_team_ids(user)).values("round__term_id"))
    return Term.objects.filter(q)


def rounds_visible_to(user: User) -> QuerySet[Round]:
    q = _committee_q(user, "term__committee")
    if holds(user, Role.INSPECTOR):
        q |= Q(pk__in=Team.objects.filter(pk__in=member_team_ids(user)).values("round_id"))
    return Round.objects.filter(q)


def teams_visible_to(user: User) -> QuerySet[Team]:
    q = _committee_q(user, "round__term__committee")
    if holds(user, Role.INSPECTOR):
        q |= Q(pk__in=member_team_ids(user))
    return Team.objects.filter(q)


def persons_visible_to(user: User) -> QuerySet[Person]:
    """The cadre pool: office staff and leaders see people employed or living in their subtree,
    and everyone on a team they can see; inspectors see their teammates."""
    paths = subtree_paths(user, *FULL_READ_ROLES)
    q = path_q("employer__path", paths) | path_q("home_district__path", paths)
    if paths:
        q |= Q(pk__in=TeamMember.objects.filter(team__in=teams_visible_to(user)).values("person_id"))
    if holds(user, Role.INSPECTOR):
        q |= Q(pk__in=TeamMember.objects.filter(team_id__in=member_team_ids(user)).values("person_id"))
    return Person.objects.filter(q)


def team_members_visible_to(user: User) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(team__in=teams_visible_to(user))


def conflicts_visible_to(user: User) -> QuerySet[ConflictDeclaration]:
    # Declarations are personal: only the office sees them (recusal is its duty).
    paths = subtree_paths(user, Role.OFFICE_ADMIN)
    return ConflictDeclaration.objects.filter(path_q("person__employer__path", paths))


# --- Questions services ask before acting ----------------------------------------------


def manages(user: User, organization: Organization) -> bool:
    """The user is office staff with `organization` inside their jurisdiction."""
    return any(organization.path.startswith(p) for p in subtree_paths(user, Role.OFFICE_ADMIN))


def team_role(user: User, team: Team) -> str | None:
    """The user's role on the team (组长/副组长/组员), or None if they do not sit on it."""
    if not holds(user, Role.INSPECTOR):
        return None
    return TeamMember.objects.filter(team=team, person__user=user).values_list("role", flat=True).first()


def is_liaison_of(user: User, organization: Organization) -> bool:
    return organization.pk in organization_ids(user, Role.UNIT_LIAISON)


def went_on_site(inspection: Inspection) -> bool:
    return inspection.status in WENT_ON_SITE


# --- Coverage (巡察全覆盖) ------------------------------------------------------------------


def organizations_in_scope(term: Term) -> QuerySet[Organization]:
    """What the term's committee must inspect: active organizations below it, down to (and
    including) the next committees, whose own subtrees are theirs to cover."""
    return organizations_in_scope_of([term])


def organizations_in_scope_of(terms: list[Term]) -> QuerySet[Organization]:
    """What several terms' committees must inspect together (each its own part)."""
    q = Q(pk__in=[])
    for committee in {t.committee for t in terms}:
        lower = Organization.objects.filter(path__startswith=committee.path, is_committee=True).exclude(pk=committee.pk)
        own = Q(path__startswith=committee.path) & ~Q(pk=committee.pk)
        for path in lower.values_list("path", flat=True):
            own &= ~Q(path__startswith=path) | Q(path=path)
        q |= own
    return Organization.objects.filter(q, is_active=True)


def coverage_by_level(term: Term) -> list[dict]:
    """Per level: organizations in scope, and how many of them a term inspection went on site in."""
    scope = organizations_in_scope(term)
    inspected = Inspection.objects.live().filter(round__term=term, status__in=WENT_ON_SITE).values("organization_id")
    rows = (
        scope.values("level")
        .annotate(in_scope=Count("pk"), inspected=Count("pk", filter=Q(pk__in=inspected)))
        .order_by("level")
    )
    return list(rows)


def current_term_for(user: User, today=None) -> Term | None:
    """The running term of the highest committee the user can see."""
    today = today or timezone.localdate()
    return (
        terms_visible_to(user)
        .filter(start_date__lte=today, end_date__gte=today)
        .select_related("committee")
        .order_by("committee__depth", "-start_date")
        .first()
    )
