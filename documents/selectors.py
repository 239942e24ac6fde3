"""Reads for documents: the record a document is issued for, and who may see which document.

A document is seen by exactly those who may see its record (the record's own scoping
function), so a unit liaison reaches the feedback letter and the supervision papers of their
own unit, a handler the letter transferring a clue to them, and nobody anything outside.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from campaigns.models import Inspection
from campaigns.selectors import inspections_visible_to
from findings.models import Clue, ImmediateNotice, Problem
from findings.selectors import UNIT_VISIBLE_PROBLEM_STATUSES, clues_visible_to, notices_visible_to
from rectification.models import SupervisionAction
from rectification.selectors import supervision_actions_visible_to

from .models import Document, DocumentKind
from .rendering import KIND_OF_SUPERVISION


@dataclass
class Source:
    """The record a document is issued for, as a URL names it (`immediate-notice`, `inspection`, …)."""

    slug: str
    record: ImmediateNotice | Inspection | SupervisionAction | Clue
    inspection: Inspection
    kind: str | None  # None: a record that has no document (a 约谈 interview)

    @property
    def document_field(self) -> str:
        return {"immediate-notice": "notice", "supervision": "supervision", "clue": "clue"}.get(self.slug, "inspection")


_INSPECTION = ("round__term__committee", "team", "organization")


def _prefixed(prefix: str) -> list[str]:
    return [f"{prefix}{field}" for field in _INSPECTION]


def document_source(user: User, slug: str, pk: int) -> Source:
    """The record, if this user may see it; otherwise 404 (as its own page answers)."""
    if slug == "immediate-notice":
        notice = _get(notices_visible_to(user).select_related("problem", *_prefixed("problem__inspection__")), pk)
        return Source(slug, notice, notice.problem.inspection, DocumentKind.IMMEDIATE_NOTICE)
    if slug == "inspection":
        inspection = _get(
            inspections_visible_to(user).select_related("round__term__committee", "team", "organization"), pk
        )
        return Source(slug, inspection, inspection, DocumentKind.FEEDBACK)
    if slug == "supervision":
        action = _get(supervision_actions_visible_to(user).select_related("measure", *_prefixed("inspection__")), pk)
        return Source(slug, action, action.inspection, KIND_OF_SUPERVISION.get(action.kind))
    if slug == "clue":
        clue = _get(clues_visible_to(user).select_related(*_prefixed("inspection__")), pk)
        return Source(slug, clue, clue.inspection, DocumentKind.CLUE_TRANSFER)
    raise Http404("没有这种公文。")


def _get(queryset: QuerySet, pk: int):
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404("记录不存在或不在您的查阅范围内。")
    return record


def document_for(source: Source) -> Document | None:
    if source.kind is None:
        return None
    lookup = {source.document_field: source.record, "kind": source.kind}
    return Document.objects.select_related("issued_by").filter(**lookup).first()


def documents_visible_to(user: User) -> QuerySet[Document]:
    q = Q(notice__in=notices_visible_to(user))
    q |= Q(kind=DocumentKind.FEEDBACK, inspection__in=inspections_visible_to(user))
    q |= Q(supervision__in=supervision_actions_visible_to(user))
    q |= Q(clue__in=clues_visible_to(user))
    return Document.objects.filter(q)


def feedback_problems(inspection: Inspection) -> list[Problem]:
    """The problems fed back to the unit, under their top-level category, in the letter's order."""
    problems = list(
        Problem.objects.live()
        .filter(inspection=inspection, status__in=UNIT_VISIBLE_PROBLEM_STATUSES)
        .select_related("category__parent")
    )
    return sorted(problems, key=lambda p: (p.category.top.code, p.number))
