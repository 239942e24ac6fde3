"""The import pages from every role: template download, upload with its preview (nothing saved),
confirmation (everything saved, once), and the refusals shown on the page with HTTP 400."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from campaigns.models import Organization
from findings.models import Problem
from reports.imports.kinds import KINDS
from tests.reports.test_import_hostile import OLE2, ROWS, edited, template_bytes, zip_bomb
from tests.web.helpers import html, login
from tests.world import on_site

pytestmark = pytest.mark.django_db

ORG_URL, PROBLEM_URL = "/imports/organizations/", "/imports/problems/"
PROBLEM_ROW = [None, "村务公开不及时", "未按月公开财务收支", "A01", "个别谈话", None, None]


def upload(client, url, data: bytes, name="名册.xlsx", **fields):
    return client.post(url, {"file": SimpleUploadedFile(name, data), **fields})


def stored_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (ORG_URL, {"office": 200, "office_a": 200}),
        (f"{ORG_URL}template.xlsx", {"office": 200, "office_a": 200}),
        # Any inspector opens the page; the inspections offered are those they may draft in.
        (PROBLEM_URL, {"office": 200, "office_a": 200, "team_member": 200, "other_inspector": 200}),
        (f"{PROBLEM_URL}template.xlsx", {"office": 200, "office_a": 200, "team_member": 200, "other_inspector": 200}),
    ],
)
def test_the_pages_open_for_the_office_and_refuse_every_other_role(world, client, url, expected):
    for name in ("office", "office_a", "leader", "team_member", "other_inspector", "liaison", "discipline", "orgdept"):
        login(client, world.users[name])
        assert client.get(url).status_code == expected.get(name, 403), name


@pytest.mark.parametrize("url", [ORG_URL, f"{ORG_URL}template.xlsx", PROBLEM_URL, f"{ORG_URL}confirm/"])
def test_an_anonymous_visitor_is_sent_to_log_in(world, client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/?next=")


def test_an_unknown_kind_is_not_found(world, client):
    login(client, world.office)
    assert client.get("/imports/petitions/").status_code == 404


def test_the_template_has_the_header_row_and_a_sheet_explaining_every_column(world, client):
    login(client, world.office)
    response = client.get(f"{PROBLEM_URL}template.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["问题", "说明", "可选值"]
    assert [c.value for c in wb["问题"][1]] == [c.header for c in KINDS["problems"].columns]
    assert wb["问题"].max_row == 1  # no example rows to delete
    notes = [row[0] for row in wb["说明"].iter_rows(values_only=True)]
    assert {"问题概述", "发现日期", "A01", "C06"} <= set(notes)
    assert "个别谈话" in [row[1] for row in wb["可选值"].iter_rows(values_only=True)]


def test_an_upload_is_previewed_and_saved_only_when_confirmed_once(world, client, settings):
    login(client, world.office_a)
    response = upload(client, ORG_URL, template_bytes())
    assert response.status_code == 200
    assert "将新建 2 条，更新 0 条，0 条与系统中一致" in html(response)
    assert "新河镇党委" in html(response)
    assert not Organization.objects.filter(code__in=["QH-A-T2", "QH-A-T3"]).exists()
    assert len(stored_files(settings)) == 1
    token = response.context["token"]
    done = client.post(f"{ORG_URL}confirm/", {"token": token})
    assert done.status_code == 200
    assert "新建 2 条，更新 0 条，不变 0 条" in html(done)
    assert Organization.objects.filter(code__in=["QH-A-T2", "QH-A-T3"]).count() == 2
    assert stored_files(settings) == []
    again = client.post(f"{ORG_URL}confirm/", {"token": token})
    assert again.status_code == 400 and "该文件已经导入过" in html(again)
    assert Organization.objects.filter(code__in=["QH-A-T2", "QH-A-T3"]).count() == 2


def test_the_preview_shows_the_first_fifty_rows(world, client):
    rows = [[f"QH-A-N{i:02}", f"新组织{i}", "QH-A", "乡镇/街道", "党委", "否"] for i in range(60)]
    login(client, world.office_a)
    response = upload(client, ORG_URL, template_bytes(rows))
    assert len(response.context["rows"]) == 50 and response.context["total"] == 60
    assert "仅显示前 50 行" in html(response)


def test_errors_are_listed_by_row_and_column_and_nothing_is_kept(world, client, settings):
    rows = [
        *ROWS,
        ["QH-A-T2", "重复", "QH-A", "乡镇/街道", "党委", "否"],
        ["QH-A-T4", "某镇", "NOPE", "乡镇", "党委", "否"],
    ]
    login(client, world.office_a)
    response = upload(client, ORG_URL, template_bytes(rows))
    assert response.status_code == 400
    page = html(response)
    assert "文件中有 3 处错误，未导入任何数据" in page
    assert [(e.row, e.column) for e in response.context["errors"]] == [
        (4, "组织代码"),
        (5, "上级组织代码"),
        (5, "层级"),
    ]
    assert "组织代码“QH-A-T2”与第 2 行重复。" in page
    assert not Organization.objects.filter(code__startswith="QH-A-T", depth=3).exclude(code="QH-A-T1").exists()
    assert stored_files(settings) == []


def formula(ws):
    ws["B2"] = "=SUM(1,2)"


def merged(ws):
    ws.merge_cells("B2:C2")


HOSTILE = {
    "text renamed": ("组织代码,名称\n".encode(), "不是有效的 .xlsx 文件"),
    "password": (OLE2 + b"\0" * 4096, "文件已加密（设置了密码），请取消密码后再导入。"),
    "zip bomb": (None, "疑似“压缩炸弹”"),
    "formula": (None, "单元格含公式（=SUM(1,2)）"),
    "merged": (None, "数据区有合并单元格（B2:C2）"),
    "too big": (None, "超过 4 KB 的上限"),
    "too many rows": (None, "数据超过 1 行的上限（第 3 行起）"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_file_is_refused_on_the_page_with_400(world, client, settings, case):
    data, message = HOSTILE[case]
    if case == "zip bomb":
        data = zip_bomb(200)
    elif case in ("formula", "merged"):
        data = edited(formula if case == "formula" else merged)
    elif case == "too big":
        settings.IMPORT_MAX_BYTES = 4096
        data = template_bytes([ROWS[0]] * 40)
    elif case == "too many rows":
        settings.IMPORT_MAX_ROWS = 1
        data = template_bytes()
    login(client, world.office)
    response = upload(client, ORG_URL, data)
    assert response.status_code == 400
    assert message in html(response)
    assert stored_files(settings) == []
    assert not Organization.objects.filter(code__in=["QH-A-T2", "QH-A-T3"]).exists()


def test_a_token_is_good_only_for_its_user_and_unaltered(world, client):
    login(client, world.office)
    token = upload(client, ORG_URL, template_bytes()).context["token"]
    login(client, world.office_a)
    response = client.post(f"{ORG_URL}confirm/", {"token": token})
    assert response.status_code == 400 and "确认已过期或无效" in html(response)
    login(client, world.office)
    assert client.post(f"{ORG_URL}confirm/", {"token": token[:-2] + "xx"}).status_code == 400
    assert client.post(f"{ORG_URL}confirm/", {"token": token}).status_code == 200


def test_a_confirmation_checks_the_file_again(world, client):
    login(client, world.office_a)
    token = upload(client, ORG_URL, template_bytes()).context["token"]
    Organization.objects.filter(code="QH-A").update(is_active=False, dissolved_on="2026-05-01")
    response = client.post(f"{ORG_URL}confirm/", {"token": token})
    assert response.status_code == 400 and "已撤销，不能在其下新建组织" in html(response)
    assert not Organization.objects.filter(code="QH-A-T2").exists()


def test_a_team_member_imports_problems_into_their_inspection(world, client):
    inspection = on_site(world)
    login(client, world.team_member)
    page = client.get(f"{PROBLEM_URL}?inspection={inspection.pk}")
    assert f'<option value="{inspection.pk}" selected>' in html(page)
    data = template_bytes([PROBLEM_ROW], kind=KINDS["problems"])
    response = upload(client, PROBLEM_URL, data, inspection=inspection.pk)
    assert response.status_code == 200 and "将新建 1 条" in html(response)
    done = client.post(f"{PROBLEM_URL}confirm/", {"token": response.context["token"]})
    assert done.status_code == 200
    problem = Problem.objects.get(inspection=inspection)
    assert problem.drafted_by == world.team_member and problem.history.get().history_user == world.team_member


def test_an_inspector_of_another_team_cannot_choose_the_inspection(world, client):
    inspection = on_site(world)
    login(client, world.other_inspector)
    data = template_bytes([PROBLEM_ROW], kind=KINDS["problems"])
    response = upload(client, PROBLEM_URL, data, inspection=inspection.pk)
    assert response.status_code == 400 and "inspection" in response.context["form"].errors
    assert not Problem.objects.exists()
