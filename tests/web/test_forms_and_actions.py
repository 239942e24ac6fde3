"""Team pages and the recusal check, arranging an inspection, and the problem list's bulk
actions: a confirmation page first, then one history row per record."""

import pytest

from campaigns import services as cs
from campaigns.models import CadreSource, Inspection, Person, TeamMember
from findings.models import CommonProblem, Problem, ProblemStatus
from tests.accounts.scene import TEAM_A, TEAM_B
from tests.web.helpers import detail_matrix, expect_all, html, login, messages_of, workflow_controls
from tests.world import D, approve, category, draft_problem, on_site

pytestmark = pytest.mark.django_db


def test_a_team_page_opens_for_the_plans_readers_and_the_teams_own_members(scene, client):
    expected = {
        "office": {"A", "B", "district_a"},
        "office_a": {"A", "B", "district_a"},
        "leader": {"A", "B", "district_a"},
        "office_b": {"A", "B"},
        "leader_b": {"A", "B"},
        **{user: {"A"} for user in TEAM_A},
        **{user: {"B"} for user in TEAM_B},
    }
    assert detail_matrix(scene, client, "teams", "/teams/{pk}/") == expect_all(expected)


def test_a_team_page_lists_only_the_inspections_the_reader_may_see(scene, client):
    url = f"/teams/{scene.pks['teams']['A']}/"
    login(client, scene.users["office"])
    assert {i.organization.name for i in client.get(url).context["inspections"]} == {"青石镇党委", "青石村党支部"}
    login(client, scene.users["office_b"])
    response = client.get(url)
    assert list(response.context["inspections"]) == []
    assert "青石镇党委" not in html(response)


def test_only_the_office_of_the_teams_committee_gets_the_member_form(scene, client):
    for team, managers in (("A", {"office"}), ("district_a", {"office", "office_a"})):
        for key in ("office", "office_a", "leader", "team_leader"):
            login(client, scene.users[key])
            response = client.get(f"/teams/{scene.pks['teams'][team]}/")
            if response.status_code == 404:
                continue
            assert (response.context["form"] is not None) is (key in managers), (team, key)
            if key not in managers:
                assert not workflow_controls(response), (team, key)


def check(client, team, person, role="member"):
    return client.get(f"/teams/{team.pk}/check/", {"person": person.pk, "role": role})


def test_the_recusal_check_shows_a_conflict_before_saving_and_the_save_is_refused(scene, client):
    w = scene.world
    team = scene.get("teams", "A")  # inspects 青石镇 and 青石村
    pool_a, pool_b = w.persons["pool_a"], w.persons["pool_b"]  # pool_b declared a conflict with 青石镇
    villager = Person.objects.create(name="村干部甲", employer=w.village, source=CadreSource.SECONDED)
    login(client, scene.users["office"])
    page = html(client.get(f"/teams/{team.pk}/"))
    assert f'hx-get="/teams/{team.pk}/check/"' in page and 'id="recusal-check"' in page

    response = check(client, team, pool_b)
    assert response.status_code == 200
    assert "回避冲突，不能加入本组" in html(response)
    assert "pool_b：曾申报与青石镇党委存在利害关系（近亲属任职），应当回避。" in html(response)
    assert "村干部甲：工作单位为青石村党支部，属于被巡察单位，应当回避。" in html(check(client, team, villager))
    assert "未发现回避冲突。" in html(check(client, team, pool_a))
    assert html(client.get(f"/teams/{team.pk}/check/")).strip() == ""  # nothing chosen yet: nothing said

    members = team.members.count()
    response = client.post(f"/teams/{team.pk}/members/", {"person": pool_b.pk, "role": "member"})
    assert response.status_code == 400
    assert "pool_b：曾申报与青石镇党委存在利害关系（近亲属任职），应当回避。" in html(response)
    assert f'<option value="{pool_b.pk}" selected>' in html(response)
    assert team.members.count() == members

    response = client.post(f"/teams/{team.pk}/members/", {"person": pool_a.pk, "role": "member"}, follow=True)
    assert "已加入巡察组。" in html(response)
    assert team.members.filter(person=pool_a, role="member").exists()


def test_a_second_team_leader_is_refused_next_to_the_role(scene, client):
    team = scene.get("teams", "A")
    login(client, scene.users["office"])
    response = client.post(f"/teams/{team.pk}/members/", {"person": scene.world.persons["pool_a"].pk, "role": "leader"})
    assert response.status_code == 400
    assert "第一巡察组已有组长，一个巡察组只能有一名组长。" in response.context["form"].errors["role"]


@pytest.mark.parametrize("key, status", [("leader", 403), ("office_b", 403), ("team_leader", 403), ("liaison", 404)])
def test_nobody_else_checks_or_changes_a_teams_members(scene, client, key, status):
    team = scene.get("teams", "A")
    pool_b = scene.world.persons["pool_b"]
    login(client, scene.users[key])
    # The check names personal conflict declarations, which are the office's to read.
    assert check(client, team, pool_b).status_code == status
    assert client.post(f"/teams/{team.pk}/members/", {"person": pool_b.pk, "role": "member"}).status_code == status
    assert not TeamMember.objects.filter(team=team, person=pool_b).exists()


# --- Arranging an inspection ------------------------------------------------------------------------


def test_the_office_arranges_an_inspection_and_bad_input_is_explained(world, client):
    login(client, world.leader)
    assert client.get("/inspections/new/").status_code == 403
    assert "/inspections/new/" not in html(client.get("/inspections/"))
    login(client, world.office)
    assert "/inspections/new/" in html(client.get("/inspections/"))
    data = {"round": world.round.pk, "team": world.team.pk, "mode": "special", "theme": "", "earlier": ""}
    response = client.post("/inspections/new/", data | {"organization": "NO-SUCH"})
    assert response.status_code == 400
    assert "找不到组织代码为“NO-SUCH”的党组织" in " ".join(response.context["form"].errors["organization"])
    response = client.post("/inspections/new/", data | {"organization": world.community.code})
    assert response.status_code == 400
    assert response.context["form"].errors["theme"] == ["专项巡察须填写专项主题。"]
    assert f'value="{world.community.code}"' in html(response)
    assert not Inspection.objects.exists()
    response = client.post("/inspections/new/", data | {"organization": world.community.code, "theme": "饮水安全"})
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == f"/inspections/{inspection.pk}/"
    assert inspection.organization == world.community and inspection.theme == "饮水安全"


# --- Bulk actions on the problem list -----------------------------------------------------------------


def history_counts(problems) -> dict[int, int]:
    return {p.pk: p.history.count() for p in Problem.objects.filter(pk__in=[p.pk for p in problems])}


def bulk(client, action, problems, **confirm):
    data = {"action": action, "ids": [p.pk for p in problems]}
    if confirm:
        data |= {"confirm": "1", **confirm}
    return client.post("/problems/", data, follow=bool(confirm))


def test_re_classing_selected_problems_asks_first_then_leaves_one_history_row_each(scene, client):
    problems = [scene.get("problems", "A.p_open"), scene.get("problems", "B.p_open")]
    before = history_counts(problems)
    login(client, scene.users["office"])
    assert 'name="ids"' in html(client.get("/problems/"))
    response = bulk(client, "category", problems)
    assert response.status_code == 200
    page = html(response)
    assert "调整类别" in page and "将对以下2个问题进行操作" in page and "青石镇党委 · p_open" in page
    assert history_counts(problems) == before  # nothing changed yet
    response = bulk(client, "category", problems, category=category("B03").pk)
    assert "已调整2个问题的类别。" in html(response)
    for problem in Problem.objects.filter(pk__in=[p.pk for p in problems]):
        assert problem.category == category("B03")
        assert problem.history.count() == before[problem.pk] + 1
        assert problem.history.first().history_user == scene.users["office"]


def test_linking_selected_problems_into_a_new_common_problem(scene, client):
    problems = [scene.get("problems", "A.p_rect"), scene.get("problems", "B.p_rect")]
    before = history_counts(problems)
    login(client, scene.users["office"])
    response = bulk(client, "common", problems, existing="", title="")
    assert response.status_code == 400
    assert "请选择已有共性问题，或填写新共性问题的名称。" in html(response)
    response = bulk(client, "common", problems, existing="", title="集体资产管理不规范")
    assert "已将2个问题归入共性问题“集体资产管理不规范”。" in html(response)
    common = CommonProblem.objects.get(title="集体资产管理不规范")
    assert set(common.problems.values_list("pk", flat=True)) == {p.pk for p in problems}
    after = history_counts(problems)
    assert all(after[pk] == before[pk] + 1 for pk in before)


def test_feeding_back_from_the_list_feeds_back_each_inspection_once(world, client):
    inspection = on_site(world)
    problems = [approve(world, draft_problem(world, inspection, title=f"问题{i}")) for i in (1, 2)]
    cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    before = history_counts(problems)
    login(client, world.office)
    response = bulk(client, "feed_back", problems)
    assert response.status_code == 200 and "反馈所属巡察" in html(response)
    response = bulk(client, "feed_back", problems, on="2026-04-01")
    assert "反馈日期不能早于撤离日期2026-04-10。" in " ".join(messages_of(response)) + html(response)
    assert history_counts(problems) == before
    response = bulk(client, "feed_back", problems, on="2026-05-10")
    assert "已反馈1个巡察。" in html(response)
    after = history_counts(problems)
    for problem in Problem.objects.filter(pk__in=[p.pk for p in problems]):
        assert problem.status == ProblemStatus.FED_BACK
        assert after[problem.pk] == before[problem.pk] + 1


def test_a_bulk_action_needs_rows_and_an_action(scene, client):
    login(client, scene.users["office"])
    response = client.post("/problems/", {"action": "category"}, follow=True)
    assert "请先勾选要处理的问题。" in html(response)
    response = client.post("/problems/", {"ids": [scene.pks["problems"]["A.p_open"]]}, follow=True)
    assert "请选择批量操作。" in html(response)


def test_rows_outside_the_jurisdiction_are_never_touched_by_a_bulk_action(scene, client):
    problem = scene.get("problems", "A.p_open")
    before = history_counts([problem])
    login(client, scene.users["office_b"])
    response = bulk(client, "category", [problem], category=category("B03").pk)
    assert "请先勾选要处理的问题。" in html(response)
    assert history_counts([problem]) == before


def test_leaders_are_offered_no_bulk_action(scene, client):
    problem = scene.get("problems", "A.p_open")
    before = history_counts([problem])
    login(client, scene.users["leader"])
    assert 'name="ids"' not in html(client.get("/problems/"))
    assert bulk(client, "sign_off", [problem]).status_code == 403
    assert history_counts([problem]) == before


@pytest.mark.parametrize("key", ["leader", "team_leader", "team_member"])
def test_only_the_office_is_offered_and_may_post_the_editing_bulk_actions(scene, client, key):
    """Team members are offered the bulk sign-off of papers (findings/test_signoff_bulk.py), not
    the office's edits of categories, common problems and feedback."""
    problem = scene.get("problems", "A.p_open")
    before = history_counts([problem])
    login(client, scene.users[key])
    page = html(client.get("/problems/"))
    assert 'value="category"' not in page and 'value="feed_back"' not in page
    assert bulk(client, "category", [problem]).status_code == 403
    assert client.post("/problems/", {"action": "category", "ids": [problem.pk], "confirm": "1"}).status_code == 403
    assert history_counts([problem]) == before
