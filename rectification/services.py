"""Writes for feedback, measures and their verification, evidence, handover items, rules,
supervision actions and evaluations."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.jurisdiction import manages
from accounts.models import User
from campaigns.models import Inspection, InspectionStatus, Organization, TeamRole
from campaigns.selectors import is_liaison_of
from campaigns.services import require_manager, require_team_or_manager
from findings.models import Problem, ProblemStatus
from findings.services import default_deadline, inspection_feed_back  # noqa: F401 — feedback opens rectification
from xuncha.records import check_version, lock, next_number, not_in_future, record_save, record_withdraw, require_live
from xuncha.uploads import check_upload

from .models import (
    MEASURE_DONE,
    Evaluation,
    Evidence,
    HandoverItem,
    HandoverStatus,
    Measure,
    MeasureStatus,
    RuleEstablished,
    SupervisionAction,
)

RECTIFYING = (InspectionStatus.FED_BACK,)


def _require_unit_side(user: User, organization: Organization) -> None:
    """The unit's liaison reports rectification; the office may do it on the unit's behalf."""
    if not (is_liaison_of(user, organization) or manages(user, organization)):
        raise PermissionDenied(f"您不是{organization.name}的整改联络员，无权办理其整改事项。")


def inspection_close_check(*, user: User, inspection: Inspection) -> None:
    require_manager(user, inspection.organization)
    require_live(inspection)
    if inspection.status != InspectionStatus.FED_BACK:
        raise ValidationError(f"巡察当前状态为“{inspection.get_status_display()}”，只有整改中的巡察才能结束。")
    open_count = inspection.problems.live().filter(status=ProblemStatus.FED_BACK).count()
    if open_count:
        raise ValidationError(f"尚有{open_count}个问题未完成整改，不能结束。")


@transaction.atomic
def inspection_close(*, user: User, inspection: Inspection) -> Inspection:
    """整改结束: every fed-back problem is rectified or accepted as ongoing."""
    inspection = lock(inspection)
    inspection_close_check(user=user, inspection=inspection)
    inspection.status = InspectionStatus.CLOSED
    record_save(inspection, user=user, reason="整改结束")
    return inspection


# --- Measures -------------------------------------------------------------------------------


def measure_add_check(*, user: User, problem: Problem) -> None:
    _require_unit_side(user, problem.inspection.organization)
    require_live(problem)
    if problem.status != ProblemStatus.FED_BACK:
        raise ValidationError(f"问题当前为“{problem.get_status_display()}”，只有已反馈、整改中的问题才能添加整改措施。")


@transaction.atomic
def measure_add(
    *,
    user: User,
    problem: Problem,
    content: str,
    responsible_unit: Organization,
    responsible_person: str,
    deadline: datetime.date,
) -> Measure:
    inspection = problem.inspection
    problem = lock(problem)  # serialises measure numbering
    measure_add_check(user=user, problem=problem)
    if not responsible_unit.path.startswith(inspection.organization.path):
        raise ValidationError({"responsible_unit": f"责任单位须为{inspection.organization.name}或其下属组织。"})
    if deadline < problem.fed_back_on:
        raise ValidationError({"deadline": f"完成时限不能早于反馈日期{problem.fed_back_on}。"})
    if not content.strip():
        raise ValidationError({"content": "请填写整改措施。"})
    if not responsible_person.strip():
        raise ValidationError({"responsible_person": "请填写责任人。"})
    measure = Measure(
        problem=problem,
        number=next_number(problem.measures.all()),
        content=content.strip(),
        responsible_unit=responsible_unit,
        responsible_person=responsible_person.strip(),
        deadline=deadline,
    )
    record_save(measure, user=user)
    return measure


def measure_report_check(*, user: User, measure: Measure) -> None:
    _require_unit_side(user, measure.problem.inspection.organization)
    require_live(measure)
    if measure.status not in (MeasureStatus.PLANNED, MeasureStatus.SENT_BACK):
        raise ValidationError(f"措施当前为“{measure.get_status_display()}”，不能重复报告。")


@transaction.atomic
def measure_report(
    *,
    user: User,
    measure: Measure,
    progress: str,
    files: list[UploadedFile] = (),
    expected_version: int | None = None,
) -> Measure:
    """The unit reports progress, with evidence, and asks the office to verify."""
    measure = lock(measure)
    measure_report_check(user=user, measure=measure)
    check_version(measure, expected_version)
    if not progress.strip():
        raise ValidationError({"progress": "请填写整改进展。"})
    for upload in files:
        evidence_attach(user=user, measure=measure, upload=upload)
    if not files and not measure.evidence.exists():
        raise ValidationError({"files": "请上传至少一份佐证材料。"})
    measure.progress = progress.strip()
    measure.status = MeasureStatus.REPORTED
    measure.reported_at = timezone.now()
    measure.reported_by = user
    record_save(measure, user=user, reason="报告整改进展")
    return measure


class Verdict:
    ACCEPT = "accept"
    ONGOING = "ongoing"
    SEND_BACK = "send_back"


def measure_verify_check(*, user: User, measure: Measure) -> None:
    require_manager(user, measure.problem.inspection.organization)
    require_live(measure)
    if measure.status != MeasureStatus.REPORTED:
        raise ValidationError(f"措施当前为“{measure.get_status_display()}”，只有待验收的措施才能验收。")


@transaction.atomic
def measure_verify(
    *, user: User, measure: Measure, verdict: str, note: str = "", expected_version: int | None = None
) -> Measure:
    """验收: the office accepts a measure, accepts it as ongoing (长期坚持), or sends it back.
    A problem is rectified once all its measures are accepted (or accepted as ongoing)."""
    measure = lock(measure)
    measure_verify_check(user=user, measure=measure)
    check_version(measure, expected_version)
    if verdict == Verdict.SEND_BACK and not note.strip():
        raise ValidationError({"note": "退回时须写明理由。"})
    status = {
        Verdict.ACCEPT: MeasureStatus.ACCEPTED,
        Verdict.ONGOING: MeasureStatus.ONGOING,
        Verdict.SEND_BACK: MeasureStatus.SENT_BACK,
    }.get(verdict)
    if status is None:
        raise ValidationError({"verdict": "请选择验收结论：通过、长期坚持或退回。"})
    measure.status = status
    measure.verification_note = note.strip()
    measure.verified_by = user
    measure.verified_at = timezone.now()
    record_save(measure, user=user, reason=f"验收：{measure.get_status_display()}")
    problem_settle(user=user, problem=measure.problem)
    return measure


def problem_settle(*, user: User, problem: Problem) -> Problem:
    """Derive a fed-back problem's rectified state from its measures (inside the caller's
    transaction): all done → 已整改 (or 长期坚持 if any is ongoing); otherwise 整改中."""
    problem = lock(problem)
    statuses = set(problem.measures.live().values_list("status", flat=True))
    if problem.status not in (ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.ONGOING):
        return problem
    if statuses and statuses <= set(MEASURE_DONE):
        new = ProblemStatus.ONGOING if MeasureStatus.ONGOING in statuses else ProblemStatus.RECTIFIED
    else:
        new = ProblemStatus.FED_BACK
    if new != problem.status:
        problem.status = new
        problem.rectified_on = None if new == ProblemStatus.FED_BACK else max(timezone.localdate(), problem.fed_back_on)
        record_save(problem, user=user, reason=f"整改状态：{problem.get_status_display()}")
    return problem


def measure_withdraw_check(*, user: User, measure: Measure) -> None:
    require_manager(user, measure.problem.inspection.organization)
    require_live(measure)


@transaction.atomic
def measure_withdraw(*, user: User, measure: Measure, reason: str) -> Measure:
    measure_withdraw_check(user=user, measure=measure)
    measure = record_withdraw(record=measure, user=user, reason=reason)
    problem_settle(user=user, problem=measure.problem)
    return measure


def evidence_attach(*, user: User, measure: Measure, upload: UploadedFile) -> Evidence:
    """Store one evidence file under a random name; its type comes from its content."""
    checked = check_upload(upload)
    evidence = Evidence(
        measure=measure,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    evidence.file.save("evidence", upload, save=False)
    evidence._history_user = user
    evidence.save()
    return evidence


# --- Handover items, rules, supervision, evaluations ------------------------------------------


def handover_item_create_check(*, user: User, inspection: Inspection) -> None:
    require_team_or_manager(user, inspection, TeamRole.LEADER)
    require_live(inspection)
    if inspection.onsite_start is None:
        raise ValidationError({"handed_over_on": "转交日期不能早于进驻日期。"})


@transaction.atomic
def handover_item_create(
    *,
    user: User,
    inspection: Inspection,
    title: str,
    department: str,
    handed_over_on: datetime.date,
    content: str = "",
    deadline: datetime.date | None = None,
) -> HandoverItem:
    inspection = lock(inspection)
    handover_item_create_check(user=user, inspection=inspection)
    if handed_over_on < inspection.onsite_start:
        raise ValidationError({"handed_over_on": "转交日期不能早于进驻日期。"})
    if deadline is not None and deadline < handed_over_on:
        raise ValidationError({"deadline": "办理时限不能早于转交日期。"})
    item = HandoverItem(
        inspection=inspection,
        number=next_number(inspection.handover_items.all()),
        title=title,
        content=content,
        department=department,
        handed_over_on=handed_over_on,
        deadline=deadline,
    )
    record_save(item, user=user)
    return item


def handover_item_close_check(*, user: User, item: HandoverItem) -> None:
    require_manager(user, item.inspection.organization)
    require_live(item)
    if item.status == HandoverStatus.CLOSED:
        raise ValidationError(f"该事项已于{item.closed_on}办结。")


@transaction.atomic
def handover_item_close(*, user: User, item: HandoverItem, closed_on: datetime.date, result: str) -> HandoverItem:
    """办结 with a result."""
    item = lock(item)
    handover_item_close_check(user=user, item=item)
    if closed_on < item.handed_over_on:
        raise ValidationError({"closed_on": f"办结日期不能早于转交日期{item.handed_over_on}。"})
    not_in_future(closed_on, "closed_on", "办结日期")
    if not result.strip():
        raise ValidationError({"result": "请填写办理结果。"})
    item.status = HandoverStatus.CLOSED
    item.closed_on = closed_on
    item.result = result.strip()
    record_save(item, user=user, reason="办结")
    return item


def rule_record_check(*, user: User, inspection: Inspection) -> None:
    _require_unit_side(user, inspection.organization)
    require_live(inspection)
    if inspection.status not in (InspectionStatus.FED_BACK, InspectionStatus.CLOSED):
        raise ValidationError("巡察反馈后才能登记整改中建立健全的制度。")


@transaction.atomic
def rule_record(
    *,
    user: User,
    inspection: Inspection,
    title: str,
    kind: str,
    adopted_on: datetime.date,
    problem: Problem | None = None,
    handover_item: HandoverItem | None = None,
) -> RuleEstablished:
    """A rule the unit established; where it came from (a problem's rectification, a handover
    item, both or neither) is what the figures count it by."""
    rule_record_check(user=user, inspection=inspection)
    if problem is not None and problem.inspection_id != inspection.pk:
        raise ValidationError({"problem": "该问题不属于本次巡察。"})
    if handover_item is not None and (handover_item.inspection_id != inspection.pk or handover_item.withdrawn_at):
        raise ValidationError({"handover_item": "该转交办事项不属于本次巡察，或已撤销。"})
    if not title.strip():
        raise ValidationError({"title": "请填写制度名称。"})
    rule = RuleEstablished(
        inspection=inspection,
        problem=problem,
        handover_item=handover_item,
        title=title.strip(),
        kind=kind,
        adopted_on=adopted_on,
    )
    record_save(rule, user=user)
    return rule


def supervision_record_check(*, user: User, inspection: Inspection) -> None:
    require_manager(user, inspection.organization)
    require_live(inspection)
    if inspection.status not in (InspectionStatus.FED_BACK, InspectionStatus.CLOSED):
        raise ValidationError("巡察反馈后才能对整改进行督办。")


@transaction.atomic
def supervision_record(
    *,
    user: User,
    inspection: Inspection,
    kind: str,
    acted_on: datetime.date,
    content: str,
    target_person: str = "",
    measure: Measure | None = None,
) -> SupervisionAction:
    """督查督办: a notice, a reminder, a warning, an interview (约谈) or a look-back scheduled."""
    supervision_record_check(user=user, inspection=inspection)
    if measure is not None and measure.problem.inspection_id != inspection.pk:
        raise ValidationError({"measure": "该整改措施不属于本次巡察。"})
    if acted_on < inspection.feedback_date:
        raise ValidationError({"acted_on": f"督办日期不能早于反馈日期{inspection.feedback_date}。"})
    if not content.strip():
        raise ValidationError({"content": "请填写督办内容。"})
    action = SupervisionAction(
        inspection=inspection,
        measure=measure,
        kind=kind,
        acted_on=acted_on,
        acted_by=user,
        target_person=target_person,
        content=content.strip(),
    )
    record_save(action, user=user)
    return action


def evaluation_record_check(*, user: User, inspection: Inspection) -> None:
    require_manager(user, inspection.organization)
    require_live(inspection)
    if inspection.status not in (InspectionStatus.FED_BACK, InspectionStatus.CLOSED):
        raise ValidationError("巡察反馈后才能评估整改。")


@transaction.atomic
def evaluation_record(
    *, user: User, inspection: Inspection, score: int, grade: str, evaluated_on: datetime.date, note: str = ""
) -> Evaluation:
    """评估 the unit's rectification: 0–100 and a grade."""
    evaluation_record_check(user=user, inspection=inspection)
    if not 0 <= score <= 100:
        raise ValidationError({"score": "得分须在0到100之间。"})
    if evaluated_on < inspection.feedback_date:
        raise ValidationError({"evaluated_on": "评估日期不能早于反馈日期。"})
    evaluation = Evaluation(
        inspection=inspection, score=score, grade=grade, evaluated_on=evaluated_on, evaluated_by=user, note=note
    )
    record_save(evaluation, user=user)
    return evaluation


@transaction.atomic
def measures_assign_unit(*, user: User, measures: list[Measure], unit: Organization) -> int:
    """Bulk: make `unit` responsible for many measures; each keeps its own history row."""
    changed = 0
    for measure in measures:
        measure = lock(measure)
        organization = measure.problem.inspection.organization
        require_manager(user, organization)
        require_live(measure)
        if measure.is_done:
            raise ValidationError(f"措施“{measure.content[:20]}”已验收，不能调整责任单位。")
        if not unit.path.startswith(organization.path):
            raise ValidationError({"unit": f"{unit.name}不是{organization.name}或其下属组织。"})
        if measure.responsible_unit_id != unit.pk:
            measure.responsible_unit = unit
            record_save(measure, user=user, reason=f"批量调整责任单位：{unit.name}")
            changed += 1
    return changed
