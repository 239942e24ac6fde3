"""Reads for review notes (审核意见): scoping, the lists per reviewer and per team, their counts,
and "修改于审核后" — the paper was edited after a reviewer last acted on a note."""

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import User
from campaigns.models import Team
from campaigns.selectors import inspection_scope_q

from .models import Problem, ReviewNote, ReviewNoteStatus

# A paper's history rows that changed what it says (not a signature, return or withdrawal):
# an edit through the form, a bulk re-classification, or a change in the data admin (no reason).
CONTENT_EDIT = Q(history_type="~") & (
    Q(history_change_reason="修改底稿")
    | Q(history_change_reason__startswith="批量调整类别")
    | Q(history_change_reason__isnull=True)
    | Q(history_change_reason="")
)
LIST_RELATED = ("problem__inspection__organization", "problem__drafted_by", "author")


def review_notes_visible_to(user: User) -> QuerySet[ReviewNote]:
    """Notes are team working papers: office staff and leaders over the unit, and the team.
    A unit liaison never sees them, even on a problem fed back to it."""
    return ReviewNote.objects.filter(inspection_scope_q(user, "problem__inspection__"))


def _edited_after(field: str) -> Exists:
    edits = Problem.history.model.objects.filter(
        CONTENT_EDIT, id=OuterRef("problem_id"), history_date__gt=OuterRef(field)
    )
    return Exists(edits)


def with_edit_flag(notes: QuerySet[ReviewNote]) -> QuerySet[ReviewNote]:
    """Each note's `edited_after_review`: the paper was edited after the note was written, or,
    for a cleared note, after it was cleared."""
    return notes.annotate(reviewed=Coalesce(F("cleared_at"), F("created_at"))).annotate(
        edited_after_review=_edited_after("reviewed")
    )


def notes_listed(notes: QuerySet[ReviewNote]) -> QuerySet[ReviewNote]:
    return with_edit_flag(notes.select_related(*LIST_RELATED))


def notes_by_author(user: User) -> QuerySet[ReviewNote]:
    """我提出的审核意见."""
    return notes_listed(review_notes_visible_to(user).filter(author=user))


def notes_to_answer(user: User) -> QuerySet[ReviewNote]:
    """Open notes on the papers this user drafted."""
    return notes_listed(review_notes_visible_to(user).filter(problem__drafted_by=user, status=ReviewNoteStatus.OPEN))


def notes_of_team(user: User, team: Team) -> QuerySet[ReviewNote]:
    return notes_listed(review_notes_visible_to(user).filter(problem__inspection__team=team))


def note_counts(notes: QuerySet[ReviewNote]) -> dict[str, int]:
    """Open, answered and cleared notes, in one query."""
    return notes.aggregate(
        open=Count("pk", filter=Q(status=ReviewNoteStatus.OPEN)),
        answered=Count("pk", filter=Q(status=ReviewNoteStatus.ANSWERED)),
        cleared=Count("pk", filter=Q(status=ReviewNoteStatus.CLEARED)),
        total=Count("pk"),
    )


def notes_of_paper(user: User, problem: Problem) -> list[ReviewNote]:
    return list(
        with_edit_flag(
            review_notes_visible_to(user).filter(problem=problem).select_related("author", "answered_by", "cleared_by")
        ).order_by("created_at", "pk")
    )


def paper_edited_after_review(problem: Problem) -> bool:
    """The paper was edited after the last time a reviewer acted on one of its notes."""
    last = problem.review_notes.aggregate(at=Max(Coalesce(F("cleared_at"), F("created_at"))))["at"]
    if last is None:
        return False
    return Problem.history.model.objects.filter(CONTENT_EDIT, id=problem.pk, history_date__gt=last).exists()
