"""Importing the organizations roster: new organizations numbered into the tree in any row
order, known ones left alone or updated with history, and every kind of bad row reported
with its row and column while nothing is saved."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from campaigns.models import Organization, OrgLevel, PartyOrgType, path_segment
from campaigns.services import organization_create
from reports.imports.engine import CREATE, UNCHANGED, UPDATE, run_import
from reports.imports.kinds import KINDS
from reports.imports.template import write_template
from tests.world import make_user

pytestmark = pytest.mark.django_db

KIND = KINDS["organizations"]
VILLAGE, TOWNSHIP = "村/社区", "乡镇/街道"


def book(rows) -> BytesIO:
    buf = BytesIO()
    write_template(KIND, buf, rows)
    buf.seek(0)
    return buf


def run(user, rows, commit=True):
    return run_import(KIND, book(rows), user=user, commit=commit)


def errors_of(outcome) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in outcome.errors]


def roster_rows(queryset) -> list[list]:
    """The roster as it stands, in the template's columns."""
    with translation.override("zh-hans"):
        return [
            [
                o.code,
                o.name,
                o.parent.code if o.parent_id else None,
                str(OrgLevel(o.level).label),
                str(PartyOrgType(o.party_org_type).label),
                "是" if o.is_committee else "否",
            ]
            for o in queryset.select_related("parent").order_by("path")
        ]


def history_count() -> int:
    return Organization.history.count()


def test_it_creates_organizations_parents_first_whatever_the_row_order(world):
    rows = [
        ["QH-A-T2-V1", "新河村党支部", "QH-A-T2", VILLAGE, "党支部", "否"],
        ["QH-A-T2", "新河镇党委", "QH-A", TOWNSHIP, "党委", None],
        ["QH-A-T2-V2", "新河社区党总支", "QH-A-T2", VILLAGE, "党总支", "否"],
    ]
    outcome = run(world.office_a, rows)
    assert outcome.saved and outcome.errors == []
    assert outcome.counts == {CREATE: 3, UPDATE: 0, UNCHANGED: 0}
    township = Organization.objects.get(code="QH-A-T2")
    # 东城区委 had two children: the new township is its third, numbered by the service.
    assert township.parent == world.district_a
    assert township.path == world.district_a.path + path_segment(3)
    assert township.depth == world.district_a.depth + 1
    assert not township.is_committee
    v1, v2 = Organization.objects.get(code="QH-A-T2-V1"), Organization.objects.get(code="QH-A-T2-V2")
    assert {v1.path, v2.path} == {township.path + path_segment(1), township.path + path_segment(2)}
    assert v1.level == OrgLevel.VILLAGE and v2.party_org_type == PartyOrgType.GENERAL_BRANCH


def test_every_created_organization_has_history_naming_the_importer(world):
    run(world.office_a, [["QH-A-T2", "新河镇党委", "QH-A", TOWNSHIP, "党委", "否"]])
    org = Organization.objects.get(code="QH-A-T2")
    (entry,) = org.history.all()
    assert entry.history_type == "+"
    assert entry.history_user == world.office_a
    assert entry.history_change_reason == "Excel 导入"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world):
    rows = [
        ["QH-A-T2", "新河镇党委", "QH-A", TOWNSHIP, "党委", "否"],
        ["QH-A-T2-V1", "新河村党支部", "QH-A-T2", VILLAGE, "党支部", "否"],
    ]
    run(world.office_a, rows)
    before, count = history_count(), Organization.objects.count()
    again = run(world.office_a, rows)
    assert again.saved and again.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 2}
    assert history_count() == before and Organization.objects.count() == count


def test_the_roster_written_from_the_database_reads_back_unchanged(world):
    rows = roster_rows(Organization.objects.all())
    before = history_count()
    outcome = run(world.office, rows)
    assert outcome.errors == []
    assert outcome.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: Organization.objects.count()}
    assert history_count() == before


def test_a_known_code_with_other_data_is_updated_with_history_but_keeps_its_parent(world):
    rows = [["QH-A-T1", "青石街道党工委", "QH-A", TOWNSHIP, "党工委", "是"]]
    preview = run(world.office_a, rows, commit=False)
    assert preview.planned[0].action == UPDATE
    assert "名称：青石镇党委 → 青石街道党工委" in preview.planned[0].note
    outcome = run(world.office_a, rows)
    assert outcome.counts[UPDATE] == 1
    township = Organization.objects.get(code="QH-A-T1")
    assert (township.name, township.party_org_type, township.is_committee) == (
        "青石街道党工委",
        "working_committee",
        True,
    )
    assert township.path == world.township.path and township.parent == world.district_a
    latest = township.history.first()
    assert latest.history_user == world.office_a and latest.history_change_reason.startswith("Excel 导入")


def test_a_blank_committee_cell_keeps_a_known_organizations_flag(world):
    outcome = run(world.office, [["QH-A", "东城区委", "QH", "区县", "党委", None]])
    assert outcome.counts[UNCHANGED] == 1
    assert Organization.objects.get(code="QH-A").is_committee


def test_a_known_code_under_another_parent_is_an_error(world):
    outcome = run(world.office, [["QH-A-T1", "青石镇党委", "QH-B", TOWNSHIP, "党委", "否"]])
    assert not outcome.saved
    ((row, column, message),) = errors_of(outcome)
    assert (row, column) == (2, "上级组织代码")
    assert "QH-A" in message and "不能调整上级组织" in message


def test_a_code_twice_in_the_file_is_an_error_on_the_second_row(world):
    rows = [
        ["QH-A-T2", "新河镇党委", "QH-A", TOWNSHIP, "党委", "否"],
        ["QH-A-T3", "白沙镇党委", "QH-A", TOWNSHIP, "党委", "否"],
        ["QH-A-T2", "新河镇党委（重复）", "QH-A", TOWNSHIP, "党委", "否"],
    ]
    outcome = run(world.office_a, rows)
    assert errors_of(outcome) == [(4, "组织代码", "组织代码“QH-A-T2”与第 2 行重复。")]
    assert not Organization.objects.filter(code__in=["QH-A-T2", "QH-A-T3"]).exists()


def test_an_unknown_parent_code_is_an_error(world):
    outcome = run(world.office_a, [["QH-A-T9", "某镇党委", "QH-A-NOPE", TOWNSHIP, "党委", "否"]])
    assert errors_of(outcome) == [
        (2, "上级组织代码", "上级组织代码“QH-A-NOPE”在系统和本表中都找不到，或不在您的管辖范围内。")
    ]


def test_the_importer_must_manage_the_parent_and_every_known_code(world):
    rows = [
        ["QH-B-T2", "西山二镇党委", "QH-B", TOWNSHIP, "党委", "否"],  # district B: not office_a's
        ["QH-B-T1", "西山镇党委", "QH-B", TOWNSHIP, "党委", "否"],  # a code already used in B
    ]
    outcome = run(world.office_a, rows)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "上级组织代码"), (3, "组织代码")]
    # The same words as for a code that does not exist: nothing confirms district B's unit,
    # nor names it.
    assert outcome.errors[0].message == "上级组织代码“QH-B”在系统和本表中都找不到，或不在您的管辖范围内。"
    assert world.district_b.name not in outcome.errors[0].message
    assert "已被使用" in outcome.errors[1].message


def test_a_new_top_level_organization_needs_a_superuser(world):
    outcome = run(world.office, [["XX", "某市委", None, "党委（巡察主体）", "党委", "是"]])
    assert errors_of(outcome) == [
        (2, "上级组织代码", "新建党组织须填写上级组织代码（顶层党组织只能由系统管理员创建）。")
    ]
    root = make_user("root", is_superuser=True)
    assert run(root, [["XX", "某市委", None, "党委（巡察主体）", "党委", "是"]]).saved
    assert Organization.objects.get(code="XX").depth == 1


def test_parents_that_form_a_loop_are_an_error_on_each_row_of_the_loop(world):
    rows = [
        ["L1", "甲", "L2", VILLAGE, "党支部", "否"],
        ["L2", "乙", "L3", VILLAGE, "党支部", "否"],
        ["L3", "丙", "L1", VILLAGE, "党支部", "否"],
        ["L4", "丁", "L4", VILLAGE, "党支部", "否"],
    ]
    outcome = run(world.office, rows)
    assert sorted((e.row, e.column) for e in outcome.errors) == [
        (2, "上级组织代码"),
        (3, "上级组织代码"),
        (4, "上级组织代码"),
        (5, "上级组织代码"),
    ]
    assert "L1 → L2 → L3 → L1" in outcome.errors[0].message
    assert outcome.errors[3].message == "上级组织代码不能是本组织自己的代码。"


def test_cells_are_checked_against_their_column(world):
    rows = [
        ["QH-A-T2", "新河镇党委", "QH-A", "乡镇", "党委", "否"],  # not a level
        ["QH-A-T3", None, "QH-A", TOWNSHIP, "党小组", "也许"],  # missing name, bad type, bad yes/no
        ["QH A T4", "白沙镇党委", "QH-A", TOWNSHIP, "党委", "否"],  # a code with spaces
    ]
    outcome = run(world.office_a, rows)
    found = [(e.row, e.column) for e in outcome.errors]
    assert found == [(2, "层级"), (3, "名称"), (3, "党组织类型"), (3, "巡察主体"), (4, "组织代码")]
    assert "可填：党委（巡察主体）、市直单位" in outcome.errors[0].message
    assert outcome.errors[1].message == "此项必填，不能为空。"
    assert outcome.errors[3].message == "“也许”无法识别，请填写“是”或“否”。"


def test_one_bad_row_among_twenty_saves_nothing(world):
    rows = [[f"QH-A-N{i:02}", f"新组织{i}", "QH-A", TOWNSHIP, "党委", "否"] for i in range(20)]
    rows[13][3] = "不存在的层级"
    before = history_count()
    outcome = run(world.office_a, rows)
    assert not outcome.saved and [(e.row, e.column) for e in outcome.errors] == [(15, "层级")]
    assert not Organization.objects.filter(code__startswith="QH-A-N").exists()
    assert history_count() == before
    rows[13][3] = TOWNSHIP
    assert run(world.office_a, rows).counts[CREATE] == 20


def test_a_service_refusing_a_row_while_writing_rolls_back_the_rows_before_it(world, monkeypatch):

    def refuse_the_fifteenth(**kwargs):
        if kwargs["code"] == "QH-A-N14":
            raise ValidationError("上级组织已被撤销。")
        return organization_create(**kwargs)

    monkeypatch.setattr("reports.imports.organizations.organization_create", refuse_the_fifteenth)
    rows = [[f"QH-A-N{i:02}", f"新组织{i}", "QH-A", TOWNSHIP, "党委", "否"] for i in range(20)]
    before = history_count()
    outcome = run(world.office_a, rows)
    assert not outcome.saved
    assert errors_of(outcome) == [(16, "组织代码", "上级组织已被撤销。")]
    assert not Organization.objects.filter(code__startswith="QH-A-N").exists()
    assert history_count() == before


def test_a_preview_saves_nothing(world):
    outcome = run(world.office_a, [["QH-A-T2", "新河镇党委", "QH-A", TOWNSHIP, "党委", "否"]], commit=False)
    assert outcome.errors == [] and outcome.counts[CREATE] == 1 and not outcome.saved
    assert not Organization.objects.filter(code="QH-A-T2").exists()
