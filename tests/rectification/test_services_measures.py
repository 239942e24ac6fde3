"""measure_add, measure_report, measure_verify and measure_withdraw, with the version check."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from findings import services as fs
from findings.models import ProblemStatus
from rectification import services as rs
from rectification.models import Measure, MeasureStatus
from tests.world import D, approve, draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture
def problem(world):
    """A problem fed back to 青石镇党委 on 2026-05-10."""
    return fed_back(world, problems=1).problems.get()


def add(world, problem, user=None, **kw):
    fields = {
        "content": "建立村务公开台账",
        "responsible_unit": world.township,
        "responsible_person": "王主任",
        "deadline": D(2026, 6, 30),
    }
    fields.update(kw)
    return rs.measure_add(user=user or world.liaison, problem=problem, **fields)


def pdf(name="照片.pdf"):
    return SimpleUploadedFile(name, PDF)


def report(world, measure, user=None, files=None, **kw):
    return rs.measure_report(
        user=user or world.liaison,
        measure=measure,
        progress=kw.pop("progress", "已公开"),
        files=[pdf()] if files is None else files,
        **kw,
    )


def verify(world, measure, verdict=rs.Verdict.ACCEPT, user=None, **kw):
    return rs.measure_verify(user=user or world.office, measure=measure, verdict=verdict, **kw)


# --- measure_add ---------------------------------------------------------------------------


def test_the_unit_liaison_adds_a_measure(world, problem):
    measure = add(world, problem, content="  建立台账 ", responsible_person=" 王主任 ", responsible_unit=world.village)
    assert measure.status == MeasureStatus.PLANNED
    assert measure.number == 1
    assert measure.content == "建立台账"
    assert measure.responsible_person == "王主任"
    assert measure.responsible_unit == world.village
    assert measure.history.get().history_user == world.liaison


def test_the_office_may_add_a_measure_on_the_units_behalf(world, problem):
    assert add(world, problem, user=world.office_a).pk


def test_measures_are_numbered_per_problem(world):
    first, second = fed_back(world, problems=2).problems.all()
    assert [add(world, first).number, add(world, first).number] == [1, 2]
    assert add(world, second).number == 1


def test_a_measure_may_be_due_on_the_feedback_day(world, problem):
    assert add(world, problem, deadline=D(2026, 5, 10)).deadline == D(2026, 5, 10)


def test_a_liaison_of_another_township_may_not_add_a_measure(world, problem):
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的整改联络员"):
        add(world, problem, user=world.liaison_b)
    assert not Measure.objects.exists()


@pytest.mark.parametrize("username", ["office_b", "team_leader", "leader", "discipline"])
def test_others_may_not_add_measures(world, problem, username):
    with pytest.raises(PermissionDenied, match="无权办理其整改事项"):
        add(world, problem, user=world.users[username])


def test_a_measure_is_not_added_to_a_problem_not_fed_back(world):
    problem = approve(world, draft_problem(world, on_site(world)))
    with pytest.raises(ValidationError, match="问题当前为“组长已审定”，只有已反馈、整改中的问题才能添加整改措施"):
        add(world, problem, user=world.office)


def test_a_measure_is_not_added_to_a_rectified_problem(world, problem):
    verify(world, report(world, add(world, problem)))
    with pytest.raises(ValidationError, match="问题当前为“已整改”"):
        add(world, problem)


def test_a_measure_is_not_added_to_a_withdrawn_problem(world, problem):
    fs.problem_withdraw(user=world.office, problem=problem, reason="事实不清")
    with pytest.raises(ValidationError, match="问题已撤销"):
        add(world, problem)


def test_the_responsible_unit_lies_inside_the_inspected_unit(world, problem):
    with pytest.raises(ValidationError, match="责任单位须为青石镇党委或其下属组织"):
        add(world, problem, responsible_unit=world.district_a)


def test_a_measure_is_not_due_before_feedback(world, problem):
    with pytest.raises(ValidationError, match="完成时限不能早于反馈日期2026-05-10"):
        add(world, problem, deadline=D(2026, 5, 9))


def test_a_measure_needs_content(world, problem):
    with pytest.raises(ValidationError, match="请填写整改措施"):
        add(world, problem, content="  ")


def test_a_measure_needs_a_responsible_person(world, problem):
    with pytest.raises(ValidationError, match="请填写责任人"):
        add(world, problem, responsible_person="")


# --- measure_report ------------------------------------------------------------------------


def test_the_liaison_reports_progress_with_evidence(world, problem):
    measure = report(world, add(world, problem), progress="  已公开  ")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REPORTED
    assert measure.progress == "已公开"
    assert measure.reported_by == world.liaison
    assert measure.reported_at is not None
    assert measure.evidence.count() == 1
    assert measure.version == 2


def test_a_sent_back_measure_is_reported_again_with_the_evidence_it_has(world, problem):
    measure = verify(world, report(world, add(world, problem)), verdict=rs.Verdict.SEND_BACK, note="材料不全")
    measure = report(world, measure, files=[], progress="已补充")
    assert measure.status == MeasureStatus.REPORTED
    assert measure.evidence.count() == 1


def test_a_report_needs_at_least_one_evidence_file(world, problem):
    measure = add(world, problem)
    with pytest.raises(ValidationError, match="请上传至少一份佐证材料"):
        report(world, measure, files=[])
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_a_report_needs_progress(world, problem):
    with pytest.raises(ValidationError, match="请填写整改进展"):
        report(world, add(world, problem), progress=" ")


def test_a_reported_measure_is_not_reported_again(world, problem):
    measure = report(world, add(world, problem))
    with pytest.raises(ValidationError, match="措施当前为“待验收”，不能重复报告"):
        report(world, measure)


def test_an_accepted_measure_is_not_reported(world, problem):
    measure = verify(world, report(world, add(world, problem)))
    with pytest.raises(ValidationError, match="措施当前为“已验收”，不能重复报告"):
        report(world, measure)


def test_a_withdrawn_measure_is_not_reported(world, problem):
    measure = add(world, problem)
    rs.measure_withdraw(user=world.office, measure=measure, reason="合并措施")
    with pytest.raises(ValidationError, match="整改措施已撤销"):
        report(world, measure)


def test_a_liaison_of_another_township_may_not_report(world, problem):
    measure = add(world, problem)
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的整改联络员"):
        report(world, measure, user=world.liaison_b)


def test_a_stale_report_is_refused_and_changes_nothing(world, problem):
    measure = add(world, problem)  # version 1
    report(world, measure, expected_version=1)  # version 2: the liaison's copy
    verify(world, measure, verdict=rs.Verdict.SEND_BACK, note="材料不全")  # version 3, by the office
    with pytest.raises(ValidationError, match="该记录已被他人修改.*第2版.*第3版"):
        report(world, measure, expected_version=2, progress="覆盖")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.SENT_BACK
    assert measure.progress == "已公开"
    assert measure.version == 3
    assert measure.evidence.count() == 1


# --- measure_verify ------------------------------------------------------------------------


def test_the_office_accepts_a_reported_measure(world, problem):
    measure = verify(world, report(world, add(world, problem)), note=" 属实 ")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ACCEPTED
    assert measure.verified_by == world.office
    assert measure.verified_at is not None
    assert measure.verification_note == "属实"
    row = measure.history.first()
    assert (row.history_user, row.history_change_reason) == (world.office, "验收：已验收")


def test_the_office_accepts_a_measure_as_ongoing(world, problem):
    measure = verify(world, report(world, add(world, problem)), verdict=rs.Verdict.ONGOING)
    assert measure.status == MeasureStatus.ONGOING


def test_the_office_sends_a_measure_back_with_a_reason(world, problem):
    measure = verify(world, report(world, add(world, problem)), verdict=rs.Verdict.SEND_BACK, note="材料不全")
    assert measure.status == MeasureStatus.SENT_BACK
    assert measure.verification_note == "材料不全"


def test_a_measure_not_reported_is_not_verified(world, problem):
    with pytest.raises(ValidationError, match="措施当前为“整改中”，只有待验收的措施才能验收"):
        verify(world, add(world, problem))


def test_a_measure_is_not_verified_twice(world, problem):
    measure = verify(world, report(world, add(world, problem)))
    with pytest.raises(ValidationError, match="只有待验收的措施才能验收"):
        verify(world, measure)


def test_sending_back_needs_a_reason(world, problem):
    measure = report(world, add(world, problem))
    with pytest.raises(ValidationError, match="退回时须写明理由"):
        verify(world, measure, verdict=rs.Verdict.SEND_BACK, note="  ")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REPORTED


def test_an_unknown_verdict_is_refused(world, problem):
    with pytest.raises(ValidationError, match="请选择验收结论"):
        verify(world, report(world, add(world, problem)), verdict="maybe")


@pytest.mark.parametrize("username", ["liaison", "office_b", "team_leader"])
def test_only_the_office_over_the_unit_verifies(world, problem, username):
    measure = report(world, add(world, problem))
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的巡察办工作人员"):
        verify(world, measure, user=world.users[username])


def test_a_withdrawn_measure_is_not_verified(world, problem):
    measure = report(world, add(world, problem))
    rs.measure_withdraw(user=world.office, measure=measure, reason="合并措施")
    with pytest.raises(ValidationError, match="整改措施已撤销"):
        verify(world, measure)


def test_a_stale_verification_is_refused_and_changes_nothing(world, problem):
    measure = add(world, problem)
    report(world, measure)  # version 2
    with pytest.raises(ValidationError, match="已被他人修改.*第1版.*第2版"):
        verify(world, measure, expected_version=1)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REPORTED
    assert measure.verified_by is None
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.FED_BACK


def test_a_current_version_is_verified(world, problem):
    measure = report(world, add(world, problem))
    assert verify(world, measure, expected_version=2).status == MeasureStatus.ACCEPTED


# --- measure_withdraw ----------------------------------------------------------------------


def test_the_office_withdraws_a_measure_with_a_reason(world, problem):
    measure = rs.measure_withdraw(user=world.office, measure=add(world, problem), reason="合并措施")
    measure.refresh_from_db()
    assert measure.is_withdrawn
    assert measure.withdrawn_by == world.office
    assert measure.withdrawn_reason == "合并措施"


@pytest.mark.parametrize("username", ["liaison", "office_b"])
def test_only_the_office_withdraws_a_measure(world, problem, username):
    with pytest.raises(PermissionDenied, match="巡察办工作人员"):
        rs.measure_withdraw(user=world.users[username], measure=add(world, problem), reason="合并措施")


def test_a_measure_withdrawal_needs_a_reason(world, problem):
    with pytest.raises(ValidationError, match="请填写撤销原因"):
        rs.measure_withdraw(user=world.office, measure=add(world, problem), reason="")


def test_a_measure_is_not_withdrawn_twice(world, problem):
    measure = add(world, problem)
    rs.measure_withdraw(user=world.office, measure=measure, reason="合并措施")
    with pytest.raises(ValidationError, match="已.*撤销"):
        rs.measure_withdraw(user=world.office, measure=measure, reason="合并措施")
