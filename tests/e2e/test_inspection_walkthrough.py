"""One inspection, from arrangement to a verified rectification, clicked through in Chromium by
the people who do it: the office (巡察办), the team (组长, 副组长, 组员) and the unit's liaison.

After the jurisdiction is built, everything happens through the browser: the login form,
links, buttons and forms. The database is read only at the end, to check what the clicks left.
"""

import datetime
import re
from pathlib import Path

import pytest

from campaigns.models import Inspection, InspectionStatus
from findings.models import Problem, ProblemStatus
from rectification import services as rs
from rectification.models import Evidence, Measure, MeasureStatus
from tests.world import D, build_world, fed_back

pytestmark = pytest.mark.e2e

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PROBLEM_TITLE = "村务公开不及时，“三务”公开栏长期未更新"
MEASURE_TEXT = "逐村清理“三务”公开栏，每月5日前更新，镇纪委每季度抽查。"
PROGRESS_TEXT = "已完成全镇12个村公开栏更新，建立月度更新台账。"


def _expect():
    from playwright.sync_api import expect

    return expect


def _measure_deadline() -> datetime.date:
    """A month ahead of today, so that the measure is not shown as overdue whenever this runs."""
    return max(datetime.date.today() + datetime.timedelta(days=30), D(2026, 7, 1))


def _success(page, text: str):
    _expect()(page.locator(".alert-success")).to_contain_text(text)


def _state(page, text: str):
    _expect()(page.locator(".badge-state")).to_have_text(text)


def _action(page, name: str):
    """A workflow button of the page (a link or a form button styled .btn), not a tab or menu entry."""
    return page.locator("main .btn").filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$"))


def _open_inspection(page, organization: str = "青石镇党委"):
    """From the navigation bar: 巡察 → the inspected organization."""
    page.locator("nav").get_by_role("link", name="巡察", exact=True).click()
    page.locator("table").get_by_role("link", name=organization).click()
    _expect()(page.locator("h1")).to_have_text(organization)


def test_inspection_from_arrangement_to_verified_rectification(login, screenshot, tmp_path):
    expect = _expect()
    w = build_world()
    evidence_file = tmp_path / "三务公开栏整改照片说明.pdf"
    evidence_file.write_bytes(PDF)

    # 1. The office arranges the inspection.
    office = login("office").page
    office.locator("nav").get_by_role("link", name="巡察", exact=True).click()
    office.get_by_role("link", name="安排巡察").click()
    expect(office).to_have_url(re.compile(r"/inspections/new/$"))
    office.get_by_label("轮次").select_option(label="十一届市委 第一轮")
    office.get_by_label("巡察组").select_option(label="第一巡察组")
    office.get_by_label("被巡察党组织").fill(w.township.code)
    office.get_by_label("巡察方式").select_option(label="常规巡察")
    screenshot(office, "00-office-arrangement-form")
    office.get_by_role("button", name="保存").click()
    _success(office, "巡察已安排。")
    expect(office.locator("h1")).to_have_text("青石镇党委")
    expect(office.locator("main")).to_contain_text("第一轮 · 第一巡察组 · 常规巡察")
    _state(office, "待进驻")
    inspection_url = office.url
    screenshot(office, "01-office-arranges")

    # 2. The team leader registers arrival on site (进驻).
    leader = login("team_leader").page
    _open_inspection(leader)
    _action(leader, "登记进驻").click()
    leader.get_by_label("日期").fill("2026-03-10")
    leader.get_by_role("button", name="确定").click()
    _success(leader, "已登记进驻。")
    _state(leader, "进驻中")
    expect(leader.locator("main")).to_contain_text("2026-03-10")
    screenshot(leader, "02-leader-enters")

    # 3. A team member writes up a problem (一事一底稿) and signs as handler.
    member = login("team_member").page
    _open_inspection(member)
    _action(member, "新增问题底稿").click()
    member.get_by_label("问题概述").fill(PROBLEM_TITLE)
    member.get_by_label("具体表现").fill("青石村、柳岸社区公开栏内容停留在2025年第二季度，群众反映强烈。")
    member.get_by_label("问题类别").select_option(label="服务群众、推进乡村振兴不到位")
    member.get_by_label("发现方式").select_option(label="走访调研")
    member.get_by_role("button", name="确定").click()
    _success(member, "底稿已保存，请承办人签字。")
    expect(member.locator("h1")).to_contain_text(PROBLEM_TITLE)
    _state(member, "底稿待签")
    _action(member, "承办人签字").click()
    _success(member, "承办人已签字。")
    _state(member, "承办人已签")
    expect(_action(member, "承办人签字")).to_have_count(0)
    screenshot(member, "03-member-drafts-and-signs")

    # 4. The deputy leader finds it in the work queue and passes it.
    deputy = login("team_deputy").page
    queue = deputy.locator("#queue-papers")
    expect(queue).to_contain_text(PROBLEM_TITLE)
    queue.get_by_role("link", name=PROBLEM_TITLE).click()
    _action(deputy, "副组长审核通过").click()
    _success(deputy, "副组长已审核。")
    _state(deputy, "副组长已审")
    screenshot(deputy, "04-deputy-reviews")

    # 5. The team leader approves it (组长审定), from the work queue too.
    leader.locator("nav").get_by_role("link", name="工作台").click()
    leader.locator("#queue-papers").get_by_role("link", name=PROBLEM_TITLE).click()
    _action(leader, "组长审定").click()
    _success(leader, "组长已审定，问题已确认。")
    _state(leader, "组长已审定")
    expect(leader.locator(".list-group-numbered")).to_contain_text("team_leader")
    screenshot(leader, "05-leader-approves")

    # 6. The team leader registers leaving (撤离) ...
    leader.locator("main").get_by_role("link", name=re.compile("青石镇党委")).click()
    _action(leader, "登记撤离").click()
    leader.get_by_label("日期").fill("2026-04-10")
    leader.get_by_role("button", name="确定").click()
    _success(leader, "已登记撤离。")
    _state(leader, "已撤离")
    screenshot(leader, "06-leader-leaves")

    # 7. ... and feeds the problems back to the unit (反馈); the deadline defaults to two months.
    _action(leader, "反馈").click()
    leader.get_by_label("反馈日期").fill("2026-05-10")
    leader.get_by_role("button", name="确定").click()
    _success(leader, "已反馈，被巡察单位进入整改。")
    _state(leader, "已反馈·整改中")
    expect(leader.locator("table")).to_contain_text("已反馈·整改中")
    leader.get_by_role("link", name="概况").click()
    expect(leader.locator("main")).to_contain_text("2026-07-10")  # 整改期限
    screenshot(leader, "07-leader-feeds-back")

    # 8. The unit's liaison logs in and lands on 本单位整改.
    liaison = login("liaison").page
    expect(liaison).to_have_url(re.compile(r"/my-unit/$"))
    expect(liaison.locator("h1")).to_have_text("本单位整改")
    expect(liaison.locator("main")).to_contain_text("1个问题整改中")
    expect(liaison.locator("main")).to_contain_text(PROBLEM_TITLE)
    # A unit never sees the team's working papers, petitions or clues.
    for hidden in ("信访件", "问题线索", "巡察"):
        expect(liaison.locator("nav").get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    screenshot(liaison, "08-liaison-lands")

    # 9. The liaison adds a measure (添加措施).
    _action(liaison, "添加措施").click()
    unit_field = liaison.get_by_label("责任单位（组织代码）")
    expect(unit_field).to_have_value(w.township.code)  # proposed: the unit itself
    liaison.get_by_label("整改措施").fill(MEASURE_TEXT)
    unit_field.fill("QH-A-T1")
    liaison.get_by_label("责任人").fill("李明（党委副书记）")
    liaison.get_by_label("完成时限").fill(_measure_deadline().isoformat())
    liaison.get_by_role("button", name="确定").click()
    _success(liaison, "整改措施已添加。")
    expect(liaison.locator("main")).to_contain_text("李明（党委副书记）")
    screenshot(liaison, "09-liaison-adds-measure")

    # 10. The liaison reports progress with evidence (a real PDF).
    liaison.get_by_role("link", name=MEASURE_TEXT[:20]).click()
    _state(liaison, "整改中")
    _action(liaison, "报告整改进展").click()
    liaison.get_by_label("整改进展").fill(PROGRESS_TEXT)
    liaison.get_by_label(re.compile("佐证材料")).set_input_files(str(evidence_file))
    liaison.get_by_role("button", name="确定").click()
    _success(liaison, "进展已报告，等待巡察办验收。")
    _state(liaison, "待验收")
    expect(liaison.locator("main")).to_contain_text(PROGRESS_TEXT)
    expect(liaison.get_by_role("link", name=evidence_file.name)).to_be_visible()
    expect(_action(liaison, "报告整改进展")).to_have_count(0)
    screenshot(liaison, "10-liaison-reports-progress")

    # 11. The office verifies it (验收 → 通过验收), from the work queue.
    office.locator("nav").get_by_role("link", name="工作台").click()
    verify_queue = office.locator("#queue-verify")
    expect(verify_queue).to_contain_text(MEASURE_TEXT[:20])
    verify_queue.get_by_role("link").first.click()
    # The evidence opens for the office: a download of the very file the unit sent.
    with office.expect_download() as download:
        office.get_by_role("link", name=evidence_file.name).click()
    assert download.value.suggested_filename == evidence_file.name
    assert Path(download.value.path()).read_bytes() == PDF
    _action(office, "验收").click()
    office.get_by_label("通过验收").check()
    office.get_by_label(re.compile("验收意见")).fill("经现场核查，公开栏已更新。")
    office.get_by_role("button", name="确定").click()
    _success(office, "验收结论已登记。")
    _state(office, "已验收")
    screenshot(office, "11-office-verifies")

    # 12. The problem is rectified (已整改) ...
    office.locator("main").get_by_role("link", name=PROBLEM_TITLE).click()
    _state(office, "已整改")
    screenshot(office, "12-problem-rectified")

    # 13. ... and the office closes the inspection (整改结束), confirming the dialog.
    office.locator("main").get_by_role("link", name=re.compile("青石镇党委")).click()
    assert office.url.split("?")[0] == inspection_url.split("?")[0]
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    office.once("dialog", accept)
    _action(office, "整改结束").click()
    _success(office, "本次巡察整改已结束。")
    assert dialogs == ["确认本次巡察整改结束？"]
    _state(office, "已结束")
    expect(_action(office, "整改结束")).to_have_count(0)
    screenshot(office, "13-office-closes")

    # The unit's page now shows the problem as rectified.
    liaison.locator("nav").get_by_role("link", name="本单位整改").click()
    expect(liaison.locator("main")).to_contain_text("0个问题整改中")
    expect(liaison.locator(".card-header .badge")).to_have_text("已整改")
    screenshot(liaison, "14-liaison-sees-rectified")

    # What the clicks left in the database.
    inspection = Inspection.objects.get()
    assert inspection.organization == w.township
    assert (inspection.round, inspection.team, inspection.mode) == (w.round, w.team, "regular")
    assert inspection.status == InspectionStatus.CLOSED
    assert (inspection.onsite_start, inspection.onsite_end) == (D(2026, 3, 10), D(2026, 4, 10))
    assert (inspection.feedback_date, inspection.rectification_deadline) == (D(2026, 5, 10), D(2026, 7, 10))
    problem = Problem.objects.get()
    assert problem.inspection == inspection and problem.title == PROBLEM_TITLE
    assert problem.status == ProblemStatus.RECTIFIED
    assert problem.drafted_by == w.team_member
    assert problem.deputy_signed_by == w.team_deputy
    assert problem.leader_signed_by == w.team_leader
    assert problem.fed_back_on == D(2026, 5, 10)
    assert problem.rectified_on is not None
    measure = Measure.objects.get()
    assert measure.problem == problem and measure.content == MEASURE_TEXT
    assert measure.responsible_unit == w.township
    assert measure.deadline == _measure_deadline()
    assert measure.status == MeasureStatus.ACCEPTED
    assert measure.progress == PROGRESS_TEXT
    assert measure.reported_by == w.liaison and measure.verified_by == w.office
    evidence = Evidence.objects.get()
    assert evidence.measure == measure and evidence.original_name == evidence_file.name
    assert evidence.content_type == "application/pdf" and evidence.uploaded_by == w.liaison
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF
    # Every step left a history row naming who took it.
    assert {h.history_user for h in inspection.history.all()} >= {w.office, w.team_leader}
    assert {h.history_user for h in problem.history.all()} >= {w.team_member, w.team_deputy, w.team_leader}
    assert {h.history_user for h in measure.history.all()} >= {w.liaison, w.office}


def test_progress_report_without_evidence_is_refused_and_keeps_the_text(login, screenshot):
    """Bad path: the liaison forgets the file. The page says so, in Chinese, next to the upload
    field, and what they typed is still there."""
    expect = _expect()
    w = build_world()
    problem = fed_back(w, problems=1).problems.get()
    measure = rs.measure_add(
        user=w.liaison,
        problem=problem,
        content=MEASURE_TEXT,
        responsible_unit=w.township,
        responsible_person="李明",
        deadline=_measure_deadline(),
    )

    liaison = login("liaison").page
    liaison.get_by_role("link", name=MEASURE_TEXT[:20]).click()
    _action(liaison, "报告整改进展").click()
    liaison.get_by_label("整改进展").fill(PROGRESS_TEXT)
    with liaison.expect_response(re.compile(r"/measures/\d+/report/$")) as response:
        liaison.get_by_role("button", name="确定").click()
    assert response.value.status == 400
    expect(liaison.locator(".invalid-feedback")).to_contain_text("请上传至少一份佐证材料")
    expect(liaison.get_by_label("整改进展")).to_have_value(PROGRESS_TEXT)
    expect(liaison.locator(".alert-success")).to_have_count(0)
    screenshot(liaison, "bad-report-without-evidence")

    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED and measure.progress == ""
    assert not Evidence.objects.exists()
