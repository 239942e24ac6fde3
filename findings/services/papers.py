"""Writes for problems as working papers (底稿): drafting, editing, returning, withdrawing,
and the bulk edits of the problem list (category, common problems)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from accounts.jurisdiction import manages
from accounts.models import User
from campaigns.models import Inspection, Organization, TeamRole
from campaigns.services import require_manager, require_team_or_manager
from xuncha.figures_queue import inspection_changed
from xuncha.records import check_version, lock, next_number, record_save, record_withdraw, require_live

from ..models import (
    CommonProblem,
    Petition,
    Problem,
    ProblemCategory,
    ProblemStatus,
)
from ._common import _locked_inspection, _require_working
from .signoff import reset_signatures

# --- Problems and the three-step sign-off ----------------------------------------------------


def _check_problem_fields(inspection: Inspection, category: ProblemCategory, involved: Organization | None) -> None:
    if not category.is_active:
        raise ValidationError({"category": f"问题类别“{category.name}”已停用。"})
    if involved is not None and not involved.path.startswith(inspection.organization.path):
        raise ValidationError(
            {"involved_organization": f"{involved.name}不是被巡察单位{inspection.organization.name}的下属组织。"}
        )


def problem_draft_check(*, user: User, inspection: Inspection) -> None:
    require_team_or_manager(user, inspection)
    _require_working(inspection, "新增问题底稿")


@transaction.atomic
def problem_draft(
    *,
    user: User,
    inspection: Inspection,
    title: str,
    description: str,
    category: ProblemCategory,
    method: str,
    involved_organization: Organization | None = None,
    source_petition: Petition | None = None,
) -> Problem:
    """A team member writes up a working paper (一事一底稿)."""
    inspection = _locked_inspection(inspection)
    problem_draft_check(user=user, inspection=inspection)
    _check_problem_fields(inspection, category, involved_organization)
    if source_petition is not None and source_petition.inspection_id != inspection.pk:
        raise ValidationError({"source_petition": "来源信访件不属于本次巡察。"})
    problem = Problem(
        inspection=inspection,
        number=next_number(inspection.problems.all()),
        title=title,
        description=description,
        category=category,
        method=method,
        involved_organization=involved_organization,
        source_petition=source_petition,
        drafted_by=user,
    )
    record_save(problem, user=user)
    return problem


def problem_update_check(*, user: User, problem: Problem) -> None:
    require_team_or_manager(user, problem.inspection)
    require_live(problem)
    if problem.status not in (ProblemStatus.DRAFT, ProblemStatus.HANDLER_SIGNED, ProblemStatus.DEPUTY_SIGNED):
        raise ValidationError(f"问题已{problem.get_status_display()}，底稿不能再修改。")


@transaction.atomic
def problems_draft_many(*, user: User, inspection: Inspection, drafts: list[dict]) -> list[Problem]:
    """Many working papers at once (an imported spreadsheet): the same checks as
    `problem_draft`, made once for the inspection and per row for the fields, then one bulk
    insert with one history row per problem. Each draft may carry a history `reason`."""
    inspection = _locked_inspection(inspection)
    problem_draft_check(user=user, inspection=inspection)
    number = next_number(inspection.problems.all())
    problems = []
    for i, draft in enumerate(drafts):
        fields = {k: v for k, v in draft.items() if k != "reason"}
        try:
            _check_problem_fields(inspection, fields["category"], fields.get("involved_organization"))
        except ValidationError as exc:
            raise ValidationError(f"第{i + 1}条：{'；'.join(exc.messages)}") from None
        problem = Problem(inspection=inspection, number=number + i, drafted_by=user, **fields)
        problem._change_reason = (draft.get("reason") or "")[:100]
        problems.append(problem)
    created = bulk_create_with_history(problems, Problem, batch_size=1000, default_user=user)
    inspection_changed(inspection.pk)
    return created


@transaction.atomic
def problem_update(*, user: User, problem: Problem, expected_version: int | None = None, **fields) -> Problem:
    """Edit a working paper; only before the team leader signs it off."""
    problem = lock(problem)
    problem_update_check(user=user, problem=problem)
    check_version(problem, expected_version)
    allowed = {"title", "description", "category", "method", "involved_organization"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"problem_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(problem, name, value)
    _check_problem_fields(problem.inspection, problem.category, problem.involved_organization)
    if problem.status != ProblemStatus.DRAFT:
        # A changed paper must be signed again from the first step.
        reset_signatures(problem)
    record_save(problem, user=user, reason="修改底稿")
    return problem


def problem_return_check(*, user: User, problem: Problem) -> None:
    require_live(problem)
    _require_working(problem.inspection, "退回底稿")
    require_team_or_manager(user, problem.inspection, TeamRole.DEPUTY, TeamRole.LEADER)
    if problem.status not in (ProblemStatus.HANDLER_SIGNED, ProblemStatus.DEPUTY_SIGNED):
        raise ValidationError(f"问题当前为“{problem.get_status_display()}”，不能退回。")


@transaction.atomic
def problem_return(*, user: User, problem: Problem, reason: str) -> Problem:
    """A reviewer returns a paper to its handler; every signature must be given again."""
    problem = lock(problem)
    problem_return_check(user=user, problem=problem)
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回理由。"})
    reset_signatures(problem)
    record_save(problem, user=user, reason=f"退回底稿：{reason.strip()}")
    return problem


def problem_withdraw_check(*, user: User, problem: Problem) -> None:
    require_live(problem)
    require_team_or_manager(user, problem.inspection, TeamRole.LEADER)
    if problem.status not in (
        ProblemStatus.DRAFT,
        ProblemStatus.HANDLER_SIGNED,
        ProblemStatus.DEPUTY_SIGNED,
        ProblemStatus.APPROVED,
    ):
        if not manages(user, problem.inspection.organization):
            raise PermissionDenied("问题已反馈，只有巡察办可以撤销。")
    if problem.measures.filter(withdrawn_at__isnull=True).exists():
        raise ValidationError("该问题已有整改措施，请先撤销其整改措施。")


@transaction.atomic
def problem_withdraw(*, user: User, problem: Problem, reason: str) -> Problem:
    problem_withdraw_check(user=user, problem=problem)
    return record_withdraw(record=problem, user=user, reason=reason)


@transaction.atomic
def problems_link_common(*, user: User, problems: list[Problem], common: CommonProblem) -> int:
    """Link problems found in many units into one common problem (共性问题)."""
    for problem in problems:
        require_manager(user, problem.inspection.organization)
    for problem in problems:
        problem = lock(problem)
        require_live(problem)
        problem.common_problem = common
        record_save(problem, user=user, reason=f"归入共性问题：{common.title}")
    return len(problems)


# --- Bulk edits from the problem list -------------------------------------------------------


@transaction.atomic
def problems_set_category(*, user: User, problems: list[Problem], category: ProblemCategory) -> int:
    """Re-classify many problems at once; each keeps its own history row."""
    if not category.is_active:
        raise ValidationError({"category": f"问题类别“{category.name}”已停用。"})
    for problem in problems:
        require_manager(user, problem.inspection.organization)
    changed = 0
    for problem in problems:
        problem = lock(problem)
        require_live(problem)
        if problem.category_id != category.pk:
            problem.category = category
            record_save(problem, user=user, reason=f"批量调整类别：{category.name}")
            changed += 1
    return changed


@transaction.atomic
def common_problem_create(*, user: User, title: str, category: ProblemCategory, description: str = "") -> CommonProblem:
    if not user.has_role("office_admin"):
        raise PermissionDenied("只有巡察办工作人员可以设立共性问题。")
    if not title.strip():
        raise ValidationError({"title": "请填写共性问题名称。"})
    if not category.is_active:
        raise ValidationError({"category": f"问题类别“{category.name}”已停用。"})
    common = CommonProblem(title=title.strip(), category=category, description=description, created_by=user)
    record_save(common, user=user)
    return common
