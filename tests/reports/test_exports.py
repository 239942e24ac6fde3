"""Ledgers, lists and the statistics report read back with openpyxl: cells, formats, totals."""

import datetime
import io
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from findings import services as fs
from findings.models import ReadLog
from rectification import services as rs
from reports import rollup
from reports.exports import run_job
from reports.ledgers import LEDGERS
from reports.models import ExportJob
from tests.reports import scene as sc
from tests.world import D, category, draft_problem, fed_back, on_site
from xuncha.xlsx import LedgerWriter, XColumn

pytestmark = pytest.mark.django_db


def workbook(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(data))


def body(ws):
    """Data rows (below title, unit, date and header lines)."""
    return [[c.value for c in row] for row in ws.iter_rows(min_row=5)]


def test_the_problem_ledger_prints_as_it_is(client, world):
    inspection = fed_back(world, problems=3)
    client.force_login(world.office)
    response = client.get("/exports/problems/")
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E9%97%AE%E9%A2%98%E5%8F%B0%E8%B4%A6" in response["Content-Disposition"]  # 问题台账
    ws = workbook(response).worksheets[0]
    assert ws["A1"].value == "问题台账" and ws["A1"].font.b
    assert {str(r) for r in ws.merged_cells.ranges} == {f"A1:{ws.cell(4, ws.max_column).column_letter}1"}
    assert ws["A2"].value.startswith("单位：") and ws["A3"].value.startswith("导出日期：")
    header = [c.value for c in ws[4]]
    assert header[:3] == ["序号", "被巡察党组织", "轮次"]
    assert all(c.font.b and c.border.left.style == "thin" for c in ws[4])
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    rows = body(ws)
    assert [r[0] for r in rows] == [1, 2, 3]
    fed = header.index("反馈日期")
    assert rows[0][fed] == datetime.datetime(2026, 5, 10)  # a real date, not text
    assert ws.cell(5, fed + 1).number_format == "yyyy-mm-dd"
    assert ws.cell(5, header.index("具体表现") + 1).alignment.wrap_text
    assert {r[header.index("被巡察党组织")] for r in rows} == {inspection.organization.name}


def test_a_ledger_holds_what_the_list_shows(client, world):
    fed_back(world, problems=2)
    extra = on_site(world, world.village)
    draft_problem(world, extra, title="另一个问题")
    client.force_login(world.office)
    everything = body(workbook(client.get("/exports/problems/")).worksheets[0])
    filtered = body(workbook(client.get("/exports/problems/?status=fed_back")).worksheets[0])
    assert len(everything) == 3 and len(filtered) == 2
    client.force_login(world.office_b)
    assert body(workbook(client.get("/exports/problems/")).worksheets[0]) == []  # jurisdiction


def test_cells_that_look_like_formulas_are_written_as_text(client, world):
    inspection = on_site(world)
    fs.problem_draft(
        user=world.team_member,
        inspection=inspection,
        title='=HYPERLINK("http://x")',
        description="+1",
        category=category(),
        method="interview",
    )
    client.force_login(world.office)
    ws = workbook(client.get("/exports/problems/")).worksheets[0]
    header = [c.value for c in ws[4]]
    cell = ws.cell(5, header.index("问题概述") + 1)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert ws.cell(5, header.index("具体表现") + 1).data_type == "s"


def test_a_ledger_continues_on_another_sheet_past_the_row_limit(tmp_path):
    writer = LedgerWriter(
        title="问题台账", unit="单位", date_line="日期", columns=[XColumn("值", lambda x: x)], max_rows=10
    )
    writer.add_all(range(15))
    path = tmp_path / "big.xlsx"
    writer.save(path)
    wb = load_workbook(path)
    # 10 rows a sheet, 4 of them title and header: 6 data rows per sheet.
    assert [ws.title for ws in wb.worksheets] == ["问题台账", "问题台账（续1）", "问题台账（续2）"]
    assert [r[1] for r in body(wb.worksheets[0])] == list(range(6))
    assert [r[0] for r in body(wb.worksheets[1])] == list(range(7, 13))  # 序号 goes on
    assert [r[0] for r in body(wb.worksheets[2])] == [13, 14, 15]
    assert [c.value for c in wb.worksheets[1][4]] == ["序号", "值"]


TRICKY = [
    ("  前后有空格  ", D(2026, 3, 1), 3, datetime.datetime(2026, 3, 1, 9, 30)),
    ("a & b < c > d \"引号\" 'x'", None, 2.5, None),
    ("=SUM(A1:A2)", D(2026, 12, 31), 0, datetime.datetime(2026, 12, 31, 23, 59, 59)),
    ("控制\x01字符\x1f与\t制表\n换行", D(1900, 3, 1), -7, None),
    ("很长" * 20_000, None, None, None),
    ("", D(2000, 1, 1), True, None),
]


def sheet_xml(path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/worksheets/sheet")]


@pytest.mark.parametrize("raw", [True, False], ids=["rows-as-text", "openpyxl-cells"])
def test_both_ways_of_writing_body_rows_give_the_same_cells(tmp_path, raw):
    """Body rows go out as text (openpyxl's XML writer is most of a ledger's time) unless
    openpyxl writes with lxml; both ways must give the same cells, styles and rows."""
    columns = [
        XColumn("文本", lambda r: r[0], 30),
        XColumn("日期", lambda r: r[1], 12, "date"),
        XColumn("数", lambda r: r[2], 8, "number"),
        XColumn("时间", lambda r: r[3], 16, "date"),
    ]
    paths = {}
    for mode in (True, False):
        writer = LedgerWriter(title="台账", unit="单位", date_line="日期", columns=columns, max_rows=8)
        writer.raw = mode
        writer.add_all(TRICKY)
        paths[mode] = tmp_path / f"{mode}.xlsx"
        writer.save(paths[mode])
    assert sheet_xml(paths[True]) == sheet_xml(paths[False])  # byte for byte, every sheet

    wb = load_workbook(paths[raw])
    assert [ws.title for ws in wb.worksheets] == ["台账", "台账（续1）"]  # 4 body rows a sheet
    rows = [r for ws in wb.worksheets for r in body(ws)]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0][1:] == ["  前后有空格  ", datetime.datetime(2026, 3, 1), 3, datetime.datetime(2026, 3, 1, 9, 30)]
    assert rows[1][1:] == ["a & b < c > d \"引号\" 'x'", None, 2.5, None]
    assert rows[2][1] == "=SUM(A1:A2)"
    assert rows[3][1] == "控制字符与\t制表\n换行"  # control characters a cell cannot hold are dropped
    assert rows[4][1] == ("很长" * 20_000)[:32_767]  # Excel's limit for one cell
    assert rows[5][1:4] == [None, datetime.datetime(2000, 1, 1), True]
    ws = wb.worksheets[0]
    assert ws.cell(5, 3).number_format == "yyyy-mm-dd" and ws.cell(5, 5).number_format == "yyyy-mm-dd hh:mm"
    assert ws.cell(5, 2).border.left.style == "thin" and ws.cell(5, 2).font.name == "宋体"
    assert ws.cell(5, 2).alignment.wrap_text and ws.cell(5, 3).alignment.horizontal == "center"
    assert [ws.row_dimensions[r].height for r in (5, 8)] == [14, 28]  # a line break is a second line
    assert wb.worksheets[1].row_dimensions[5].height == 14 * 30  # the long text: capped at 30 lines


def test_petitions_and_clues_never_reach_a_unit(client, world):
    inspection = fed_back(world, problems=1)
    assert inspection.pk
    client.force_login(world.liaison)
    for key in ("petitions", "clues", "problems", "rectification"):
        assert client.get(f"/exports/{key}/").status_code == 403
    assert client.get("/petitions/?export=xlsx").status_code == 403


def test_a_leader_exports_the_petition_ledger_as_the_clue_ledger_and_the_read_is_logged(client, world):
    """One rule for leaders: what they read as a page they take as a file, logged alike."""
    inspection = on_site(world)
    sc.petition(world, inspection)
    client.force_login(world.leader)
    assert client.get("/petitions/").status_code == 200
    for key, kind in (("petitions", "petition"), ("clues", "clue")):
        ReadLog.objects.all().delete()
        response = client.get(f"/exports/{key}/")
        assert response.status_code == 200, key
        assert [(r.user_id, r.via, r.kind) for r in ReadLog.objects.all()] == [(world.leader.pk, "export", kind)]
    assert client.get("/petitions/?export=xlsx").status_code == 200


def test_the_three_lists_of_an_inspection_go_to_the_unit(client, world):
    inspection = fed_back(world, problems=2)
    problem = inspection.problems.first()
    rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="建立台账",
        responsible_unit=world.village,
        responsible_person="李四",
        deadline=D(2026, 6, 30),
    )
    client.force_login(world.liaison)
    lists = {}
    for key in ("problem_list", "task_list", "responsibility_list"):
        response = client.get(f"/inspections/{inspection.pk}/lists/{key}/")
        assert response.status_code == 200
        ws = workbook(response).worksheets[0]
        lists[key] = ([c.value for c in ws[4]], body(ws))
        assert ws["A1"].value == LEDGERS[key].title
        assert world.township.name in ws["A2"].value
    assert len(lists["problem_list"][1]) == 2
    header, rows = lists["responsibility_list"]
    assert rows[0][header.index("责任单位")] == world.village.name and rows[0][header.index("责任人")] == "李四"
    assert "信访" not in " ".join(map(str, lists["problem_list"][0]))


def test_the_statistics_report_equals_figures_json(client, world):
    inspection = fed_back(world, problems=3)
    rollup.rebuild()
    client.force_login(world.office)
    figures = client.get(f"/reports/figures.json?term={world.term.pk}").json()
    ws = workbook(client.get(f"/exports/statistics/?term={world.term.pk}")).worksheets[0]
    values = {r[1]: r[2] for r in body(ws)}
    assert values["巡察党组织（个）"] == figures["organizations_inspected"] == 1
    assert values["发现问题（个）"] == figures["problems_found"] == 3
    assert values["反馈问题（个）"] == figures["problems_fed_back"] == 3
    assert values["整改完成率（%）"] == figures["rectification_rate"] == 0.0
    assert values["办结率（%）"] == "—" and figures["handover_closure_rate"] is None
    assert inspection.pk


def test_a_bad_scope_for_the_statistics_report_is_a_400(client, world):
    client.force_login(world.office)
    response = client.get("/exports/statistics/?round=abc")
    assert response.status_code == 400 and "轮次" in response.json()["error"]


def test_a_large_export_runs_as_a_job_with_progress(client, world, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    fed_back(world, problems=3)
    client.force_login(world.office)
    response = client.get("/exports/problems/", follow=False)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.total == 3 and job.status == ExportJob.Status.QUEUED
    run_job(job.pk)  # on_commit does not fire inside a test's transaction: run it as the worker would
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.written == 3 and job.percent == 100
    page = client.get(f"/exports/jobs/{job.pk}/")
    assert "下载" in page.content.decode()
    ws = workbook(client.get(f"/exports/jobs/{job.pk}/download/")).worksheets[0]
    assert len(body(ws)) == 3
    client.force_login(world.office_b)
    assert client.get(f"/exports/jobs/{job.pk}/download/").status_code == 404  # another user's job


def test_a_job_is_claimed_once(world):
    job = ExportJob.objects.create(user=world.office, ledger="problems", total=0)
    run_job(job.pk)
    run_job(job.pk)  # a second worker finds it no longer queued and does nothing
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE


def test_export_ledger_command_writes_the_same_ledger(world, tmp_path):
    fed_back(world, problems=2)
    out = tmp_path / "问题台账.xlsx"
    call_command("export_ledger", "problems", "--out", str(out), "--user", "office", "--filter", "status=fed_back")
    assert len(body(load_workbook(out).worksheets[0])) == 2
    with pytest.raises(CommandError, match="无权导出"):
        call_command("export_ledger", "problems", "--out", str(out), "--user", "liaison")
    with pytest.raises(CommandError, match="key=value"):
        call_command("export_ledger", "problems", "--out", str(out), "--user", "office", "--filter", "oops")
    with pytest.raises(CommandError, match="--inspection"):
        call_command("export_ledger", "task_list", "--out", str(out), "--user", "office")


def test_every_list_exports_what_it_shows(client, world):
    fed_back(world, problems=2)
    client.force_login(world.office)
    for url in ("/problems/", "/inspections/", "/organizations/", "/measures/", "/clues/", "/petitions/", "/teams/"):
        response = client.get(url + "?export=xlsx")
        assert response.status_code == 200, url
        ws = workbook(response).worksheets[0]
        assert ws[4][0].value == "序号"


def test_a_list_too_long_to_export_at_once_points_to_the_ledger(client, world, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    fed_back(world, problems=2)
    client.force_login(world.office)
    response = client.get("/problems/?export=xlsx", follow=True)
    assert "导出台账" in response.content.decode()


def test_a_real_spreadsheet_program_opens_a_ledger(client, world, tmp_path):
    """LibreOffice converts the ledger to PDF: the file is a spreadsheet a real program reads."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice is required (REQUIRE_LIBREOFFICE=1) but not installed")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-calc-nogui)")
    fed_back(world, problems=3)
    client.force_login(world.office)
    response = client.get("/exports/problems/")
    source = tmp_path / "问题台账.xlsx"
    source.write_bytes(b"".join(response.streaming_content))
    result = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "问题台账.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
