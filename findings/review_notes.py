"""Writes for review notes on working papers (审核意见): a reviewer leaves one, the drafter
answers it, its author clears it; a paper with a note not yet cleared cannot be signed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from campaigns.models import InspectionStatus, TeamRole
from campaigns.services import require_team_or_manager
from xuncha.records import STALE_MESSAGE, check_version, lock, require_live

from .models import Problem, ProblemStatus, ReviewerRole, ReviewNote, ReviewNoteStatus

# Papers still on their way through the sign-off: the ones a reviewer can still comment on.
UNSIGNED = (ProblemStatus.DRAFT, ProblemStatus.HANDLER_SIGNED, ProblemStatus.DEPUTY_SIGNED)
WORKING = (InspectionStatus.ON_SITE, InspectionStatus.LEFT)
UNRESOLVED = (ReviewNoteStatus.OPEN, ReviewNoteStatus.ANSWERED)
TEXT_MAX = 2000


def unresolved_note_counts(problem_ids) -> dict[int, dict[str, int]]:
    """Per paper, its notes still open and answered (one grouped query for any number of papers)."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        ReviewNote.objects.filter(problem_id__in=problem_ids, status__in=UNRESOLVED)
        .values_list("problem_id", "status")
        .annotate(n=models.Count("id"))
        .order_by()
    )
    for problem_id, status, n in rows:
        counts.setdefault(problem_id, {ReviewNoteStatus.OPEN: 0, ReviewNoteStatus.ANSWERED: 0})[status] = n
    return counts


def notes_refusal(counts: dict[str, int] | None) -> str | None:
    """Why a paper with these unresolved notes cannot be signed, or None if it can."""
    if not counts or not any(counts.values()):
        return None
    return (
        f"该底稿尚有{sum(counts.values())}条审核意见未清除（待答复{counts[ReviewNoteStatus.OPEN]}条、"
        f"待清除{counts[ReviewNoteStatus.ANSWERED]}条），须由提出人清除后才能签字。"
    )


def require_notes_cleared(problem: Problem) -> None:
    """Called by every sign-off step: no signature while a note is open or answered."""
    refusal = notes_refusal(unresolved_note_counts([problem.pk]).get(problem.pk))
    if refusal:
        raise ValidationError(refusal)


def _clean_text(text: str, field: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: f"{label}不能超过{TEXT_MAX}字（现为{len(text)}字）。"})
    return text


def _save(note: ReviewNote, *, user: User, reason: str) -> None:
    note._history_user = user
    note._change_reason = reason
    if note.pk:
        note.version += 1
    note.full_clean()
    note.save()


def _check_note_version(note: ReviewNote, expected: int | None) -> None:
    if expected is not None and note.version != expected:
        raise ValidationError(STALE_MESSAGE.format(expected=expected, current=note.version))


def review_note_add_check(*, user: User, problem: Problem) -> None:
    require_live(problem)
    require_live(problem.inspection)
    if problem.inspection.status not in WORKING:
        raise ValidationError(f"巡察当前状态为“{problem.inspection.get_status_display()}”，不能再提出审核意见。")
    role = require_team_or_manager(user, problem.inspection, TeamRole.DEPUTY, TeamRole.LEADER)
    if role is not None and problem.drafted_by_id == user.pk:
        raise PermissionDenied("承办人不能对自己的底稿提出审核意见。")
    if problem.status not in UNSIGNED:
        raise ValidationError(f"问题已{problem.get_status_display()}，不能再提出审核意见。")


@transaction.atomic
def review_note_add(*, user: User, problem: Problem, text: str, expected_version: int | None = None) -> ReviewNote:
    """A deputy, the team leader or office staff over the unit leaves a note on a paper."""
    problem = lock(problem)
    review_note_add_check(user=user, problem=problem)
    # The note is about the paper the reviewer read: a paper changed since is refused.
    check_version(problem, expected_version)
    text = _clean_text(text, "text", "审核意见")
    role = require_team_or_manager(user, problem.inspection, TeamRole.DEPUTY, TeamRole.LEADER)
    note = ReviewNote(
        problem=problem,
        author=user,
        author_role=ReviewerRole(role) if role else ReviewerRole.OFFICE,
        text=text,
        paper_version=problem.version,
    )
    _save(note, user=user, reason="提出审核意见")
    return note


def review_note_answer_check(*, user: User, note: ReviewNote) -> None:
    require_live(note.problem)
    if note.problem.drafted_by_id != user.pk:
        raise PermissionDenied("审核意见须由底稿承办人本人答复。")
    if note.status == ReviewNoteStatus.CLEARED:
        raise ValidationError(f"该审核意见已于{timezone.localtime(note.cleared_at):%Y-%m-%d %H:%M}清除，不能再答复。")
    if note.status != ReviewNoteStatus.OPEN:
        raise ValidationError("该审核意见已答复，正等待提出人清除。")


@transaction.atomic
def review_note_answer(*, user: User, note: ReviewNote, answer: str, expected_version: int | None = None) -> ReviewNote:
    """The drafter answers a note (and edits the paper separately if the note asks for it)."""
    note = lock(note)
    review_note_answer_check(user=user, note=note)
    _check_note_version(note, expected_version)
    note.answer = _clean_text(answer, "answer", "答复内容")
    note.status = ReviewNoteStatus.ANSWERED
    note.answered_by = user
    note.answered_at = timezone.now()
    _save(note, user=user, reason="答复审核意见")
    return note


def review_note_clear_check(*, user: User, note: ReviewNote) -> None:
    require_live(note.problem)
    if note.author_id != user.pk:
        raise PermissionDenied("审核意见只能由提出人本人清除。")
    if note.status == ReviewNoteStatus.CLEARED:
        raise ValidationError("该审核意见已清除。")


@transaction.atomic
def review_note_clear(*, user: User, note: ReviewNote, expected_version: int | None = None) -> ReviewNote:
    """The note's author accepts the answer (or drops the note) and clears it."""
    note = lock(note)
    review_note_clear_check(user=user, note=note)
    _check_note_version(note, expected_version)
    note.status = ReviewNoteStatus.CLEARED
    note.cleared_by = user
    note.cleared_at = timezone.now()
    _save(note, user=user, reason="清除审核意见")
    return note
