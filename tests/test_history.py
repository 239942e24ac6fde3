"""Every service write leaves a history row naming the acting user (DESIGN.md §5), the bulk
feedback path included, and a withdrawal keeps its reason."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from campaigns import services as cs
from campaigns.models import (
    CadreSource,
    Inspection,
    Organization,
    OrgLevel,
    PartyOrgType,
    Person,
    Round,
    TeamMember,
    TeamRole,
)
from findings import services as fs
from findings.models import (
    Clue,
    ClueDestination,
    CommonProblem,
    Disposition,
    ImmediateNotice,
    Petition,
    PetitionChannel,
    Problem,
    Sanction,
    SanctionKind,
    SanctionSource,
)
from rectification import services as rs
from rectification.models import (
    Evaluation,
    EvaluationGrade,
    Evidence,
    HandoverItem,
    Measure,
    RuleEstablished,
    RuleKind,
    SupervisionAction,
    SupervisionKind,
)
from tests.world import D, approve, category, create_inspection, draft_problem, fed_back, on_site
from xuncha.records import record_withdraw

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture(autouse=True)
def nothing_unattributed(world):
    """After each test: no history row written by a service lacks its user. The world itself is
    built with the ORM, so only rows written after it count."""
    start = timezone.now()
    yield
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    anonymous = {
        m.__name__: n
        for m in historical
        if (n := m.objects.filter(history_date__gte=start, history_user__isnull=True).count())
    }
    assert anonymous == {}


@contextmanager
def written(model, user: User, reason: str | None = None, rows: int = 1) -> Iterator[list]:
    """The block writes exactly `rows` history rows of `model`, each by `user` (with `reason`)."""
    before = model.history.aggregate(m=Max("history_id"))["m"] or 0
    new: list = []
    yield new
    new += list(model.history.filter(history_id__gt=before).order_by("history_id"))
    assert len(new) == rows, f"{model.__name__}: {len(new)} history rows, expected {rows}"
    assert {row.history_user for row in new} == {user}
    if reason is not None:
        assert {row.history_change_reason for row in new} == {reason}


def pdf():
    return SimpleUploadedFile("证明.pdf", PDF)


# --- campaigns ------------------------------------------------------------------------------


def test_organization_writes_name_the_office(world):
    with written(Organization, world.office):
        org = cs.organization_create(
            user=world.office,
            parent=world.township,
            name="新村",
            code="QH-NEW",
            level=OrgLevel.VILLAGE,
            party_org_type=PartyOrgType.BRANCH,
        )
    with written(Organization, world.office_a, reason="撤销党组织"):
        cs.organization_dissolve(user=world.office_a, organization=org, dissolved_on=D(2026, 1, 1))


def test_team_member_add_names_the_office(world):
    person = Person(name="新干部", employer=world.bureau, source=CadreSource.SECONDED)
    person._history_user = world.office  # the cadre pool has no service yet
    person.save()
    with written(TeamMember, world.office):
        cs.team_member_add(user=world.office, team=world.team, person=person, role=TeamRole.MEMBER)


def test_inspection_life_writes_name_who_acted(world):
    with written(Inspection, world.office):
        inspection = create_inspection(world)
    with written(Inspection, world.team_leader, reason="进驻"), written(Round, world.team_leader, "首个巡察组进驻"):
        cs.inspection_enter(user=world.team_leader, inspection=inspection, on=D(2026, 3, 10))
    with written(Inspection, world.office_a, reason="撤离"):
        cs.inspection_leave(user=world.office_a, inspection=inspection, on=D(2026, 4, 10))
    with written(Round, world.office, reason="本轮巡察结束"):
        cs.round_close(user=world.office, round=world.round, on=D(2026, 4, 30))


def test_inspection_withdraw_names_the_office_and_the_reason(world):
    inspection = create_inspection(world)
    with written(Inspection, world.office, reason="撤销：机构改革"):
        cs.inspection_withdraw(user=world.office, inspection=inspection, reason="机构改革")


# --- findings -------------------------------------------------------------------------------


def test_petition_writes_name_who_acted(world):
    inspection = on_site(world)
    with written(Petition, world.team_member):
        petition = fs.petition_register(
            user=world.team_member,
            inspection=inspection,
            channel=PetitionChannel.ONLINE,
            received_on=D(2026, 3, 11),
            subject="某",
            content="某事",
            is_anonymous=True,
        )
    with written(Petition, world.team_leader, reason="撤销：重复登记"):
        fs.petition_withdraw(user=world.team_leader, petition=petition, reason="重复登记")


def test_working_paper_writes_name_each_signer(world):
    inspection = on_site(world)
    with written(Problem, world.team_member):
        problem = draft_problem(world, inspection)
    with written(Problem, world.team_member, reason="修改底稿"):
        fs.problem_update(user=world.team_member, problem=problem, expected_version=1, title="改")
    with written(Problem, world.team_member, reason="承办人签字"):
        fs.problem_sign_handler(user=world.team_member, problem=problem)
    with written(Problem, world.team_deputy, reason="退回底稿：证据不足"):
        fs.problem_return(user=world.team_deputy, problem=problem, reason="证据不足")
    fs.problem_sign_handler(user=world.team_member, problem=problem)
    with written(Problem, world.team_deputy, reason="副组长审核"):
        fs.problem_sign_deputy(user=world.team_deputy, problem=problem)
    with written(Problem, world.team_leader, reason="组长审定"):
        fs.problem_approve(user=world.team_leader, problem=problem)
    with written(CommonProblem, world.office):
        common = fs.common_problem_create(user=world.office, title="饮水安全", category=category("A04"))
    with written(Problem, world.office, reason="归入共性问题：饮水安全"):
        fs.problems_link_common(user=world.office, problems=[problem], common=common)
    with written(Problem, world.team_leader, reason="撤销：事实不清"):
        fs.problem_withdraw(user=world.team_leader, problem=problem, reason="事实不清")


def test_bulk_reclassification_leaves_one_row_per_changed_problem(world):
    inspection = on_site(world)
    problems = [draft_problem(world, inspection, title=f"问题{i}", code="A01") for i in range(3)]
    target = category("B02")
    with written(Problem, world.office, reason=f"批量调整类别：{target.name}", rows=3) as rows:
        fs.problems_set_category(user=world.office, problems=problems, category=target)
    assert sorted(row.id for row in rows) == sorted(p.pk for p in problems)


def test_notice_writes_name_who_acted(world):
    problem = draft_problem(world, on_site(world))
    with written(ImmediateNotice, world.team_leader):
        notice = fs.immediate_notice_issue(
            user=world.team_leader, problem=problem, issued_on=D(2026, 3, 15), deadline=D(2026, 3, 31), requirement="改"
        )
    with written(ImmediateNotice, world.team_member, reason="立行立改完成"):
        fs.immediate_notice_complete(user=world.team_member, notice=notice, completed_on=D(2026, 3, 20), result="已改")


def test_clue_and_sanction_writes_name_who_acted(world):
    inspection = on_site(world)
    with written(Clue, world.team_member):
        clue = fs.clue_register(
            user=world.team_member,
            inspection=inspection,
            subject_name="李某",
            summary="虚报",
            destination=ClueDestination.DISCIPLINE,
        )
    with written(Clue, world.team_leader, reason="移交纪委监委"):
        clue = fs.clue_transfer(user=world.team_leader, clue=clue, transferred_on=D(2026, 4, 1))
    with written(Clue, world.discipline, reason="登记处置情况"):
        clue = fs.clue_dispose(
            user=world.discipline, clue=clue, disposition=Disposition.CASE_OPENED, disposed_on=D(2026, 6, 1)
        )
    with written(Sanction, world.discipline):
        fs.sanction_record(
            user=world.discipline,
            inspection=inspection,
            source=SanctionSource.CLUE,
            clue=clue,
            kind=SanctionKind.PARTY_DISCIPLINE,
            person_name="李某",
            decided_on=D(2026, 7, 1),
        )
    draft_clue = fs.clue_register(
        user=world.team_member, inspection=inspection, subject_name="赵某", summary="某", destination="org_dept"
    )
    with written(Clue, world.office, reason="撤销：查无实据"):
        fs.clue_withdraw(user=world.office, clue=draft_clue, reason="查无实据")


# --- rectification: the bulk feedback path ----------------------------------------------------


def test_feedback_leaves_one_row_per_problem_naming_the_user_and_reason(world):
    inspection = on_site(world)
    problems = [approve(world, draft_problem(world, inspection, title=f"问题{i}")) for i in range(3)]
    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    with written(Problem, world.team_leader, reason="反馈", rows=3) as rows:
        with written(Inspection, world.team_leader, reason="反馈3个问题"):
            rs.inspection_feed_back(user=world.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    assert sorted(row.id for row in rows) == sorted(p.pk for p in problems)
    for row in rows:
        assert row.history_type == "~"
        assert row.status == "fed_back"
        assert row.fed_back_on == D(2026, 5, 10)
        assert row.version == 5
    for problem in problems:
        assert problem.history.filter(history_change_reason="反馈").count() == 1


def test_feedback_writes_no_problem_row_for_a_withdrawn_problem(world):
    inspection = on_site(world)
    kept = approve(world, draft_problem(world, inspection, title="保留"))
    dropped = approve(world, draft_problem(world, inspection, title="撤销"))
    fs.problem_withdraw(user=world.team_leader, problem=dropped, reason="事实不清")
    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    with written(Problem, world.office, reason="反馈") as rows:
        rs.inspection_feed_back(user=world.office, inspection=inspection, feedback_date=D(2026, 5, 10))
    assert [row.id for row in rows] == [kept.pk]


# --- rectification: measures and the rest -------------------------------------------------------


def test_measure_writes_and_evidence_name_who_acted(world):
    inspection = fed_back(world, problems=1)
    problem = inspection.problems.get()
    with written(Measure, world.liaison):
        measure = rs.measure_add(
            user=world.liaison,
            problem=problem,
            content="整改",
            responsible_unit=world.township,
            responsible_person="王",
            deadline=D(2026, 6, 30),
        )
    with written(Measure, world.liaison, reason="报告整改进展"), written(Evidence, world.liaison):
        rs.measure_report(user=world.liaison, measure=measure, progress="已完成", files=[pdf()])
    with written(Measure, world.office, reason="验收：已验收"), written(Problem, world.office, "整改状态：已整改"):
        rs.measure_verify(user=world.office, measure=measure, verdict=rs.Verdict.ACCEPT)
    with written(Inspection, world.office_a, reason="整改结束"):
        rs.inspection_close(user=world.office_a, inspection=inspection)


def test_measure_withdraw_names_the_office_and_resettles_the_problem(world):
    problem = fed_back(world, problems=1).problems.get()
    measure = rs.measure_add(
        user=world.office,
        problem=problem,
        content="整改",
        responsible_unit=world.township,
        responsible_person="王",
        deadline=D(2026, 6, 30),
    )
    measure = rs.measure_report(user=world.office, measure=measure, progress="已完成", files=[pdf()])
    rs.measure_verify(user=world.office, measure=measure, verdict=rs.Verdict.ONGOING)
    with (
        written(Measure, world.office_a, reason="撤销：措施不实"),
        written(Problem, world.office_a, "整改状态：已反馈·整改中"),
    ):
        rs.measure_withdraw(user=world.office_a, measure=measure, reason="措施不实")


def test_bulk_reassignment_leaves_one_row_per_changed_measure(world):
    problem = fed_back(world, problems=1).problems.get()
    measures = [
        rs.measure_add(
            user=world.liaison,
            problem=problem,
            content=f"措施{i}",
            responsible_unit=world.township,
            responsible_person="王",
            deadline=D(2026, 6, 30),
        )
        for i in range(2)
    ]
    with written(Measure, world.office, reason="批量调整责任单位：柳岸社区党总支", rows=2) as rows:
        rs.measures_assign_unit(user=world.office, measures=measures, unit=world.community)
    assert sorted(row.id for row in rows) == sorted(m.pk for m in measures)


def test_handover_writes_name_who_acted(world):
    inspection = on_site(world)
    with written(HandoverItem, world.team_leader):
        item = rs.handover_item_create(
            user=world.team_leader,
            inspection=inspection,
            title="道路",
            department="交通局",
            handed_over_on=D(2026, 3, 20),
        )
    with written(HandoverItem, world.office, reason="办结"):
        rs.handover_item_close(user=world.office, item=item, closed_on=D(2026, 4, 1), result="已修")


def test_rule_supervision_and_evaluation_writes_name_who_acted(world):
    inspection = fed_back(world, problems=0)
    with written(RuleEstablished, world.liaison):
        rs.rule_record(
            user=world.liaison, inspection=inspection, title="制度", kind=RuleKind.NEW, adopted_on=D(2026, 6, 1)
        )
    with written(SupervisionAction, world.office):
        rs.supervision_record(
            user=world.office,
            inspection=inspection,
            kind=SupervisionKind.NOTICE,
            acted_on=D(2026, 6, 1),
            content="督办",
        )
    with written(Evaluation, world.office):
        rs.evaluation_record(
            user=world.office, inspection=inspection, score=80, grade=EvaluationGrade.GOOD, evaluated_on=D(2026, 7, 1)
        )


# --- record_withdraw ----------------------------------------------------------------------------


def test_record_withdraw_leaves_a_row_with_the_reason(world):
    item = rs.handover_item_create(
        user=world.team_leader,
        inspection=on_site(world),
        title="道路",
        department="交通局",
        handed_over_on=D(2026, 3, 20),
    )
    with written(HandoverItem, world.office, reason="撤销：重复转交") as rows:
        record_withdraw(record=item, user=world.office, reason="  重复转交  ")
    row = rows[0]
    assert row.history_type == "~"
    assert row.withdrawn_reason == "重复转交"
    assert row.withdrawn_by_id == world.office.pk
    assert row.withdrawn_at is not None
    assert row.version == 2


def test_a_long_withdrawal_reason_is_kept_whole_on_the_record(world):
    problem = draft_problem(world, on_site(world))
    reason = "经核实，" + "该问题与第三号问题属同一事项，" * 20
    fs.problem_withdraw(user=world.team_leader, problem=problem, reason=reason)
    problem.refresh_from_db()
    assert problem.withdrawn_reason == reason.strip()
    row = problem.history.first()
    assert row.history_user == world.team_leader
    assert row.history_change_reason.startswith("撤销：经核实，该问题与第三号问题属同一事项")


def test_a_long_return_reason_is_recorded(world):
    problem = fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, on_site(world)))
    reason = "请补充" + "谈话笔录、会议记录、财务凭证，" * 10
    fs.problem_return(user=world.team_deputy, problem=problem, reason=reason)
    row = problem.history.first()
    assert row.history_user == world.team_deputy
    assert row.history_change_reason.startswith("退回底稿：请补充")
