"""Reads and jurisdiction for organizations, terms, rounds, the cadre pool, teams and inspections.

Every `<things>_visible_to(user)` is the only door to its table for a user (DESIGN.md §1).
`inspection_scope_q` is the shared rule for everything that hangs off an inspection.
"""

from django.db import connection
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
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


def team_role(user: User, team: Team) -> str | None:
    """The user's role on the team (组长/副组长/组员), or None if they do not sit on it."""
    if not holds(user, Role.INSPECTOR):
        return None
    return team.role_of(user.pk)


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
    """What several terms' committees must inspect together (each its own part): below each
    committee, down to and including the next committees.

    A committee with no committee below it owns its whole subtree (one indexed LIKE). One with
    committees below is walked down the tree, stopping at committees (a recursive CTE over
    `parent`, from which every path is made): it reads only its own part, where excluding
    each lower committee's subtree by path read the whole subtree (77 ms for the province
    committee, whose part is 84 units of 98,000)."""
    committees = {t.committee for t in terms}
    if not committees:
        return Organization.objects.none()
    below = Organization.objects.filter(path_q("path", [c.path for c in committees]), is_committee=True)
    paths = list(below.values_list("path", flat=True))
    q = Q(pk__in=[])
    walked = []
    for committee in committees:
        if any(p.startswith(committee.path) and p != committee.path for p in paths):
            walked.append(committee.pk)
        else:
            q |= Q(path__startswith=committee.path) & ~Q(pk=committee.pk)
    if walked:
        table = connection.ops.quote_name(Organization._meta.db_table)
        walk = (
            f"WITH RECURSIVE part(id, is_committee) AS ("
            f"SELECT id, is_committee FROM {table} WHERE parent_id IN ({', '.join(['%s'] * len(walked))}) "
            f"UNION ALL SELECT o.id, o.is_committee FROM {table} o JOIN part ON o.parent_id = part.id "
            f"WHERE NOT part.is_committee) SELECT id FROM part"
        )
        q |= Q(pk__in=RawSQL(walk, sorted(walked)))
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
