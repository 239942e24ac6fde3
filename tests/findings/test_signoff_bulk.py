"""Bulk sign-off (issue 11): a team leader approves many working papers at once — the same
checks as one by one, all or nothing, a history row per paper, one figures refresh."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings import review_notes as rn
from findings import services as fs
from findings.models import Problem, ProblemStatus
from outbox.models import Job
from tests.world import draft_problem, on_site

pytestmark = pytest.mark.django_db

REFRESH = "reports.refresh_rollups"


def deputy_signed(world, inspection, n: int) -> list[Problem]:
    papers = []
    for i in range(n):
        paper = fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, inspection, f"问题{i}"))
        papers.append(fs.problem_sign_deputy(user=world.team_deputy, problem=paper))
    return papers


def state(papers) -> list[tuple]:
    return sorted(
        Problem.objects.filter(pk__in=[p.pk for p in papers]).values_list("pk", "status", "version", "leader_signed_by")
    )


def test_a_leader_approves_twelve_papers_of_two_inspections_at_once(world):
    first, second = on_site(world), on_site(world, world.village)
    papers = deputy_signed(world, first, 7) + deputy_signed(world, second, 5)
    history_before = Problem.history.count()
    Job.objects.all().delete()
    connection.run_on_commit.clear()  # as in a new request: no job of the setup's own to join

    assert fs.problems_sign_off(user=world.team_leader, problems=papers, step="leader") == 12

    rows = Problem.objects.filter(pk__in=[p.pk for p in papers])
    assert {(r.status, r.leader_signed_by_id, r.version) for r in rows} == {
        (ProblemStatus.APPROVED, world.team_leader.pk, 4)
    }
    assert all(r.leader_signed_at is not None for r in rows)
    # One history row per paper, by the leader, saying what happened.
    new = Problem.history.order_by("-history_id")[:12]
    assert {(h.history_user_id, h.history_change_reason, h.status) for h in new} == {
        (world.team_leader.pk, "批量组长审定", ProblemStatus.APPROVED)
    }
    assert Problem.history.count() == history_before + 12
    # One outbox job for the whole selection, naming both inspections.
    assert list(Job.objects.filter(task=REFRESH).values_list("args", flat=True)) == [[sorted([first.pk, second.pk])]]


def test_the_queries_do_not_grow_with_the_number_of_papers(world):
    inspection = on_site(world)
    few, many = deputy_signed(world, inspection, 3), deputy_signed(world, inspection, 30)
    counts = []
    for papers in (few, many):
        with CaptureQueriesContext(connection) as queries:
            fs.problems_sign_off(user=world.team_leader, problems=papers, step="leader")
        counts.append(len(queries))
    # Bulk update and history insert are batched; nothing is asked per paper.
    assert counts[0] == counts[1], counts
    assert counts[1] <= 15, counts


def test_the_deputy_signs_a_selection_and_the_drafter_signs_theirs(world):
    inspection = on_site(world)
    drafts = [draft_problem(world, inspection, f"问题{i}") for i in range(4)]
    assert fs.problems_sign_off(user=world.team_member, problems=drafts, step="handler") == 4
    assert fs.problems_sign_off(user=world.team_deputy, problems=drafts, step="deputy") == 4
    assert set(Problem.objects.filter(pk__in=[p.pk for p in drafts]).values_list("status", flat=True)) == {
        ProblemStatus.DEPUTY_SIGNED
    }


def test_one_paper_with_an_open_review_note_refuses_the_whole_selection_and_names_it(world):
    inspection = on_site(world)
    papers = deputy_signed(world, inspection, 5)
    rn.review_note_add(user=world.team_leader, problem=papers[2], text="金额与凭证不符，请核实", expected_version=3)
    before, history = state(papers), Problem.history.count()
    Job.objects.all().delete()

    with pytest.raises(ValidationError) as refused:
        fs.problems_sign_off(user=world.team_leader, problems=papers, step="leader")

    messages = refused.value.messages
    assert messages[0] == "以下1份底稿不能组长审定，本次未签署任何底稿。"
    assert len(messages) == 2
    assert f"第{papers[2].number}号底稿“问题2”" in messages[1]
    assert "尚有1条审核意见未清除（待答复1条、待清除0条）" in messages[1]
    assert state(papers) == before
    assert Problem.history.count() == history
    assert not Job.objects.exists()


def test_papers_at_the_wrong_step_or_signed_by_the_wrong_person_are_each_named(world):
    inspection = on_site(world)
    ready = deputy_signed(world, inspection, 2)
    draft = draft_problem(world, inspection, "尚未签字的问题")
    with pytest.raises(ValidationError) as refused:
        fs.problems_sign_off(user=world.team_leader, problems=[*ready, draft], step="leader")
    assert "须先经副组长审核" in refused.value.messages[1]
    # A team member cannot approve at all: every paper is refused, with the reason.
    with pytest.raises(ValidationError) as refused:
        fs.problems_sign_off(user=world.team_member, problems=ready, step="leader")
    assert refused.value.messages[0] == "以下2份底稿不能组长审定，本次未签署任何底稿。"
    assert all("此操作须由组长进行" in m for m in refused.value.messages[1:])
    assert {p.status for p in Problem.objects.filter(pk__in=[p.pk for p in ready])} == {ProblemStatus.DEPUTY_SIGNED}


def test_a_withdrawn_paper_in_the_selection_is_named(world):
    inspection = on_site(world)
    papers = deputy_signed(world, inspection, 2)
    fs.problem_withdraw(user=world.team_leader, problem=papers[1], reason="重复登记")
    with pytest.raises(ValidationError) as refused:
        fs.problems_sign_off(user=world.team_leader, problems=papers, step="leader")
    assert refused.value.messages[1].endswith("问题已撤销，不能再办理。")
    assert Problem.objects.get(pk=papers[0].pk).status == ProblemStatus.DEPUTY_SIGNED


@pytest.mark.parametrize(
    ("step", "papers", "message"),
    [
        ("approve", 1, "请选择签署环节。"),
        ("leader", 0, "请先勾选要签署的底稿。"),
    ],
)
def test_bad_requests_are_refused_in_chinese(world, step, papers, message):
    inspection = on_site(world)
    chosen = deputy_signed(world, inspection, papers)
    with pytest.raises(ValidationError) as refused:
        fs.problems_sign_off(user=world.team_leader, problems=chosen, step=step)
    assert refused.value.messages == [message]


def test_more_than_the_limit_is_refused_before_anything_is_read(world, monkeypatch):
    from findings.services import signoff

    monkeypatch.setattr(signoff, "MAX_PAPERS", 2)
    inspection = on_site(world)
    papers = deputy_signed(world, inspection, 3)
    with pytest.raises(ValidationError, match="一次最多签署2份底稿（现选3份），请分批签署。"):
        fs.problems_sign_off(user=world.team_leader, problems=papers, step="leader")


def test_the_problem_list_offers_bulk_sign_off_and_reports_what_it_did(world, client):
    inspection = on_site(world)
    papers = deputy_signed(world, inspection, 3)
    client.force_login(world.team_leader)
    ids = [str(p.pk) for p in papers]
    page = client.post("/problems/", {"action": "sign_off", "ids": ids})
    assert page.status_code == 200
    assert "批量签署底稿" in page.content.decode() and "签署环节" in page.content.decode()
    done = client.post("/problems/", {"action": "sign_off", "ids": ids, "step": "leader", "confirm": "1"}, follow=True)
    assert "已签署3份底稿（组长审定）。" in done.content.decode()
    assert set(Problem.objects.filter(pk__in=ids).values_list("status", flat=True)) == {ProblemStatus.APPROVED}


def test_a_refused_bulk_sign_off_shows_the_reasons_and_keeps_the_selection(world, client):
    inspection = on_site(world)
    papers = deputy_signed(world, inspection, 2)
    client.force_login(world.team_member)
    ids = [str(p.pk) for p in papers]
    page = client.post("/problems/", {"action": "sign_off", "ids": ids, "step": "leader", "confirm": "1"})
    body = page.content.decode()
    assert page.status_code == 400
    assert "本次未签署任何底稿" in body and "此操作须由组长进行" in body
    assert body.count('name="ids"') == 2
