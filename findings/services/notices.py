"""Writes for immediate-rectification notices (立行立改通知)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from campaigns.models import TeamRole
from campaigns.services import require_team_or_manager
from xuncha.records import lock, next_number, not_in_future, record_save, require_live

from ..models import (
    ImmediateNotice,
    Problem,
)
from ._common import _require_working

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
