"""The problem page and the common-problem page from each role, the three-step sign-off through
its buttons and URLs, and the working-paper forms."""

import pytest

from findings import services as fs
from findings.models import Problem, ProblemStatus
from tests.accounts.scene import TEAM_A, TEAM_B
from tests.web.helpers import detail_matrix, expect_all, html, login, workflow_controls
from tests.world import approve, category, draft_problem, on_site

pytestmark = pytest.mark.django_db

URL = "/problems/{pk}/"
EVERY = {"p_rect", "p_ongoing", "p_open", "k_draft", "k_approved"}
FED_BACK = {"p_rect", "p_ongoing", "p_open"}


def place(p: str, labels) -> set[str]:
    return {f"{p}.{label}" for label in labels}


def test_a_problem_page_opens_for_its_jurisdiction_and_is_not_found_elsewhere(scene, client):
    expected = {
        "office": place("A", EVERY) | place("B", EVERY),
        "leader": place("A", EVERY) | place("B", EVERY),
        "office_a": place("A", EVERY),
        "office_b": place("B", EVERY),
        "leader_b": place("B", EVERY),
        **{user: place("A", EVERY) for user in TEAM_A},
        **{user: place("B", EVERY) for user in TEAM_B},
        # Fed back to the unit: never a working paper still being signed.
        "liaison": place("A", FED_BACK),
        "liaison_b": place("B", FED_BACK),
    }
    assert detail_matrix(scene, client, "problems", URL) == expect_all(expected)


def test_a_common_problem_page_lists_only_the_units_the_user_may_see(scene, client):
    expected = {
        "office": {"both", "k_a"},
        "leader": {"both", "k_a"},
        "office_a": {"both", "k_a", "empty_by_office_a"},
        "office_b": {"both"},
        "leader_b": {"both"},
        **{user: {"both", "k_a"} for user in TEAM_A},
        **{user: {"both"} for user in TEAM_B},
        "liaison": {"both"},
        "liaison_b": {"both"},
    }
    assert detail_matrix(scene, client, "common_problems", "/common-problems/{pk}/") == expect_all(expected)
    url = f"/common-problems/{scene.pks['common_problems']['both']}/"
    for key, problems in (("office", {"A.p_open", "B.p_open"}), ("office_b", {"B.p_open"}), ("liaison", {"A.p_open"})):
        login(client, scene.users[key])
        response = client.get(url)
        assert scene.labels_of("problems", [p.pk for p in response.context["problems"]]) == problems, key
    # The unit is not sent to a list it may not open.
    assert "/problems/?common=" not in html(response)
    login(client, scene.users["office"])
    assert f"/problems/?common={scene.pks['common_problems']['both']}" in html(client.get(url))


def test_a_leader_finds_no_workflow_control_on_a_problem_or_common_problem_page(scene, client):
    login(client, scene.users["leader"])
    for pk in scene.pks["problems"].values():
        assert not workflow_controls(client.get(URL.format(pk=pk))), pk
    for pk in scene.pks["common_problems"].values():
        response = client.get(f"/common-problems/{pk}/")
        if response.status_code == 200:
            assert not workflow_controls(response)


def test_the_unit_sees_its_problem_but_not_who_signed_the_working_paper(scene, client):
    login(client, scene.users["liaison"])
    page = html(client.get(URL.format(pk=scene.pks["problems"]["A.p_open"])))
    assert "p_open的具体表现" in page and "p_open的整改措施" in page
    for hidden in ("底稿审签", "team_member", "team_deputy", "team_leader", "组长审定"):
        assert hidden not in page, hidden
    login(client, scene.users["team_member"])
    page = html(client.get(URL.format(pk=scene.pks["problems"]["A.p_open"])))
    assert "底稿审签" in page and "team_deputy" in page and "组长审定" in page


def test_the_notice_completion_link_is_for_the_team_and_the_office_only(scene, client):
    notice = scene.pks["notices"]["A.k_notice"]
    url = URL.format(pk=scene.pks["problems"]["A.k_approved"])
    for key, linked in (("team_member", True), ("office_a", True), ("leader", False)):
        login(client, scene.users[key])
        page = html(client.get(url))
        assert "清点资产" in page
        assert (f"/notices/{notice}/complete/" in page) is linked, key


# --- The three-step sign-off --------------------------------------------------------------------

BUTTONS = {"sign-handler": "承办人签字", "sign-deputy": "副组长审核通过", "approve": "组长审定"}
WHO = ("team_member", "team_deputy", "team_leader", "office", "leader", "other_inspector")


def buttons_for(client, world, problem) -> dict[str, set[str]]:
    """Who sees which sign-off button on the problem page."""
    shown = {}
    for key in WHO:
        login(client, getattr(world, key))
        response = client.get(URL.format(pk=problem.pk))
        page = html(response) if response.status_code == 200 else ""
        shown[key] = {step for step, label in BUTTONS.items() if f"/sign/{step}/" in page and label in page}
    return {key: steps for key, steps in shown.items() if steps}


def sign(client, user, problem, step: str):
    login(client, user)
    return client.post(f"/problems/{problem.pk}/sign/{step}/", follow=True)


def test_each_signature_is_offered_to_its_signer_and_moves_the_paper_on(world, client):
    problem = draft_problem(world, on_site(world))
    assert buttons_for(client, world, problem) == {"team_member": {"sign-handler"}}
    response = sign(client, world.team_member, problem, "sign-handler")
    assert "承办人已签字。" in html(response)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.HANDLER_SIGNED
    # The team has a deputy, so only the deputy reviews (the leader signs the third step).
    assert buttons_for(client, world, problem) == {"team_deputy": {"sign-deputy"}}
    response = sign(client, world.team_deputy, problem, "sign-deputy")
    assert "副组长已审核。" in html(response)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.DEPUTY_SIGNED
    assert buttons_for(client, world, problem) == {"team_leader": {"approve"}}
    response = sign(client, world.team_leader, problem, "approve")
    assert "组长已审定，问题已确认。" in html(response)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.APPROVED and problem.leader_signed_by == world.team_leader
    assert buttons_for(client, world, problem) == {}


def snapshot(problem: Problem) -> tuple:
    problem.refresh_from_db()
    return problem.status, problem.version, problem.history.count()


def test_approving_twice_is_refused_with_the_reason(world, client):
    problem = approve(world, draft_problem(world, on_site(world)))
    before = snapshot(problem)
    response = sign(client, world.team_leader, problem, "approve")
    assert "须先经副组长审核" in html(response)
    assert snapshot(problem) == before


@pytest.mark.parametrize(
    "signer, step, at",
    [
        ("team_deputy", "sign-handler", ProblemStatus.DRAFT),  # only the drafter signs first
        ("leader", "sign-handler", ProblemStatus.DRAFT),
        ("team_member", "sign-deputy", ProblemStatus.HANDLER_SIGNED),  # the drafter cannot review
        ("office", "sign-deputy", ProblemStatus.HANDLER_SIGNED),
        ("team_deputy", "approve", ProblemStatus.DEPUTY_SIGNED),
        ("office", "approve", ProblemStatus.DEPUTY_SIGNED),
        ("team_leader", "unknown-step", ProblemStatus.DRAFT),
    ],
)
def test_a_signature_by_the_wrong_person_is_forbidden_and_changes_nothing(world, client, signer, step, at):
    problem = draft_problem(world, on_site(world))
    if at != ProblemStatus.DRAFT:
        problem = fs.problem_sign_handler(user=world.team_member, problem=problem)
    if at == ProblemStatus.DEPUTY_SIGNED:
        problem = fs.problem_sign_deputy(user=world.team_deputy, problem=problem)
    before = snapshot(problem)
    login(client, getattr(world, signer))
    assert client.post(f"/problems/{problem.pk}/sign/{step}/").status_code == 403
    assert snapshot(problem) == before


def test_signing_is_a_post_and_out_of_reach_of_others(scene, client):
    problem = scene.get("problems", "A.k_draft")
    login(client, scene.users["team_member"])
    assert client.get(f"/problems/{problem.pk}/sign/sign-handler/").status_code == 405
    before = snapshot(problem)
    for key, status in (("liaison", 404), ("office_b", 404), ("b_leader", 404), ("nobody", 404)):
        login(client, scene.users[key])
        assert client.post(f"/problems/{problem.pk}/sign/sign-handler/").status_code == status, key
    # A fed-back problem is past signing, even for its unit.
    fed = scene.get("problems", "A.p_open")
    fed_before = snapshot(fed)
    response = sign(client, scene.users["liaison"], fed, "approve")
    assert response.status_code == 200 and "不能审定底稿" in html(response)
    assert snapshot(fed) == fed_before and snapshot(problem) == before


def test_a_reviewer_returns_a_paper_with_a_reason(world, client):
    problem = fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, on_site(world)))
    login(client, world.team_deputy)
    assert f"/problems/{problem.pk}/return/" in html(client.get(URL.format(pk=problem.pk)))
    response = client.post(f"/problems/{problem.pk}/return/", {"reason": ""})
    assert response.status_code == 400 and "这个字段是必填项。" in html(response)
    response = client.post(f"/problems/{problem.pk}/return/", {"reason": "事实不清"}, follow=True)
    assert "底稿已退回承办人。" in html(response)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.DRAFT and problem.handler_signed_at is None
    assert problem.history.first().history_change_reason == "退回底稿：事实不清"


# --- Forms ----------------------------------------------------------------------------------


def test_a_working_paper_without_a_title_is_refused_and_keeps_what_was_typed(world, client):
    inspection = on_site(world)
    login(client, world.team_member)
    url = f"/inspections/{inspection.pk}/problems/new/"
    assert client.get(url).status_code == 200
    data = {"title": "", "description": "会议记录缺失", "category": category("A01").pk, "method": "documents"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["title"] == ["这个字段是必填项。"]
    page = html(response)
    assert 'class="invalid-feedback d-block">这个字段是必填项。' in page
    assert "会议记录缺失</textarea>" in page
    assert '<option value="documents" selected>' in page
    assert not inspection.problems.exists()
    response = client.post(url, data | {"title": "三会一课记录不全"}, follow=True)
    problem = inspection.problems.get()
    assert response.redirect_chain[-1][0] == URL.format(pk=problem.pk)
    assert "底稿已保存，请承办人签字。" in html(response)
    assert problem.drafted_by == world.team_member


def test_a_null_character_is_refused_in_plain_chinese_and_the_rest_kept(world, client):
    inspection = on_site(world)
    login(client, world.team_member)
    data = {"title": "标题\x00", "description": "会议记录缺失", "category": category("A01").pk, "method": "documents"}
    response = client.post(f"/inspections/{inspection.pk}/problems/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["title"] == ["不能包含空字符（NUL，代码为0的字符），请删去后重新提交。"]
    assert "空字符串" not in html(response)  # Django's own translation, which says something else
    assert "会议记录缺失</textarea>" in html(response)
    assert not inspection.problems.exists()


def test_an_involved_organization_outside_the_unit_is_refused_next_to_the_field(world, client):
    inspection = on_site(world)
    login(client, world.team_member)
    data = {"title": "问题", "description": "表现", "category": category("A01").pk, "method": "interview"}
    response = client.post(
        f"/inspections/{inspection.pk}/problems/new/", data | {"involved_organization": world.village_b.code}
    )
    assert response.status_code == 400
    assert "不是被巡察单位青石镇党委的下属组织" in " ".join(response.context["form"].errors["involved_organization"])
    assert f'value="{world.village_b.code}"' in html(response)
    response = client.post(f"/inspections/{inspection.pk}/problems/new/", data | {"involved_organization": "NO-SUCH"})
    assert "找不到组织代码" in " ".join(response.context["form"].errors["involved_organization"])


def test_an_edit_on_a_stale_copy_is_refused_and_keeps_what_was_typed(world, client):
    problem = draft_problem(world, on_site(world))
    login(client, world.team_member)
    url = f"/problems/{problem.pk}/edit/"
    form = client.get(url).context["form"]
    assert form.initial["version"] == problem.version
    fs.problem_update(user=world.team_deputy, problem=problem, title="副组长改过的标题")  # someone else saves
    data = {
        "title": "我的修改",
        "description": "新的表现",
        "category": category("A02").pk,
        "method": "interview",
        "version": form.initial["version"],
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "他人修改" in html(response)
    assert 'value="我的修改"' in html(response)
    problem.refresh_from_db()
    assert problem.title == "副组长改过的标题"
    response = client.post(url, data | {"version": problem.version}, follow=True)
    assert "底稿已修改" in html(response)
    problem.refresh_from_db()
    assert problem.title == "我的修改" and problem.category == category("A02")


def test_the_team_leader_withdraws_a_paper_with_a_reason(world, client):
    problem = draft_problem(world, on_site(world))
    login(client, world.team_member)
    assert f"/problems/{problem.pk}/withdraw/" not in html(client.get(URL.format(pk=problem.pk)))
    assert client.post(f"/problems/{problem.pk}/withdraw/", {"reason": "重复"}).status_code == 403
    login(client, world.team_leader)
    response = client.post(f"/problems/{problem.pk}/withdraw/", {"reason": "与问题1重复"}, follow=True)
    assert "问题已撤销。" in html(response)
    problem.refresh_from_db()
    assert problem.is_withdrawn and problem.withdrawn_reason == "与问题1重复"
    # A withdrawn paper leaves the list but its page still opens, marked as withdrawn.
    assert problem.pk not in [row["obj"].pk for row in client.get("/problems/").context["table"]]
    assert "已撤销" in html(client.get(URL.format(pk=problem.pk)))
