"""The 审核意见 panel on the working-paper page, its three steps through the browser's forms,
and the lists per reviewer and per team."""

import pytest

from findings import review_notes as rn
from findings import services as fs
from findings.models import ReviewNote, ReviewNoteStatus
from tests.web.helpers import html, login, messages_of, row_pks
from tests.world import draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(world):
    return fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, on_site(world)))


def page(client, paper) -> str:
    return html(client.get(f"/problems/{paper.pk}/"))


def add(client, paper, text="请补充涉及金额", version=None):
    version = paper.version if version is None else version
    return client.post(f"/problems/{paper.pk}/review-notes/new/", {"text": text, "version": version})


def test_the_deputy_sees_the_form_and_leaves_a_note(world, client, paper):
    login(client, world.team_deputy)
    assert 'id="review-note-text"' in page(client, paper)
    response = add(client, paper)
    assert response.status_code == 302 and response.url == f"/problems/{paper.pk}/#review-notes"
    assert messages_of(response) == ["审核意见已提出，待承办人答复。"]
    assert paper.review_notes.get().text == "请补充涉及金额"


@pytest.mark.parametrize("username", ["team_member", "leader", "other_inspector"])
def test_others_get_no_form_and_are_refused(world, client, paper, username):
    login(client, world.users[username])
    response = client.get(f"/problems/{paper.pk}/")
    if response.status_code == 200:
        assert 'id="review-note-text"' not in html(response)
    assert add(client, paper).status_code in (403, 404)
    assert not ReviewNote.objects.exists()


def test_an_empty_note_comes_back_with_a_message(world, client, paper):
    login(client, world.team_deputy)
    response = add(client, paper, text="  ")
    assert response.status_code == 400
    assert "请填写审核意见。" in html(response)
    assert not ReviewNote.objects.exists()


def test_a_note_on_a_stale_paper_keeps_what_was_typed(world, client, paper):
    read = paper.version
    fs.problem_update(user=world.team_member, problem=paper, title="改过的概述")
    login(client, world.team_deputy)
    response = add(client, paper, text="我写的意见不丢失", version=read)
    assert response.status_code == 400
    body = html(response)
    assert f"您打开的是第{read}版，当前为第{read + 1}版" in body and "我写的意见不丢失" in body
    assert not ReviewNote.objects.exists()


def test_the_drafter_answers_and_the_deputy_clears_then_signs(world, client, paper):
    note = rn.review_note_add(user=world.team_deputy, problem=paper, text="请补充")
    login(client, world.team_member)
    assert f'action="/review-notes/{note.pk}/answer/"' in page(client, paper)
    response = client.post(f"/review-notes/{note.pk}/answer/", {"answer": "已补充", "version": 1})
    assert messages_of(response) == ["已答复，待提出人清除。"]
    login(client, world.team_deputy)
    body = page(client, paper)
    assert f'action="/review-notes/{note.pk}/clear/"' in body and f"/review-notes/{note.pk}/answer/" not in body
    response = client.post(f"/problems/{paper.pk}/sign/sign-deputy/")
    assert messages_of(response) == ["该底稿尚有1条审核意见未清除（待答复0条、待清除1条），须由提出人清除后才能签字。"]
    client.post(f"/review-notes/{note.pk}/clear/", {"version": 2})
    note.refresh_from_db()
    assert note.status == ReviewNoteStatus.CLEARED
    response = client.post(f"/problems/{paper.pk}/sign/sign-deputy/")
    assert messages_of(response)[-1] == "副组长已审核。"


def test_answering_someone_elses_paper_and_clearing_someone_elses_note_are_refused(world, client, paper):
    note = rn.review_note_add(user=world.team_deputy, problem=paper, text="请补充")
    login(client, world.team_leader)
    assert client.post(f"/review-notes/{note.pk}/answer/", {"answer": "代答", "version": 1}).status_code == 403
    assert client.post(f"/review-notes/{note.pk}/clear/", {"version": 1}).status_code == 403
    note.refresh_from_db()
    assert (note.status, note.answer) == (ReviewNoteStatus.OPEN, "")


def test_answering_a_cleared_note_says_so(world, client, paper):
    note = rn.review_note_clear(
        user=world.team_deputy, note=rn.review_note_add(user=world.team_deputy, problem=paper, text="x")
    )
    login(client, world.team_member)
    response = client.post(f"/review-notes/{note.pk}/answer/", {"answer": "迟到", "version": 2})
    assert response.status_code == 302
    assert messages_of(response)[0].startswith("该审核意见已于")


def test_the_paper_is_marked_edited_after_review(world, client, paper):
    rn.review_note_add(user=world.team_deputy, problem=paper, text="请补充")
    login(client, world.team_deputy)
    assert 'id="edited-after-review"' not in page(client, paper)
    fs.problem_update(user=world.team_member, problem=paper, description="补充后的具体表现")
    assert 'id="edited-after-review"' in page(client, paper)
    response = client.get("/review-notes/mine/")
    assert "修改于审核后" in html(response)


def test_a_unit_never_sees_the_notes(world, client):
    inspection = fed_back(world, problems=1)
    problem = inspection.problems.get()
    login(client, world.liaison)
    body = html(client.get(f"/problems/{problem.pk}/"))
    assert "审核意见" not in body


def notes(world, paper, n):
    for i in range(n):
        rn.review_note_add(user=world.team_deputy, problem=paper, text=f"意见{i}")


@pytest.mark.parametrize(
    ("url", "username"),
    [("/review-notes/mine/", "team_deputy"), ("/review-notes/to-answer/", "team_member"), ("team", "office")],
)
def test_the_lists_cost_the_same_queries_for_more_rows(
    world, client, paper, url, username, django_assert_max_num_queries
):
    url = f"/teams/{world.team.pk}/review-notes/" if url == "team" else url
    login(client, world.users[username])
    notes(world, paper, 2)
    client.get(url)  # warm the per-user caches
    with django_assert_max_num_queries(14) as small:
        assert len(row_pks(client.get(url))) == 2
    notes(world, paper, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(row_pks(client.get(url))) == 10


def test_the_team_list_counts_and_filters(world, client, paper):
    a = rn.review_note_add(user=world.team_deputy, problem=paper, text="一")
    b = rn.review_note_add(user=world.team_deputy, problem=paper, text="二")
    rn.review_note_add(user=world.team_leader, problem=paper, text="三")
    rn.review_note_clear(
        user=world.team_deputy, note=rn.review_note_answer(user=world.team_member, note=a, answer="答")
    )
    rn.review_note_answer(user=world.team_member, note=b, answer="答")
    login(client, world.office)
    response = client.get(f"/teams/{world.team.pk}/review-notes/")
    assert response.context["counts"] == {"open": 1, "answered": 1, "cleared": 1, "total": 3}
    assert "待答复 1 条 · 待清除 1 条 · 已清除 1 条" in html(response)
    assert row_pks(client.get(f"/teams/{world.team.pk}/review-notes/?status=answered")) == [b.pk]
    summary = html(client.get(f"/teams/{world.team.pk}/review-notes/summary/"))
    assert '<strong class="count-open">1</strong>' in summary
    assert '<strong class="count-cleared">1</strong>' in summary
    assert f'hx-get="/teams/{world.team.pk}/review-notes/summary/"' in html(client.get(f"/teams/{world.team.pk}/"))


def test_a_team_list_is_not_found_outside_its_jurisdiction(world, client, paper):
    login(client, world.other_inspector)
    assert client.get(f"/teams/{world.team.pk}/review-notes/").status_code == 404
    login(client, world.liaison)
    assert client.get(f"/teams/{world.team.pk}/review-notes/").status_code == 403
