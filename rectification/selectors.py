"""Reads and jurisdiction for measures, evidence, handover items, rules, supervision and
evaluations. A unit liaison reaches the rectification side of their own organization only."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.jurisdiction import organization_ids, path_q, subtree_paths
from accounts.models import Role, User
from campaigns.selectors import inspection_scope_q, liaison_inspection_q
from findings.selectors import problems_visible_to

from .models import (
    MEASURE_DONE,
    Evaluation,
    Evidence,
    HandoverItem,
    HandoverStatus,
    Measure,
    MeasureStatus,
    RuleEstablished,
    SupervisionAction,
)


def measures_visible_to(user: User) -> QuerySet[Measure]:
    return Measure.objects.filter(problem__in=problems_visible_to(user))


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(measure__in=measures_visible_to(user))


def handover_items_visible_to(user: User) -> QuerySet[HandoverItem]:
    # Handover items go to other departments, not to the unit: no liaison rule.
    return HandoverItem.objects.filter(inspection_scope_q(user, "inspection__"))


def _unit_side(user: User) -> Q:
    return inspection_scope_q(user, "inspection__") | liaison_inspection_q(user, "inspection__")


def rules_visible_to(user: User) -> QuerySet[RuleEstablished]:
    return RuleEstablished.objects.filter(_unit_side(user))


def supervision_actions_visible_to(user: User) -> QuerySet[SupervisionAction]:
    return SupervisionAction.objects.filter(_unit_side(user))


def evaluations_visible_to(user: User) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(_unit_side(user))


def measures_awaiting_verification(user: User) -> QuerySet[Measure]:
    """Reported measures the user verifies: those of their office jurisdiction."""
    paths = subtree_paths(user, Role.OFFICE_ADMIN)
    return (
        measures_visible_to(user)
        .live()
        .filter(path_q("problem__inspection__organization__path", paths), status=MeasureStatus.REPORTED)
    )


def open_measures_for(user: User) -> QuerySet[Measure]:
    """Measures still to be done that this user answers for: the office over its jurisdiction,
    a liaison for their own unit (never a leader's or a team's read-only view)."""
    q = path_q("problem__inspection__organization__path", subtree_paths(user, Role.OFFICE_ADMIN))
    q |= Q(problem__inspection__organization_id__in=organization_ids(user, Role.UNIT_LIAISON))
    return measures_visible_to(user).live().filter(q).exclude(status__in=MEASURE_DONE)


def measures_due_within(user: User, days: int, today: datetime.date | None = None) -> QuerySet[Measure]:
    today = today or timezone.localdate()
    return open_measures_for(user).filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days))


def overdue_measures(user: User, today: datetime.date | None = None) -> QuerySet[Measure]:
    return open_measures_for(user).filter(deadline__lt=today or timezone.localdate())


def overdue_handover_items(user: User, today: datetime.date | None = None) -> QuerySet[HandoverItem]:
    paths = subtree_paths(user, Role.OFFICE_ADMIN)
    return (
        handover_items_visible_to(user)
        .live()
        .filter(path_q("inspection__organization__path", paths))
        .filter(status=HandoverStatus.OPEN, deadline__lt=today or timezone.localdate())
    )
