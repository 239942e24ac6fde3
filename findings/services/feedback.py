"""Feedback (反馈) of an inspection's approved problems to the unit, with the rectification deadline."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from campaigns.models import Inspection, InspectionStatus, TeamRole
from campaigns.services import require_team_or_manager
from xuncha.records import lock, record_save, require_live

from ..models import (
    Problem,
    ProblemStatus,
)

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
