"""Importing a team's spreadsheet of problems into one inspection: drafts through the service,
drafted by the importer, idempotent on 问题概述 + 具体表现, every bad cell reported, nothing
saved unless everything is valid; and what the problems ledger exports is what was imported."""

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from findings.models import DiscoveryMethod, Problem, ProblemStatus
from reports import exports
from reports.imports.engine import CREATE, UNCHANGED, UPDATE, run_import
from reports.imports.kinds import KINDS
from reports.imports.template import write_template
from reports.ledgers import LEDGERS
from tests.world import D, create_inspection, draft_problem, on_site

pytestmark = pytest.mark.django_db

KIND = KINDS["problems"]


def book(rows) -> BytesIO:
    buf = BytesIO()
    write_template(KIND, buf, rows)
    buf.seek(0)
    return buf


def row(
    title="村务公开不及时", description=None, category="A01", method="个别谈话", involved=None, found=None, ref=None
):
    return [ref, title, description or f"{title}的具体表现", category, method, involved, found]


def run(world, inspection, rows, user=None, commit=True):
    return run_import(KIND, book(rows), user=user or world.team_member, inspection=inspection, commit=commit)


def where(outcome) -> list[tuple]:
    return [(e.row, e.column) for e in outcome.errors]


@pytest.fixture
def inspection(world):
    return on_site(world)  # 青石镇, entered on 2026-03-10


def test_each_row_becomes_a_draft_drafted_by_the_importer(world, inspection):
    rows = [
        row("村务公开不及时", category="A01", found=D(2026, 3, 12), ref="东-1"),
        row(
            "“三会一课”不规范", category="“三会一课”等组织生活制度落实不严格", method="查阅资料", involved="QH-A-T1-V1"
        ),
    ]
    outcome = run(world, inspection, rows)
    assert outcome.saved and outcome.counts == {CREATE: 2, UPDATE: 0, UNCHANGED: 0}
    first, second = Problem.objects.filter(inspection=inspection).order_by("number")
    assert (first.number, first.title, first.category.code, first.method) == (1, "村务公开不及时", "A01", "interview")
    assert first.status == ProblemStatus.DRAFT and first.drafted_by == world.team_member
    assert (second.category.code, second.method, second.involved_organization) == ("B05", "documents", world.village)


def test_every_imported_problem_has_history_with_the_importer_and_what_the_model_cannot_hold(world, inspection):
    run(world, inspection, [row(found="2026-03-12", ref="东-1"), row("第二个问题")])
    first, second = Problem.objects.filter(inspection=inspection).order_by("number")
    (entry,) = first.history.all()
    assert entry.history_user == world.team_member
    assert entry.history_change_reason == "Excel 导入·本组编号 东-1·发现日期 2026-03-12"
    assert second.history.get().history_change_reason == "Excel 导入"


def test_importing_the_same_file_twice_adds_nothing(world, inspection):
    rows = [row(f"问题{i}") for i in range(5)]
    run(world, inspection, rows)
    history = Problem.history.count()
    again = run(world, inspection, rows)
    assert again.saved and again.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 5}
    assert Problem.objects.filter(inspection=inspection).count() == 5
    assert Problem.history.count() == history
    assert again.planned[0].note == "系统中已有相同问题（第 1 号），跳过"


def test_a_problem_already_written_in_the_system_is_not_imported_again(world, inspection):
    draft_problem(world, inspection, title="村务公开不及时")  # description "…的具体表现"
    outcome = run(world, inspection, [row(" 村务公开不及时 ", description="村务公开不及时的具体表现\n"), row("新问题")])
    assert outcome.counts == {CREATE: 1, UPDATE: 0, UNCHANGED: 1}


def test_a_category_is_a_sub_category_by_code_or_name(world, inspection):
    rows = [
        row("甲", category="a02"),
        row("乙", category="C03 群众身边腐败和作风问题"),
        row("丙", category="A"),
        row("丁", category="党的领导弱化"),
        row("戊", category="不存在的类别"),
    ]
    outcome = run(world, inspection, rows)
    assert where(outcome) == [(4, "问题类别"), (5, "问题类别"), (6, "问题类别")]
    assert outcome.errors[0].message == "“党的领导弱化”是大类，请填写其下的具体类别（如 A01）。"
    assert "不是问题类别" in outcome.errors[2].message
    assert not Problem.objects.exists()


def test_a_discovery_method_must_be_one_of_the_labels(world, inspection):
    outcome = run(world, inspection, [row(method="偶然听说")])
    assert where(outcome) == [(2, "发现方式")]
    assert "个别谈话、受理信访、查阅资料" in outcome.errors[0].message


def test_an_involved_organization_must_be_inside_the_inspected_one(world, inspection):
    outcome = run(
        world, inspection, [row("甲", involved="QH-A-T1"), row("乙", involved="QH-B-T1"), row("丙", involved="NOPE")]
    )
    assert where(outcome) == [(3, "涉及下属组织代码"), (4, "涉及下属组织代码")]
    assert "不是被巡察单位青石镇党委及其下属组织" in outcome.errors[0].message


def test_dates_must_be_dates_on_or_after_entering_and_not_in_the_future(world, inspection):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        row("甲", found="2026-03-10"),
        row("乙", found=datetime.datetime(2026, 3, 11)),
        row("丙", found="2026年3月12日"),
        row("丁", found="2026-13-01"),
        row("戊", found="下周"),
        row("己", found=D(2026, 3, 9)),
        row("庚", found=tomorrow),
    ]
    outcome = run(world, inspection, rows)
    assert where(outcome) == [(5, "发现日期"), (6, "发现日期"), (7, "发现日期"), (8, "发现日期")]
    messages = [e.message for e in outcome.errors]
    assert messages[0] == "“2026-13-01”不是有效的日期，请填写如 2026-03-15 的日期。"
    assert messages[2] == "发现日期 2026-03-09 早于进驻日期 2026-03-10。"
    assert messages[3] == f"发现日期 {tomorrow} 晚于今天。"


def test_duplicates_inside_the_file_are_errors(world, inspection):
    rows = [row("甲", ref="1"), row("乙", ref="2"), row("甲", ref="3"), row("丙", ref="2")]
    outcome = run(world, inspection, rows)
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (4, "问题概述", "与第 2 行的问题概述和具体表现相同，是重复的问题。"),
        (5, "编号", "编号“2”与第 3 行重复。"),
    ]


def test_missing_required_cells_are_errors(world, inspection):
    outcome = run(world, inspection, [[None, "只有概述", None, None, None, None, None]])
    assert where(outcome) == [(2, "具体表现"), (2, "问题类别"), (2, "发现方式")]


def test_one_bad_row_among_twenty_saves_nothing(world, inspection):
    rows = [row(f"问题{i}") for i in range(20)]
    rows[7][3] = "Z99"
    history = Problem.history.count()
    outcome = run(world, inspection, rows)
    assert not outcome.saved and where(outcome) == [(9, "问题类别")]
    assert not Problem.objects.exists() and Problem.history.count() == history


def test_only_someone_who_may_draft_in_the_inspection_imports_into_it(world, inspection):
    refused = run(world, inspection, [row()], user=world.other_inspector)
    assert [(e.row, e.column) for e in refused.errors] == [(None, "巡察")]
    assert "不是本巡察组成员" in refused.errors[0].message
    assert run(world, inspection, [row()], user=world.office).saved  # office staff over the unit


def test_an_inspection_not_on_site_takes_no_drafts(world):
    planned = create_inspection(world)
    outcome = run(world, planned, [row()])
    assert [(e.row, e.column) for e in outcome.errors] == [(None, "巡察")]
    assert "待进驻" in outcome.errors[0].message


def test_what_is_imported_is_what_the_problems_ledger_exports(world, inspection):
    rows = [
        row("村务公开不及时", description="2025 年第三季度起\n未按月公开财务收支", category="A04"),
        row("=SUM(1,2) 不是公式", description="+开头的内容按文字保存", category="C05", method="暗访"),
        row("选人用人不规范", category="选人用人和干部队伍建设问题", method="受理信访"),
    ]
    assert run(world, inspection, rows).saved
    ledger = LEDGERS["problems"]
    buf = BytesIO()
    exports.write(
        ledger, ledger.queryset(world.team_member, inspection=inspection), buf, user=world.team_member, params={}
    )
    buf.seek(0)
    sheet = load_workbook(buf, read_only=True).worksheets[0]
    table = list(sheet.iter_rows(min_row=4, values_only=True))
    header, body = table[0], table[1:]
    exported = [dict(zip(header, values, strict=True)) for values in body]
    assert [(p["问题概述"], p["具体表现"], p["问题类别"], p["发现方式"]) for p in exported] == [
        ("村务公开不及时", "2025 年第三季度起\n未按月公开财务收支", "服务群众、推进乡村振兴不到位", "个别谈话"),
        ("=SUM(1,2) 不是公式", "+开头的内容按文字保存", "集体“三资”管理不规范", "暗访"),
        ("选人用人不规范", "选人用人不规范的具体表现", "选人用人和干部队伍建设问题", "受理信访"),
    ]
    assert DiscoveryMethod.UNANNOUNCED.label == "暗访"
