"""The three-step sign-off of a working paper (承办人签字 → 副组长审核 → 组长审定), for one
paper or for many at once.

Each step is a row of `STEPS`: who may sign (its check), and what signing writes. Signing one
paper and signing a selection go through the same row, so the refusals are the same words."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from campaigns.models import TeamRole
from campaigns.services import require_team_or_manager
from xuncha.actions import refusal_text
from xuncha.figures_queue import inspection_changed
from xuncha.records import lock, record_save, require_live

from ..models import Problem, ProblemStatus
from ..review_notes import notes_refusal, require_notes_cleared, unresolved_note_counts
from ._common import _require_working

# A selection larger than this is refused: a reviewer reads what they sign.
MAX_PAPERS = 200


def reset_signatures(problem: Problem) -> None:
    problem.status = ProblemStatus.DRAFT
    problem.handler_signed_at = problem.deputy_signed_at = problem.leader_signed_at = None
    problem.deputy_signed_by = problem.leader_signed_by = None


def problem_sign_handler_check(*, user: User, problem: Problem) -> None:
    require_live(problem)
    _require_working(problem.inspection, "签署底稿")
    if problem.drafted_by_id != user.pk:
        raise PermissionDenied("底稿须由承办人本人签字。")
    if problem.status != ProblemStatus.DRAFT:
        raise ValidationError(f"问题当前为“{problem.get_status_display()}”，不在待承办人签字环节。")


def problem_sign_deputy_check(*, user: User, problem: Problem) -> None:
    require_live(problem)
    _require_working(problem.inspection, "审核底稿")
    role = require_team_or_manager(user, problem.inspection, TeamRole.DEPUTY, TeamRole.LEADER)
    if role is None:
        raise PermissionDenied("底稿须由本组副组长审核。")
    if problem.status != ProblemStatus.HANDLER_SIGNED:
        raise ValidationError(f"问题当前为“{problem.get_status_display()}”，不在待副组长审核环节。")
    if problem.drafted_by_id == user.pk:
        raise PermissionDenied("承办人不能审核自己的底稿。")
    if role == TeamRole.LEADER and problem.inspection.team.has_deputy():
        # Otherwise the leader would sign two steps and nobody could approve the paper.
        raise PermissionDenied("本组设有副组长，请由副组长审核；组长在第三步审定。")


def problem_approve_check(*, user: User, problem: Problem) -> None:
    require_live(problem)
    _require_working(problem.inspection, "审定底稿")
    role = require_team_or_manager(user, problem.inspection, TeamRole.LEADER)
    if role is None:
        raise PermissionDenied("底稿须由本组组长审定。")
    if problem.status != ProblemStatus.DEPUTY_SIGNED:
        raise ValidationError(f"问题当前为“{problem.get_status_display()}”，须先经副组长审核。")
    if user.pk in (problem.drafted_by_id, problem.deputy_signed_by_id):
        raise PermissionDenied("同一人不能在底稿上签署两个环节。")


def _handler_signs(problem: Problem, user: User, now: datetime.datetime) -> None:
    problem.status = ProblemStatus.HANDLER_SIGNED
    problem.handler_signed_at = now


def _deputy_signs(problem: Problem, user: User, now: datetime.datetime) -> None:
    problem.status = ProblemStatus.DEPUTY_SIGNED
    problem.deputy_signed_by = user
    problem.deputy_signed_at = now


def _leader_signs(problem: Problem, user: User, now: datetime.datetime) -> None:
    problem.status = ProblemStatus.APPROVED
    problem.leader_signed_by = user
    problem.leader_signed_at = now


@dataclass(frozen=True)
class Step:
    label: str
    check: Callable[..., None]
    sign: Callable[[Problem, User, datetime.datetime], None]
    fields: tuple[str, ...]


STEPS = {
    "handler": Step("承办人签字", problem_sign_handler_check, _handler_signs, ("status", "handler_signed_at")),
    "deputy": Step(
        "副组长审核", problem_sign_deputy_check, _deputy_signs, ("status", "deputy_signed_by", "deputy_signed_at")
    ),
    "leader": Step(
        "组长审定", problem_approve_check, _leader_signs, ("status", "leader_signed_by", "leader_signed_at")
    ),
}


def _sign_one(step: Step, user: User, problem: Problem) -> Problem:
    problem = lock(problem)
    step.check(user=user, problem=problem)
    require_notes_cleared(problem)
    step.sign(problem, user, timezone.now())
    record_save(problem, user=user, reason=step.label)
    return problem


@transaction.atomic
def problem_sign_handler(*, user: User, problem: Problem) -> Problem:
    """Step 1: the handler who wrote the paper signs it."""
    return _sign_one(STEPS["handler"], user, problem)


@transaction.atomic
def problem_sign_deputy(*, user: User, problem: Problem) -> Problem:
    """Step 2: a deputy team leader reviews it."""
    return _sign_one(STEPS["deputy"], user, problem)


@transaction.atomic
def problem_approve(*, user: User, problem: Problem) -> Problem:
    """Step 3: the team leader signs it off; the problem now counts as found."""
    return _sign_one(STEPS["leader"], user, problem)


def _locked_for_signing(ids: list[int]) -> list[Problem]:
    """The papers, locked, with one shared inspection object per inspection and each team's
    members prefetched: the checks then cost no query per paper."""
    papers = list(
        Problem.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("inspection__organization", "inspection__team")
        .order_by("pk")
    )
    inspections = {}
    for paper in papers:
        paper.inspection = inspections.setdefault(paper.inspection_id, paper.inspection)
    prefetch_related_objects([i.team for i in inspections.values()], "members__person")
    return papers


@transaction.atomic
def problems_sign_off(*, user: User, problems: list[Problem], step: str) -> int:
    """Sign many working papers at one step (a team leader approving a day's papers at once).

    Every paper passes the same checks as when signed alone, review notes included; if one is
    refused, none is signed and the refusal names each paper and why. One transaction, one
    history row per paper, one figures refresh for all of them."""
    if step not in STEPS:
        raise ValidationError("请选择签署环节。")
    row = STEPS[step]
    ids = sorted({p.pk for p in problems})
    if not ids:
        raise ValidationError("请先勾选要签署的底稿。")
    if len(ids) > MAX_PAPERS:
        raise ValidationError(f"一次最多签署{MAX_PAPERS}份底稿（现选{len(ids)}份），请分批签署。")
    papers = _locked_for_signing(ids)
    if len(papers) != len(ids):
        raise ValidationError("所选底稿中有的已不存在，请刷新后重新选择。")
    notes = unresolved_note_counts(ids)
    refusals = []
    for paper in papers:
        try:
            row.check(user=user, problem=paper)
            refusal = notes_refusal(notes.get(paper.pk))
            if refusal:
                raise ValidationError(refusal)
        except (ValidationError, PermissionDenied) as exc:
            refusals.append(
                f"{paper.inspection.organization.name}第{paper.number}号底稿“{paper.title}”：{refusal_text(exc)}"
            )
    if refusals:
        raise ValidationError([f"以下{len(refusals)}份底稿不能{row.label}，本次未签署任何底稿。", *refusals])
    now = timezone.now()
    for paper in papers:
        row.sign(paper, user, now)
        paper.version += 1
        paper.updated_at = now
        paper._change_reason = f"批量{row.label}"
    bulk_update_with_history(papers, Problem, [*row.fields, "version", "updated_at"], batch_size=500, default_user=user)
    for inspection_id in {p.inspection_id for p in papers}:
        inspection_changed(inspection_id)
    return len(papers)
