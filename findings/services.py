"""Writes for petitions, problems (the three-step sign-off), immediate-rectification notices,
clues, their disposition and sanctions."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.jurisdiction import subtree_paths
from accounts.models import User
from campaigns.models import Inspection, InspectionStatus, Organization, TeamRole
from campaigns.selectors import manages
from campaigns.services import require_manager, require_team_or_manager
from xuncha.figures_queue import inspection_changed
from xuncha.records import check_version, lock, next_number, not_in_future, record_save, record_withdraw, require_live

from .models import (
    Clue,
    ClueStatus,
    CommonProblem,
    Disposition,
    ImmediateNotice,
    Petition,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Sanction,
    SanctionSource,
)
from .review_notes import require_notes_cleared
from .selectors import HANDLER_ROLE_FOR

# While the team works the inspection (on site, or writing up after leaving).
WORKING = (InspectionStatus.ON_SITE, InspectionStatus.LEFT)


def _require_working(inspection: Inspection, what: str) -> None:
    require_live(inspection)
    if inspection.status not in WORKING:
        raise ValidationError(f"巡察当前状态为“{inspection.get_status_display()}”，不能{what}。")


def _locked_inspection(inspection: Inspection) -> Inspection:
    # Locks the parent so two people numbering records at once get different numbers.
    return lock(inspection)


# --- Petitions -----------------------------------------------------------------------------


def petition_register_check(*, user: User, inspection: Inspection) -> None:
    require_team_or_manager(user, inspection)
    require_live(inspection)
    if inspection.status != InspectionStatus.ON_SITE:
        raise ValidationError(f"巡察当前状态为“{inspection.get_status_display()}”，只有进驻期间才能受理信访。")


@transaction.atomic
def petition_register(
    *,
    user: User,
    inspection: Inspection,
    channel: str,
    received_on: datetime.date,
    subject: str,
    content: str,
    petitioner: str = "",
    is_anonymous: bool = False,
) -> Petition:
    inspection = _locked_inspection(inspection)
    petition_register_check(user=user, inspection=inspection)
    if received_on < inspection.onsite_start:
        raise ValidationError({"received_on": f"受理日期不能早于进驻日期{inspection.onsite_start}。"})
    if not is_anonymous and not petitioner.strip():
        raise ValidationError({"petitioner": "请填写信访人姓名，或勾选匿名。"})
    petition = Petition(
        inspection=inspection,
        number=next_number(inspection.petitions.all()),
        channel=channel,
        received_on=received_on,
        subject=subject,
        content=content,
        petitioner="" if is_anonymous else petitioner.strip(),
        is_anonymous=is_anonymous,
    )
    record_save(petition, user=user)
    return petition


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
        _reset_signatures(problem)
    record_save(problem, user=user, reason="修改底稿")
    return problem


def _reset_signatures(problem: Problem) -> None:
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


@transaction.atomic
def problem_sign_handler(*, user: User, problem: Problem) -> Problem:
    """Step 1: the handler who wrote the paper signs it."""
    problem = lock(problem)
    problem_sign_handler_check(user=user, problem=problem)
    require_notes_cleared(problem)
    problem.status = ProblemStatus.HANDLER_SIGNED
    problem.handler_signed_at = timezone.now()
    record_save(problem, user=user, reason="承办人签字")
    return problem


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
    if role == TeamRole.LEADER and problem.inspection.team.members.filter(role=TeamRole.DEPUTY).exists():
        # Otherwise the leader would sign two steps and nobody could approve the paper.
        raise PermissionDenied("本组设有副组长，请由副组长审核；组长在第三步审定。")


@transaction.atomic
def problem_sign_deputy(*, user: User, problem: Problem) -> Problem:
    """Step 2: a deputy team leader reviews it."""
    problem = lock(problem)
    problem_sign_deputy_check(user=user, problem=problem)
    require_notes_cleared(problem)
    problem.status = ProblemStatus.DEPUTY_SIGNED
    problem.deputy_signed_by = user
    problem.deputy_signed_at = timezone.now()
    record_save(problem, user=user, reason="副组长审核")
    return problem


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


@transaction.atomic
def problem_approve(*, user: User, problem: Problem) -> Problem:
    """Step 3: the team leader signs it off; the problem now counts as found."""
    problem = lock(problem)
    problem_approve_check(user=user, problem=problem)
    require_notes_cleared(problem)
    problem.status = ProblemStatus.APPROVED
    problem.leader_signed_by = user
    problem.leader_signed_at = timezone.now()
    record_save(problem, user=user, reason="组长审定")
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
    _reset_signatures(problem)
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


# --- Immediate-rectification notices ---------------------------------------------------------


def immediate_notice_issue_check(*, user: User, problem: Problem) -> None:
    require_team_or_manager(user, problem.inspection, TeamRole.LEADER)
    require_live(problem)
    _require_working(problem.inspection, "下发立行立改通知书")


@transaction.atomic
def immediate_notice_issue(
    *, user: User, problem: Problem, issued_on: datetime.date, deadline: datetime.date, requirement: str
) -> ImmediateNotice:
    """立行立改: the team leader tells the unit to fix an urgent problem now."""
    problem = lock(problem)
    immediate_notice_issue_check(user=user, problem=problem)
    if issued_on < problem.inspection.onsite_start:
        raise ValidationError({"issued_on": f"下发日期不能早于进驻日期{problem.inspection.onsite_start}。"})
    if deadline < issued_on:
        raise ValidationError({"deadline": "整改时限不能早于下发日期。"})
    if not requirement.strip():
        raise ValidationError({"requirement": "请填写整改要求。"})
    notice = ImmediateNotice(
        problem=problem,
        number=next_number(problem.immediate_notices.all()),
        issued_on=issued_on,
        deadline=deadline,
        requirement=requirement.strip(),
        issued_by=user,
    )
    record_save(notice, user=user)
    return notice


def immediate_notice_complete_check(*, user: User, notice: ImmediateNotice) -> None:
    require_team_or_manager(user, notice.problem.inspection)
    require_live(notice)
    if notice.completed_on:
        raise ValidationError(f"该通知书已于{notice.completed_on}完成整改。")


@transaction.atomic
def immediate_notice_complete(
    *, user: User, notice: ImmediateNotice, completed_on: datetime.date, result: str
) -> ImmediateNotice:
    notice = lock(notice)
    immediate_notice_complete_check(user=user, notice=notice)
    if completed_on < notice.issued_on:
        raise ValidationError({"completed_on": "完成日期不能早于下发日期。"})
    not_in_future(completed_on, "completed_on", "完成日期")
    if not result.strip():
        raise ValidationError({"result": "请填写整改结果。"})
    notice.completed_on = completed_on
    notice.result = result.strip()
    record_save(notice, user=user, reason="立行立改完成")
    return notice


# --- Clues, dispositions and sanctions --------------------------------------------------------


def clue_register_check(*, user: User, inspection: Inspection) -> None:
    require_team_or_manager(user, inspection)
    _require_working(inspection, "登记问题线索")


@transaction.atomic
def clue_register(
    *,
    user: User,
    inspection: Inspection,
    subject_name: str,
    summary: str,
    destination: str,
    subject_position: str = "",
    source_petition: Petition | None = None,
) -> Clue:
    inspection = _locked_inspection(inspection)
    clue_register_check(user=user, inspection=inspection)
    if source_petition is not None and source_petition.inspection_id != inspection.pk:
        raise ValidationError({"source_petition": "来源信访件不属于本次巡察。"})
    clue = Clue(
        inspection=inspection,
        number=next_number(inspection.clues.all()),
        subject_name=subject_name,
        subject_position=subject_position,
        summary=summary,
        destination=destination,
        source_petition=source_petition,
    )
    record_save(clue, user=user)
    return clue


def clue_transfer_check(*, user: User, clue: Clue) -> None:
    require_team_or_manager(user, clue.inspection, TeamRole.LEADER)
    require_live(clue)
    if clue.status != ClueStatus.DRAFT:
        raise ValidationError(f"该线索已于{clue.transferred_on}移交{clue.get_destination_display()}。")


@transaction.atomic
def clue_transfer(*, user: User, clue: Clue, transferred_on: datetime.date) -> Clue:
    """移交: the team leader or the office sends the clue to its destination."""
    clue = lock(clue)
    clue_transfer_check(user=user, clue=clue)
    start = clue.inspection.onsite_start
    if start is None or transferred_on < start:
        raise ValidationError({"transferred_on": "移交日期不能早于进驻日期。"})
    if transferred_on > timezone.localdate():
        raise ValidationError({"transferred_on": "移交日期不能晚于今天。"})
    clue.status = ClueStatus.TRANSFERRED
    clue.transferred_on = transferred_on
    clue.transferred_by = user
    record_save(clue, user=user, reason=f"移交{clue.get_destination_display()}")
    return clue


def _require_handler(user: User, clue: Clue) -> None:
    role = HANDLER_ROLE_FOR[clue.destination]
    if not any(clue.inspection.organization.path.startswith(p) for p in subtree_paths(user, role)):
        raise PermissionDenied(f"该线索移交{clue.get_destination_display()}办理，您无权登记其处置情况。")


def clue_dispose_check(*, user: User, clue: Clue) -> None:
    _require_handler(user, clue)
    require_live(clue)
    if clue.status == ClueStatus.DRAFT:
        raise ValidationError("该线索尚未移交，不能登记处置情况。")
    if clue.status == ClueStatus.DISPOSED:
        raise ValidationError(f"该线索已于{clue.disposed_on}办结（{clue.get_disposition_display()}）。")


@transaction.atomic
def clue_dispose(*, user: User, clue: Clue, disposition: str, disposed_on: datetime.date, note: str = "") -> Clue:
    """The receiving body records how it disposed of the clue (初核, 谈话函询, 立案 …)."""
    clue = lock(clue)
    clue_dispose_check(user=user, clue=clue)
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": "请选择处置方式。"})
    if disposed_on < clue.transferred_on:
        raise ValidationError({"disposed_on": f"办结日期不能早于移交日期{clue.transferred_on}。"})
    not_in_future(disposed_on, "disposed_on", "办结日期")
    clue.status = ClueStatus.DISPOSED
    clue.disposition = disposition
    clue.disposed_on = disposed_on
    clue.disposition_note = note.strip()
    clue.disposed_by = user
    record_save(clue, user=user, reason="登记处置情况")
    return clue


def clue_sanction_check(*, user: User, clue: Clue) -> None:
    _require_handler(user, clue)
    require_live(clue)
    if clue.status == ClueStatus.DRAFT:
        raise ValidationError({"clue": "线索尚未移交，不能登记处理处分。"})


@transaction.atomic
def sanction_record(
    *,
    user: User,
    inspection: Inspection,
    source: str,
    kind: str,
    person_name: str,
    decided_on: datetime.date,
    person_position: str = "",
    note: str = "",
    clue: Clue | None = None,
    problem: Problem | None = None,
) -> Sanction:
    """Record one sanction of one person, from a clue, a handover item or rectification."""
    require_live(inspection)
    if source == SanctionSource.CLUE:
        if clue is None or clue.inspection_id != inspection.pk:
            raise ValidationError({"clue": "请选择本次巡察移交的问题线索。"})
        clue = lock(clue)  # decide on the current state, not the caller's copy
        clue_sanction_check(user=user, clue=clue)
        if decided_on < clue.transferred_on:
            raise ValidationError({"decided_on": "决定日期不能早于线索移交日期。"})
    else:
        require_manager(user, inspection.organization)
        if source == SanctionSource.RECTIFICATION and (problem is None or problem.inspection_id != inspection.pk):
            raise ValidationError({"problem": "整改问责须选择本次巡察的问题。"})
    if not person_name.strip():
        raise ValidationError({"person_name": "请填写被处理人姓名。"})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "决定日期不能晚于今天。"})
    sanction = Sanction(
        inspection=inspection,
        source=source,
        clue=clue,
        problem=problem,
        kind=kind,
        person_name=person_name.strip(),
        person_position=person_position,
        decided_on=decided_on,
        note=note,
    )
    record_save(sanction, user=user)
    return sanction


def petition_withdraw_check(*, user: User, petition: Petition) -> None:
    require_team_or_manager(user, petition.inspection, TeamRole.LEADER)
    require_live(petition)


@transaction.atomic
def petition_withdraw(*, user: User, petition: Petition, reason: str) -> Petition:
    petition_withdraw_check(user=user, petition=petition)
    return record_withdraw(record=petition, user=user, reason=reason)


def clue_withdraw_check(*, user: User, clue: Clue) -> None:
    require_team_or_manager(user, clue.inspection, TeamRole.LEADER)
    require_live(clue)
    if clue.status != ClueStatus.DRAFT:
        raise ValidationError("线索已移交，不能撤销；如有误请与承办机关沟通后登记处置情况。")


@transaction.atomic
def clue_withdraw(*, user: User, clue: Clue, reason: str) -> Clue:
    clue_withdraw_check(user=user, clue=clue)
    return record_withdraw(record=clue, user=user, reason=reason)


UNFINISHED_PAPERS = (ProblemStatus.DRAFT, ProblemStatus.HANDLER_SIGNED, ProblemStatus.DEPUTY_SIGNED)


def default_deadline(feedback_date: datetime.date) -> datetime.date:
    """Two months after feedback, the usual rectification period (same day, clamped)."""
    month = feedback_date.month + 2
    year = feedback_date.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in (feedback_date.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- Feedback -------------------------------------------------------------------------------


def inspection_feed_back_check(*, user: User, inspection: Inspection) -> None:
    require_team_or_manager(user, inspection, TeamRole.LEADER)
    require_live(inspection)
    if inspection.status != InspectionStatus.LEFT:
        raise ValidationError(f"巡察当前状态为“{inspection.get_status_display()}”，须在撤离后反馈。")
    unfinished = inspection.problems.live().filter(status__in=UNFINISHED_PAPERS).count()
    if unfinished:
        raise ValidationError(f"尚有{unfinished}份问题底稿未完成三级审签，请审定或撤销后再反馈。")


@transaction.atomic
def inspection_feed_back(
    *, user: User, inspection: Inspection, feedback_date: datetime.date, deadline: datetime.date | None = None
) -> Inspection:
    """反馈: approved problems go to the unit, which must rectify them by the deadline."""
    inspection = lock(inspection)
    inspection_feed_back_check(user=user, inspection=inspection)
    if feedback_date < inspection.onsite_end:
        raise ValidationError({"feedback_date": f"反馈日期不能早于撤离日期{inspection.onsite_end}。"})
    deadline = deadline or default_deadline(feedback_date)
    if deadline <= feedback_date:
        raise ValidationError({"deadline": "整改期限须晚于反馈日期。"})
    problems = list(inspection.problems.live().filter(status=ProblemStatus.APPROVED))
    now = timezone.now()
    for problem in problems:
        problem.status = ProblemStatus.FED_BACK
        problem.fed_back_on = feedback_date
        problem.version += 1
        problem.updated_at = now  # bulk_update does not apply auto_now
    # Bulk path, with history: one history row per problem, attributed to the user.
    bulk_update_with_history(
        problems,
        Problem,
        ["status", "fed_back_on", "version", "updated_at"],
        default_user=user,
        default_change_reason="反馈",
    )
    inspection.feedback_date = feedback_date
    inspection.rectification_deadline = deadline
    inspection.status = InspectionStatus.FED_BACK
    record_save(inspection, user=user, reason=f"反馈{len(problems)}个问题")
    return inspection


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
