"""Writes for clues (问题线索): registering, transferring, disposing, sanctions, withdrawing."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.jurisdiction import subtree_paths
from accounts.models import User
from campaigns.models import Inspection, TeamRole
from campaigns.services import require_manager, require_team_or_manager
from xuncha.records import lock, next_number, not_in_future, record_save, record_withdraw, require_live

from ..models import (
    Clue,
    ClueStatus,
    Disposition,
    Petition,
    Problem,
    Sanction,
    SanctionSource,
)
from ..selectors import HANDLER_ROLE_FOR
from ._common import _locked_inspection, _require_working

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


def clue_withdraw_check(*, user: User, clue: Clue) -> None:
    require_team_or_manager(user, clue.inspection, TeamRole.LEADER)
    require_live(clue)
    if clue.status != ClueStatus.DRAFT:
        raise ValidationError("线索已移交，不能撤销；如有误请与承办机关沟通后登记处置情况。")


@transaction.atomic
def clue_withdraw(*, user: User, clue: Clue, reason: str) -> Clue:
    clue_withdraw_check(user=user, clue=clue)
    return record_withdraw(record=clue, user=user, reason=reason)
