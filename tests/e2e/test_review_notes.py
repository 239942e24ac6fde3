"""Review notes in Chromium: a deputy (副组长) leaves a note on a working paper, signing is
refused while it is open, the drafter (组员) answers, the deputy clears it, and then signs.

The paper is written and signed by its drafter through the services; everything about the
note happens through the browser."""

import re

import pytest

from findings import services as fs
from findings.models import ProblemStatus, ReviewNote, ReviewNoteStatus
from tests.world import build_world, draft_problem, on_site

pytestmark = pytest.mark.e2e

NOTE = "请补充公开栏未更新的具体月份和涉及村数"
ANSWER = "已补充：2025年1月至6月，涉及12个村"


def _expect():
    from playwright.sync_api import expect

    return expect


def test_a_deputy_leaves_a_note_the_drafter_answers_the_deputy_clears_and_signs(login, screenshot):
    expect = _expect()
    w = build_world()
    paper = fs.problem_sign_handler(user=w.team_member, problem=draft_problem(w, on_site(w)))
    url = f"/problems/{paper.pk}/"

    deputy = login("team_deputy").page
    deputy.goto(url)
    panel = deputy.locator("#review-notes")
    expect(panel).to_contain_text("暂无审核意见")
    # An empty note is refused, in Chinese, and nothing is saved.
    panel.get_by_role("button", name="提出").click()
    expect(deputy.locator("main")).to_contain_text("请填写审核意见。")
    deputy.goto(url)
    deputy.get_by_label("提出审核意见").fill(NOTE)
    deputy.locator("#review-notes").get_by_role("button", name="提出").click()
    expect(deputy.locator(".alert-success")).to_contain_text("审核意见已提出")
    expect(deputy.locator("#review-notes .review-note")).to_contain_text(NOTE)
    # Signing over an open note is refused with a Chinese message.
    deputy.get_by_role("button", name="副组长审核通过").click()
    expect(deputy.locator(".alert-danger")).to_contain_text("该底稿尚有1条审核意见未清除")
    screenshot(deputy, "review-01-deputy-refused")

    drafter = login("team_member").page
    drafter.goto(url)
    expect(drafter.locator("#review-notes")).to_contain_text("待答复")
    drafter.get_by_label("答复").fill(ANSWER)
    drafter.get_by_role("button", name="提交答复").click()
    expect(drafter.locator(".alert-success")).to_contain_text("已答复，待提出人清除")
    expect(drafter.locator("#review-notes")).to_contain_text(ANSWER)
    expect(drafter.locator("#review-notes").get_by_role("button", name="清除审核意见")).to_have_count(0)

    deputy.goto(url)
    deputy.get_by_role("button", name="清除审核意见").click()
    expect(deputy.locator(".alert-success")).to_contain_text("审核意见已清除")
    expect(deputy.locator("#review-notes")).to_contain_text("已清除")
    deputy.get_by_role("button", name="副组长审核通过").click()
    expect(deputy.locator(".alert-success")).to_contain_text("副组长已审核")
    expect(deputy.locator(".badge-state")).to_have_text("副组长已审")
    screenshot(deputy, "review-02-deputy-signed")

    # The reviewer's list and the team's page count it.
    deputy.locator("nav").get_by_role("button", name="更多").or_(
        deputy.locator("nav").get_by_text("更多")
    ).first.click()
    deputy.locator("nav").get_by_role("link", name="我提出的审核意见").click()
    expect(deputy.locator("main table")).to_contain_text("已清除")
    deputy.goto(f"/teams/{w.team.pk}/")
    expect(deputy.locator("#team-review-notes .count-cleared")).to_have_text("1")
    expect(deputy.locator("#team-review-notes .count-open")).to_have_text("0")
    screenshot(deputy, "review-03-team-page")

    paper.refresh_from_db()
    note = ReviewNote.objects.get()
    assert paper.status == ProblemStatus.DEPUTY_SIGNED
    assert (note.status, note.text, note.answer) == (ReviewNoteStatus.CLEARED, NOTE, ANSWER)
    assert re.search(
        r"提出审核意见.*答复审核意见.*清除审核意见",
        " ".join(h.history_change_reason for h in note.history.order_by("history_date")),
    )
