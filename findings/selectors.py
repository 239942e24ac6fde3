"""Reads and jurisdiction for petitions, problems, notices, clues and sanctions.

Petitions and clues are confidential (DESIGN.md §1): no rule below ever lets a unit liaison
reach them, and a clue reaches a handler only once transferred to that handler's body.
"""

from django.db.models import Q, QuerySet

from accounts.jurisdiction import holds, path_q, subtree_paths
from accounts.models import Role, User
from campaigns.models import InspectionStatus, TeamRole
from campaigns.selectors import inspection_scope_q, liaison_inspection_q, member_team_ids

from .models import (
    Clue,
    ClueDestination,
    ClueStatus,
    CommonProblem,
    ImmediateNotice,
    Petition,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Sanction,
    SanctionSource,
)

# Problems a unit sees: those fed back to it, and what became of them.
UNIT_VISIBLE_PROBLEM_STATUSES = (ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.ONGOING)
# Problems that count as found: signed off by the team leader, whatever happened next.
APPROVED_STATUSES = (ProblemStatus.APPROVED, *UNIT_VISIBLE_PROBLEM_STATUSES)

HANDLER_ROLE_FOR = {
    ClueDestination.DISCIPLINE: Role.DISCIPLINE_LIAISON,
    ClueDestination.ORG_DEPT: Role.ORGDEPT_LIAISON,
}


def petitions_visible_to(user: User) -> QuerySet[Petition]:
    return Petition.objects.filter(inspection_scope_q(user, "inspection__"))


def problems_visible_to(user: User) -> QuerySet[Problem]:
    unit = liaison_inspection_q(user, "inspection__") & Q(status__in=UNIT_VISIBLE_PROBLEM_STATUSES)
    return Problem.objects.filter(inspection_scope_q(user, "inspection__") | unit)


def notices_visible_to(user: User) -> QuerySet[ImmediateNotice]:
    return ImmediateNotice.objects.filter(inspection_scope_q(user, "problem__inspection__"))


def handler_clue_q(user: User, prefix: str = "") -> Q:
    """Clues transferred to the body a discipline or organization-department handler works for."""
    q = Q(pk__in=[])
    for destination, role in HANDLER_ROLE_FOR.items():
        paths = subtree_paths(user, role)
        if paths:
            q |= (
                Q(**{f"{prefix}destination": destination})
                & ~Q(**{f"{prefix}status": ClueStatus.DRAFT})
                & path_q(f"{prefix}inspection__organization__path", paths)
            )
    return q


def clues_visible_to(user: User) -> QuerySet[Clue]:
    return Clue.objects.filter(inspection_scope_q(user, "inspection__") | handler_clue_q(user))


def sanctions_visible_to(user: User) -> QuerySet[Sanction]:
    handler = Q(source=SanctionSource.CLUE) & handler_clue_q(user, "clue__")
    return Sanction.objects.filter(inspection_scope_q(user, "inspection__") | handler)


def common_problems_visible_to(user: User) -> QuerySet[CommonProblem]:
    q = Q(pk__in=problems_visible_to(user).filter(common_problem__isnull=False).values("common_problem_id"))
    if holds(user, Role.OFFICE_ADMIN):
        q |= Q(created_by=user)  # a group just created, before any problem joins it
    return CommonProblem.objects.filter(q)


def categories_for(user: User) -> QuerySet[ProblemCategory]:
    """The taxonomy is not confidential; everyone signed in reads it."""
    return ProblemCategory.objects.all() if user.is_authenticated else ProblemCategory.objects.none()


def papers_awaiting_signature(user: User) -> QuerySet[Problem]:
    """Working papers waiting for this user's signature at the step they hold."""
    working = Q(inspection__status__in=[InspectionStatus.ON_SITE, InspectionStatus.LEFT], withdrawn_at__isnull=True)
    mine = Q(status=ProblemStatus.DRAFT, drafted_by=user)
    reviewer = Q(
        status=ProblemStatus.HANDLER_SIGNED,
        inspection__team_id__in=member_team_ids(user, TeamRole.DEPUTY, TeamRole.LEADER),
    ) & ~Q(drafted_by=user)
    leader = Q(status=ProblemStatus.DEPUTY_SIGNED, inspection__team_id__in=member_team_ids(user, TeamRole.LEADER))
    return problems_visible_to(user).filter(working & (mine | reviewer | leader))
