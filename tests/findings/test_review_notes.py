"""Review notes on working papers (审核意见): findings/review_notes.py and the sign-off check."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from findings import review_notes as rn
from findings import services as fs
from findings.models import ProblemStatus, ReviewerRole, ReviewNoteStatus
from findings.review_selectors import (
    note_counts,
    notes_by_author,
    notes_of_team,
    notes_to_answer,
    paper_edited_after_review,
    review_notes_visible_to,
)
from tests.world import category, draft_problem, on_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(world):
    """A paper by the team member, signed by them, waiting for the deputy."""
    problem = draft_problem(world, on_site(world))
    return fs.problem_sign_handler(user=world.team_member, problem=problem)


def note_on(world, paper, text="请补充具体时间和涉及金额", user=None):
    return rn.review_note_add(user=user or world.team_deputy, problem=paper, text=text, expected_version=paper.version)


def test_a_deputy_leaves_a_note_the_drafter_answers_and_the_deputy_clears(world, paper):
    note = note_on(world, paper)
    assert (note.status, note.author, note.author_role, note.paper_version) == (
        ReviewNoteStatus.OPEN,
        world.team_deputy,
        ReviewerRole.DEPUTY,
        paper.version,
    )
    note = rn.review_note_answer(
        user=world.team_member, note=note, answer="已补充：2025年3月，共12万元", expected_version=1
    )
    assert (note.status, note.answered_by, note.version) == (ReviewNoteStatus.ANSWERED, world.team_member, 2)
    note = rn.review_note_clear(user=world.team_deputy, note=note, expected_version=2)
    assert (note.status, note.cleared_by, note.version) == (ReviewNoteStatus.CLEARED, world.team_deputy, 3)
    reasons = [h.history_change_reason for h in note.history.order_by("history_date")]
    assert reasons == ["提出审核意见", "答复审核意见", "清除审核意见"]
    signed = fs.problem_sign_deputy(user=world.team_deputy, problem=paper)
    assert signed.status == ProblemStatus.DEPUTY_SIGNED


def test_office_staff_and_the_leader_are_reviewers_too(world, paper):
    assert note_on(world, paper, user=world.office).author_role == ReviewerRole.OFFICE
    assert note_on(world, paper, user=world.team_leader).author_role == ReviewerRole.LEADER


@pytest.mark.parametrize("status", [ReviewNoteStatus.OPEN, ReviewNoteStatus.ANSWERED])
def test_signing_with_a_note_not_cleared_is_refused(world, paper, status):
    note = note_on(world, paper)
    if status == ReviewNoteStatus.ANSWERED:
        rn.review_note_answer(user=world.team_member, note=note, answer="已补充")
    note_on(world, paper, text="第二条意见")
    expected = "1条、待清除1条" if status == ReviewNoteStatus.ANSWERED else "2条、待清除0条"
    with pytest.raises(ValidationError, match=f"该底稿尚有2条审核意见未清除（待答复{expected}）"):
        fs.problem_sign_deputy(user=world.team_deputy, problem=paper)
    paper.refresh_from_db()
    assert paper.status == ProblemStatus.HANDLER_SIGNED


def test_every_signing_step_checks_the_notes(world):
    inspection = on_site(world)
    draft = draft_problem(world, inspection)
    note_on(world, draft)
    with pytest.raises(ValidationError, match="审核意见未清除"):
        fs.problem_sign_handler(user=world.team_member, problem=draft)
    other = fs.problem_sign_deputy(
        user=world.team_deputy,
        problem=fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, inspection, "二")),
    )
    note_on(world, other, user=world.office)
    with pytest.raises(ValidationError, match="审核意见未清除"):
        fs.problem_approve(user=world.team_leader, problem=other)


# --- bad inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_note_is_refused(world, paper, text):
    with pytest.raises(ValidationError, match="请填写审核意见"):
        note_on(world, paper, text=text)
    assert paper.review_notes.count() == 0


def test_a_note_longer_than_the_limit_is_refused(world, paper):
    with pytest.raises(ValidationError, match="审核意见不能超过2000字（现为2001字）"):
        note_on(world, paper, text="字" * 2001)


def test_a_note_on_a_paper_changed_since_it_was_read_is_refused(world, paper):
    read = paper.version
    fs.problem_update(user=world.team_member, problem=paper, title="村务公开不及时（修改）")
    with pytest.raises(ValidationError, match=f"您打开的是第{read}版，当前为第{read + 1}版"):
        rn.review_note_add(user=world.team_deputy, problem=paper, text="意见", expected_version=read)


@pytest.mark.parametrize("username", ["team_member", "other_inspector", "liaison", "leader"])
def test_only_reviewers_leave_notes(world, paper, username):
    with pytest.raises(PermissionDenied):
        note_on(world, paper, user=world.users[username])


def test_a_leader_does_not_review_their_own_paper(world):
    own = fs.problem_draft(
        user=world.team_leader,
        inspection=on_site(world),
        title="组长自拟",
        description="具体表现",
        category=category(),
        method="interview",
    )
    with pytest.raises(PermissionDenied, match="承办人不能对自己的底稿提出审核意见"):
        note_on(world, own, user=world.team_leader)


def test_no_note_on_an_approved_paper(world, paper):
    paper = fs.problem_approve(
        user=world.team_leader, problem=fs.problem_sign_deputy(user=world.team_deputy, problem=paper)
    )
    with pytest.raises(ValidationError, match="问题已组长已审定，不能再提出审核意见"):
        note_on(world, paper)


@pytest.mark.parametrize("username", ["team_deputy", "team_leader", "office"])
def test_nobody_answers_someone_elses_paper(world, paper, username):
    note = note_on(world, paper)
    with pytest.raises(PermissionDenied, match="审核意见须由底稿承办人本人答复"):
        rn.review_note_answer(user=world.users[username], note=note, answer="代为答复")
    note.refresh_from_db()
    assert (note.status, note.answer) == (ReviewNoteStatus.OPEN, "")


def test_an_empty_answer_is_refused(world, paper):
    note = note_on(world, paper)
    with pytest.raises(ValidationError, match="请填写答复内容"):
        rn.review_note_answer(user=world.team_member, note=note, answer=" ")


@pytest.mark.parametrize("username", ["team_leader", "office", "team_member"])
def test_only_the_author_clears_a_note(world, paper, username):
    note = note_on(world, paper)
    with pytest.raises(PermissionDenied, match="审核意见只能由提出人本人清除"):
        rn.review_note_clear(user=world.users[username], note=note)
    note.refresh_from_db()
    assert note.status == ReviewNoteStatus.OPEN


def test_a_cleared_note_is_not_answered_nor_cleared_again(world, paper):
    note = rn.review_note_clear(user=world.team_deputy, note=note_on(world, paper))
    with pytest.raises(ValidationError, match="该审核意见已于.*清除，不能再答复"):
        rn.review_note_answer(user=world.team_member, note=note, answer="迟到的答复")
    with pytest.raises(ValidationError, match="该审核意见已清除"):
        rn.review_note_clear(user=world.team_deputy, note=note)


def test_an_answered_note_is_not_answered_twice(world, paper):
    note = rn.review_note_answer(user=world.team_member, note=note_on(world, paper), answer="第一次")
    with pytest.raises(ValidationError, match="该审核意见已答复，正等待提出人清除"):
        rn.review_note_answer(user=world.team_member, note=note, answer="第二次")


def test_a_stale_note_is_not_answered_or_cleared(world, paper):
    note = note_on(world, paper)
    rn.review_note_answer(user=world.team_member, note=note, answer="已补充", expected_version=1)
    with pytest.raises(ValidationError, match="您打开的是第1版，当前为第2版"):
        rn.review_note_clear(user=world.team_deputy, note=note, expected_version=1)
    note.refresh_from_db()
    assert note.status == ReviewNoteStatus.ANSWERED


# --- reads ------------------------------------------------------------------------------------


def test_edited_after_review_follows_the_last_review_act(world, paper):
    note = note_on(world, paper)
    assert not paper_edited_after_review(paper)
    paper = fs.problem_update(user=world.team_member, problem=paper, title="修改后的概述")
    assert paper_edited_after_review(paper)
    note = rn.review_note_clear(user=world.team_deputy, note=note)
    assert not paper_edited_after_review(paper)  # cleared after the edit: the reviewer saw it
    # A signature is not an edit.
    paper = fs.problem_sign_handler(user=world.team_member, problem=paper)
    assert not paper_edited_after_review(paper)
    assert not notes_by_author(world.team_deputy).get().edited_after_review


def test_the_lists_and_counts(world, paper):
    first = note_on(world, paper)
    second = note_on(world, paper, text="二")
    third = note_on(world, paper, text="三", user=world.team_leader)
    rn.review_note_answer(user=world.team_member, note=second, answer="答")
    rn.review_note_clear(user=world.team_leader, note=third)
    assert {n.pk for n in notes_by_author(world.team_deputy)} == {first.pk, second.pk}
    assert [n.pk for n in notes_to_answer(world.team_member)] == [first.pk]
    assert note_counts(notes_of_team(world.office, world.team)) == {"open": 1, "answered": 1, "cleared": 1, "total": 3}
    # A unit liaison and an inspector of another team never see a note.
    assert not review_notes_visible_to(world.liaison).exists()
    assert not review_notes_visible_to(world.other_inspector).exists()
    assert review_notes_visible_to(world.leader_b).count() == 0  # another district's leader
