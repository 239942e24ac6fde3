"""`manage.py import_xlsx`: the same checks as the page; errors listed by row and column and a
non-zero exit, counts when done, and --dry-run saving nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Organization
from findings.models import Problem
from reports.imports.kinds import KINDS
from tests.reports.test_import_hostile import OLE2, ROWS, template_bytes
from tests.world import on_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def xlsx(tmp_path):
    def write(data: bytes, name="import.xlsx") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def call(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_xlsx", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_and_prints_the_counts(world, xlsx):
    out, _err = call("organizations", xlsx(template_bytes()), "--user", "office_a")
    assert out.strip() == "已导入党组织名册：新建 2 条，更新 0 条，不变 0 条。"
    assert Organization.objects.filter(code__in=["QH-A-T2", "QH-A-T3"]).count() == 2
    out, _err = call("organizations", xlsx(template_bytes()), "--user", "office_a")
    assert out.strip() == "已导入党组织名册：新建 0 条，更新 0 条，不变 2 条。"


def test_a_dry_run_saves_nothing(world, xlsx):
    out, _err = call("organizations", xlsx(template_bytes()), "--user", "office_a", "--dry-run")
    assert out.strip() == "检查通过（试运行，未保存）：新建 2 条，更新 0 条，不变 0 条。"
    assert not Organization.objects.filter(code="QH-A-T2").exists()


def test_errors_are_printed_by_row_and_column_and_the_command_fails(world, xlsx):
    rows = [*ROWS, ["QH-A-T2", "重复", "QH-A", "乡镇/街道", "党委", "否"]]
    err = StringIO()
    with pytest.raises(CommandError, match="文件中有 1 处错误，未导入任何数据。"):
        call_command("import_xlsx", "organizations", xlsx(template_bytes(rows)), "--user", "office_a", stderr=err)
    assert "4\t组织代码\t组织代码“QH-A-T2”与第 2 行重复。" in err.getvalue()
    assert not Organization.objects.filter(code="QH-A-T2").exists()


def test_a_hostile_file_is_refused_with_its_reason(world, xlsx):
    with pytest.raises(CommandError, match="文件已加密"):
        call("organizations", xlsx(OLE2 + b"\0" * 1024), "--user", "office")


def test_problems_need_an_inspection_the_user_may_draft_in(world, xlsx):
    inspection = on_site(world)
    path = xlsx(template_bytes([[None, "问题", "具体表现", "A01", "个别谈话", None, None]], kind=KINDS["problems"]))
    with pytest.raises(CommandError, match="须用 --inspection 指定巡察编号"):
        call("problems", path, "--user", "team_member")
    with pytest.raises(CommandError, match="不能在其中新增问题底稿"):
        call("problems", path, "--user", "other_inspector", "--inspection", str(inspection.pk))
    out, _err = call("problems", path, "--user", "team_member", "--inspection", str(inspection.pk))
    assert out.strip() == "已导入问题底稿：新建 1 条，更新 0 条，不变 0 条。"
    assert Problem.objects.get().drafted_by == world.team_member


def test_it_refuses_unknown_users_kinds_roles_and_files(world, xlsx):
    path = xlsx(template_bytes())
    with pytest.raises(CommandError, match="找不到用户"):
        call("organizations", path, "--user", "nobody-here")
    with pytest.raises(CommandError, match="导入类型“clues”不存在"):
        call("clues", path, "--user", "office")
    with pytest.raises(CommandError, match="无权导入党组织名册"):
        call("organizations", path, "--user", "leader")
    with pytest.raises(CommandError, match="无法打开文件"):
        call("organizations", path + ".missing", "--user", "office")
