"""Reads and jurisdiction for measures, evidence, handover items, rules, supervision and
evaluations. A unit liaison reaches the rectification side of their own organization only."""

from django.db.models import Q, QuerySet

from accounts.models import User
from campaigns.selectors import inspection_scope_q, liaison_inspection_q
from findings.selectors import problems_visible_to

from .models import Evaluation, Evidence, HandoverItem, Measure, RuleEstablished, SupervisionAction


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
