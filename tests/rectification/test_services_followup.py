"""Handover items (handover_item_create, handover_item_close), rules established (rule_record),
supervision actions (supervision_record) and evaluations (evaluation_record)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns import services as cs
from rectification import services as rs
from rectification.models import (
    EvaluationGrade,
    HandoverItem,
    HandoverStatus,
    RuleKind,
    SupervisionKind,
)
from tests.world import D, create_inspection, fed_back, on_site
from xuncha.records import record_withdraw

pytestmark = pytest.mark.django_db


def left(world, organization=None):
    return cs.inspection_leave(user=world.team_leader, inspection=on_site(world, organization), on=D(2026, 4, 10))


def withdrawn_fed_back(world):
    inspection = fed_back(world, problems=0)
    return cs.inspection_withdraw(user=world.office, inspection=inspection, reason="机构改革")


# --- handover_item_create ------------------------------------------------------------------


def hand_over(world, inspection, user=None, on=D(2026, 3, 20), deadline=None):
    return rs.handover_item_create(
        user=user or world.team_leader,
        inspection=inspection,
        title="群众反映道路损毁",
        department="区交通局",
        handed_over_on=on,
        deadline=deadline,
    )


def test_the_team_leader_hands_an_item_over(world):
    item = hand_over(world, on_site(world), deadline=D(2026, 4, 20))
    assert item.status == HandoverStatus.OPEN
    assert item.number == 1
    assert item.deadline == D(2026, 4, 20)
    assert item.history.get().history_user == world.team_leader


def test_handover_items_are_numbered_per_inspection(world):
    first, second = on_site(world), on_site(world, world.village_b)
    assert [hand_over(world, first).number, hand_over(world, first).number] == [1, 2]
    assert hand_over(world, second).number == 1


def test_the_office_may_hand_an_item_over_after_feedback(world):
    item = hand_over(world, fed_back(world, problems=0), user=world.office, on=D(2026, 5, 20))
    assert item.pk


def test_a_member_may_not_hand_an_item_over(world):
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        hand_over(world, on_site(world), user=world.team_member)
    assert not HandoverItem.objects.exists()


def test_office_b_may_not_hand_over_an_item_of_district_a(world):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        hand_over(world, on_site(world), user=world.office_b)


def test_nothing_is_handed_over_before_entering(world):
    with pytest.raises(ValidationError, match="转交日期不能早于进驻日期"):
        hand_over(world, create_inspection(world))


def test_nothing_is_handed_over_before_the_day_of_entry(world):
    with pytest.raises(ValidationError, match="转交日期不能早于进驻日期"):
        hand_over(world, on_site(world), on=D(2026, 3, 9))


def test_a_handover_is_not_due_before_it_is_handed_over(world):
    with pytest.raises(ValidationError, match="办理时限不能早于转交日期"):
        hand_over(world, on_site(world), on=D(2026, 3, 20), deadline=D(2026, 3, 19))


def test_nothing_is_handed_over_for_a_withdrawn_inspection(world):
    inspection = on_site(world)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="机构改革")
    with pytest.raises(ValidationError, match="巡察已撤销"):
        hand_over(world, inspection)


# --- handover_item_close -------------------------------------------------------------------


def close(world, item, user=None, on=D(2026, 4, 15), result="已修复"):
    return rs.handover_item_close(user=user or world.office, item=item, closed_on=on, result=result)


def test_the_office_closes_a_handover_item_with_a_result(world):
    item = close(world, hand_over(world, on_site(world)), result="  已修复 ")
    item.refresh_from_db()
    assert item.status == HandoverStatus.CLOSED
    assert item.closed_on == D(2026, 4, 15)
    assert item.result == "已修复"
    row = item.history.first()
    assert (row.history_user, row.history_change_reason) == (world.office, "办结")


def test_a_handover_item_may_be_closed_the_day_it_was_handed_over(world):
    assert close(world, hand_over(world, on_site(world)), on=D(2026, 3, 20)).status == HandoverStatus.CLOSED


def test_a_handover_item_is_not_closed_before_it_was_handed_over(world):
    item = hand_over(world, on_site(world))
    with pytest.raises(ValidationError, match="办结日期不能早于转交日期2026-03-20"):
        close(world, item, on=D(2026, 3, 19))
    item.refresh_from_db()
    assert item.status == HandoverStatus.OPEN


def test_a_handover_item_is_not_closed_twice(world):
    item = close(world, hand_over(world, on_site(world)))
    with pytest.raises(ValidationError, match="该事项已于2026-04-15办结"):
        close(world, item, on=D(2026, 4, 16))


def test_closing_a_handover_item_needs_a_result(world):
    with pytest.raises(ValidationError, match="请填写办理结果"):
        close(world, hand_over(world, on_site(world)), result=" ")


def test_a_withdrawn_handover_item_is_not_closed(world):
    item = hand_over(world, on_site(world))
    record_withdraw(record=item, user=world.office, reason="重复转交")
    with pytest.raises(ValidationError, match="转交办事项已撤销"):
        close(world, item)


@pytest.mark.parametrize("username", ["office_b", "team_leader"])
def test_only_the_office_over_the_unit_closes_a_handover_item(world, username):
    item = hand_over(world, on_site(world))
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的巡察办工作人员"):
        close(world, item, user=world.users[username])


# --- rule_record ---------------------------------------------------------------------------


def rule(world, inspection, user=None, **kw):
    return rs.rule_record(
        user=user or world.liaison,
        inspection=inspection,
        title=kw.pop("title", "村务公开制度"),
        kind=kw.pop("kind", RuleKind.NEW),
        adopted_on=kw.pop("adopted_on", D(2026, 6, 1)),
        **kw,
    )


def test_the_liaison_records_a_rule_against_a_problem(world):
    inspection = fed_back(world, problems=1)
    problem = inspection.problems.get()
    recorded = rule(world, inspection, problem=problem, title="  村务公开制度 ")
    assert recorded.problem == problem
    assert recorded.title == "村务公开制度"
    assert recorded.history.get().history_user == world.liaison


def test_a_rule_may_be_recorded_after_the_inspection_closed(world):
    inspection = rs.inspection_close(user=world.office, inspection=fed_back(world, problems=0))
    assert rule(world, inspection, user=world.office, kind=RuleKind.REVISED).kind == RuleKind.REVISED


def test_no_rule_is_recorded_before_feedback(world):
    with pytest.raises(ValidationError, match="巡察反馈后才能登记整改中建立健全的制度"):
        rule(world, left(world), user=world.office)


def test_a_rule_refers_to_a_problem_of_the_same_inspection(world):
    elsewhere = fed_back(world, world.community, problems=1).problems.get()
    inspection = fed_back(world, problems=0)
    with pytest.raises(ValidationError, match="该问题不属于本次巡察"):
        rule(world, inspection, problem=elsewhere)


def test_a_rule_needs_a_title(world):
    with pytest.raises(ValidationError, match="请填写制度名称"):
        rule(world, fed_back(world, problems=0), title="")


@pytest.mark.parametrize("username", ["liaison_b", "office_b", "team_leader"])
def test_a_rule_is_recorded_only_by_the_unit_or_its_office(world, username):
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的整改联络员"):
        rule(world, fed_back(world, problems=0), user=world.users[username])


def test_no_rule_is_recorded_for_a_withdrawn_inspection(world):
    with pytest.raises(ValidationError, match="巡察已撤销"):
        rule(world, withdrawn_fed_back(world))


# --- supervision_record --------------------------------------------------------------------


def supervise(world, inspection, user=None, **kw):
    return rs.supervision_record(
        user=user or world.office,
        inspection=inspection,
        kind=kw.pop("kind", SupervisionKind.REMINDER),
        acted_on=kw.pop("acted_on", D(2026, 6, 1)),
        content=kw.pop("content", "请加快整改进度"),
        **kw,
    )


def test_the_office_records_an_interview_about_a_measure(world):
    inspection = fed_back(world, problems=1)
    measure = rs.measure_add(
        user=world.liaison,
        problem=inspection.problems.get(),
        content="整改",
        responsible_unit=world.township,
        responsible_person="王",
        deadline=D(2026, 6, 30),
    )
    action = supervise(world, inspection, kind=SupervisionKind.INTERVIEW, measure=measure, target_person="镇党委书记")
    assert action.acted_by == world.office
    assert action.measure == measure
    assert action.history.get().history_user == world.office


def test_supervision_may_happen_on_the_feedback_day(world):
    assert supervise(world, fed_back(world, problems=0), acted_on=D(2026, 5, 10)).pk


def test_no_supervision_before_feedback(world):
    with pytest.raises(ValidationError, match="巡察反馈后才能对整改进行督办"):
        supervise(world, left(world))


def test_supervision_names_a_measure_of_the_same_inspection(world):
    other = fed_back(world, world.community, problems=1)
    measure = rs.measure_add(
        user=world.office,
        problem=other.problems.get(),
        content="整改",
        responsible_unit=world.community,
        responsible_person="王",
        deadline=D(2026, 6, 30),
    )
    with pytest.raises(ValidationError, match="该整改措施不属于本次巡察"):
        supervise(world, fed_back(world, problems=0), measure=measure)


def test_supervision_is_not_dated_before_feedback(world):
    with pytest.raises(ValidationError, match="督办日期不能早于反馈日期2026-05-10"):
        supervise(world, fed_back(world, problems=0), acted_on=D(2026, 5, 9))


def test_supervision_needs_content(world):
    with pytest.raises(ValidationError, match="请填写督办内容"):
        supervise(world, fed_back(world, problems=0), content=" ")


@pytest.mark.parametrize("username", ["office_b", "liaison", "leader"])
def test_only_the_office_over_the_unit_supervises(world, username):
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的巡察办工作人员"):
        supervise(world, fed_back(world, problems=0), user=world.users[username])


def test_a_withdrawn_inspection_is_not_supervised(world):
    with pytest.raises(ValidationError, match="巡察已撤销"):
        supervise(world, withdrawn_fed_back(world))


# --- evaluation_record ---------------------------------------------------------------------


def evaluate(world, inspection, user=None, score=92, on=D(2026, 7, 15)):
    return rs.evaluation_record(
        user=user or world.office,
        inspection=inspection,
        score=score,
        grade=EvaluationGrade.EXCELLENT,
        evaluated_on=on,
        note="整改扎实",
    )


def test_the_office_scores_a_units_rectification(world):
    evaluation = evaluate(world, fed_back(world, problems=0))
    assert (evaluation.score, evaluation.grade) == (92, EvaluationGrade.EXCELLENT)
    assert evaluation.evaluated_by == world.office
    assert evaluation.history.get().history_user == world.office


@pytest.mark.parametrize("score", [0, 100])
def test_the_score_bounds_are_accepted(world, score):
    assert evaluate(world, fed_back(world, problems=0), score=score).score == score


@pytest.mark.parametrize("score", [-1, 101])
def test_a_score_outside_0_to_100_is_refused(world, score):
    with pytest.raises(ValidationError, match="得分须在0到100之间"):
        evaluate(world, fed_back(world, problems=0), score=score)


def test_no_evaluation_before_feedback(world):
    with pytest.raises(ValidationError, match="巡察反馈后才能评估整改"):
        evaluate(world, left(world))


def test_an_evaluation_is_not_dated_before_feedback(world):
    with pytest.raises(ValidationError, match="评估日期不能早于反馈日期"):
        evaluate(world, fed_back(world, problems=0), on=D(2026, 5, 9))


@pytest.mark.parametrize("username", ["office_b", "liaison", "team_leader"])
def test_only_the_office_over_the_unit_evaluates(world, username):
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的巡察办工作人员"):
        evaluate(world, fed_back(world, problems=0), user=world.users[username])


def test_a_withdrawn_inspection_is_not_evaluated(world):
    with pytest.raises(ValidationError, match="巡察已撤销"):
        evaluate(world, withdrawn_fed_back(world))
