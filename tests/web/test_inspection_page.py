"""The inspection page (the hub) with each ?tab=, from each role; its workflow buttons appear
only to whom the step is allowed, and each step goes through its URL."""

import pytest

from campaigns import services as cs
from campaigns.models import InspectionStatus
from findings.models import ProblemStatus
from rectification import services as rs
from tests.accounts.scene import TEAM_A, TEAM_B, USERS
from tests.web.helpers import detail_matrix, expect_all, html, login, workflow_controls
from tests.world import D, approve, create_inspection, draft_problem, on_site

pytestmark = pytest.mark.django_db

URL = "/inspections/{pk}/"
TEAM_SIDE_TABS = {"overview", "petitions", "problems", "clues", "notices", "measures", "handover", "supervision"}
TEAM_SIDE_TABS |= {"evaluation", "history"}
CONFIDENTIAL_TABS = {"petitions", "clues", "notices", "handover", "history"}
EVERY_TAB = sorted(TEAM_SIDE_TABS | {"feedback", "nonsense"})


def test_an_inspection_page_opens_for_its_jurisdiction_and_is_not_found_elsewhere(scene, client):
    both = {"A.I", "A.K", "B.I", "B.K"}
    expected = {
        "office": both,
        "leader": both,
        "office_a": {"A.I", "A.K"},
        "office_b": {"B.I", "B.K"},
        "leader_b": {"B.I", "B.K"},
        **{user: {"A.I", "A.K"} for user in TEAM_A},
        **{user: {"B.I", "B.K"} for user in TEAM_B},
        # A unit sees its own inspection once fed back: never the village still on site.
        "liaison": {"A.I"},
        "liaison_b": {"B.I"},
    }
    assert detail_matrix(scene, client, "inspections", URL) == expect_all(expected)


def test_an_anonymous_visitor_is_sent_to_log_in(scene, client):
    pk = scene.pks["inspections"]["A.I"]
    response = client.get(f"/inspections/{pk}/?tab=problems")
    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")


def tabs_of(response) -> set[str]:
    return {key for key, _label in response.context["tabs"]}


def test_a_unit_liaison_gets_no_tab_of_the_teams_confidential_work(scene, client):
    pk = scene.pks["inspections"]["A.I"]
    login(client, scene.users["team_member"])
    assert TEAM_SIDE_TABS <= tabs_of(client.get(URL.format(pk=pk)))
    login(client, scene.users["liaison"])
    tabs = tabs_of(client.get(URL.format(pk=pk)))
    assert {"overview", "problems", "measures", "supervision", "evaluation"} <= tabs
    assert not tabs & CONFIDENTIAL_TABS
    for tab in CONFIDENTIAL_TABS:
        response = client.get(f"{URL.format(pk=pk)}?tab={tab}")
        assert response.status_code == 200
        assert response.context["tab"] == "overview", tab  # falls back, shows nothing of it
        page = html(response)
        for secret in ("村干部优亲厚友", "反映低保评定不公", "张某", "李某", "王某", "赵某", "道路维护问题"):
            assert secret not in page, (tab, secret)


def test_every_tab_opens_for_everyone_who_may_see_the_inspection(scene, client):
    failures = {}
    for key in USERS:
        login(client, scene.users[key])
        for label, pk in scene.pks["inspections"].items():
            for tab in EVERY_TAB:
                response = client.get(f"{URL.format(pk=pk)}?tab={tab}")
                if response.status_code not in (200, 404):
                    failures[(key, label, tab)] = response.status_code
    assert not failures


TAB_CONTENTS = [
    ("petitions", "team_member", ["村干部优亲厚友"], []),
    ("clues", "office_a", ["张某", "李某", "王某", "赵某"], []),
    ("problems", "liaison", ["p_rect", "p_ongoing", "p_open"], []),
    ("measures", "liaison", ["p_open的整改措施", "王主任"], []),
    ("handover", "office", ["道路维护问题", "区交通局"], []),
    ("supervision", "liaison", ["请加快整改"], []),
    ("evaluation", "liaison", ["村务公开制度", "较好"], ["张某", "钱某", "孙某"]),  # no sanctions for a unit
    ("evaluation", "office_a", ["张某", "钱某", "孙某"], []),
    ("history", "team_leader", ["反馈", "撤离", "进驻"], []),
    ("overview", "team_member", ["team_leader（组长）"], []),
    ("overview", "liaison", ["2026-05-10"], ["team_leader", "team_member"]),  # not who sat on the team
]


def test_each_tab_shows_its_records(scene, client):
    wrong = []
    for tab, user, shown, hidden in TAB_CONTENTS:
        login(client, scene.users[user])
        response = client.get(f"{URL.format(pk=scene.pks['inspections']['A.I'])}?tab={tab}")
        assert response.context["tab"] == tab
        page = html(response)
        wrong += [(tab, user, "missing", text) for text in shown if text not in page]
        wrong += [(tab, user, "shown", text) for text in hidden if text in page]
    assert not wrong


def test_a_leader_finds_no_workflow_control_on_any_tab(scene, client):
    for key in ("leader", "leader_b"):
        login(client, scene.users[key])
        for label, pk in scene.pks["inspections"].items():
            for tab in TEAM_SIDE_TABS:
                response = client.get(f"{URL.format(pk=pk)}?tab={tab}")
                if response.status_code == 200:
                    assert not workflow_controls(response), (key, label, tab)


def test_the_handover_tab_links_the_close_step_only_for_the_office(scene, client):
    pk = scene.pks["inspections"]["A.K"]
    item = scene.pks["handover_items"]["A.k_handover"]
    for key, linked in (("office", True), ("office_a", True), ("team_leader", False), ("leader", False)):
        login(client, scene.users[key])
        page = html(client.get(f"{URL.format(pk=pk)}?tab=handover"))
        assert (f"/handover/{item}/close/" in page) is linked, key
        assert "饮水工程" in page


# --- Workflow buttons and steps ---------------------------------------------------------------


def left(w, problems: int = 1):
    inspection = on_site(w)
    for i in range(problems):
        approve(w, draft_problem(w, inspection, title=f"问题{i + 1}"))
    return cs.inspection_leave(user=w.team_leader, inspection=inspection, on=D(2026, 4, 10))


def button_shown(client, user, inspection, step: str) -> bool | None:
    """Whether the page shows the step's button to `user`; None if the page is not found."""
    login(client, user)
    response = client.get(URL.format(pk=inspection.pk))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return f"/inspections/{inspection.pk}/{step}/" in html(response)


def shown_to(client, world, inspection, step: str) -> dict[str, bool | None]:
    users = ("office", "office_a", "office_b", "leader", "team_leader", "team_deputy", "team_member", "liaison")
    return {key: button_shown(client, getattr(world, key), inspection, step) for key in users}


def test_feedback_is_offered_only_after_leaving_to_the_team_leader_and_the_office(world, client):
    inspection = on_site(world)
    assert not any(shown_to(client, world, inspection, "feed-back").values())
    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    assert shown_to(client, world, inspection, "feed-back") == {
        "office": True,
        "office_a": True,
        "office_b": None,
        "leader": False,
        "team_leader": True,
        "team_deputy": False,
        "team_member": False,
        "liaison": None,  # not fed back yet: the unit does not see the inspection at all
    }
    rs.inspection_feed_back(user=world.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    assert not any(shown_to(client, world, inspection, "feed-back").values())


def test_entering_and_leaving_are_offered_to_the_team_leader_and_the_office(world, client):
    inspection = create_inspection(world)
    shown = shown_to(client, world, inspection, "enter")
    assert {k for k, v in shown.items() if v} == {"office", "office_a", "team_leader"}
    login(client, world.team_leader)
    response = client.post(f"/inspections/{inspection.pk}/enter/", {"on": "2026-03-10"}, follow=True)
    assert "已登记进驻。" in html(response)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.ON_SITE
    assert {k for k, v in shown_to(client, world, inspection, "leave").items() if v} == {
        "office",
        "office_a",
        "team_leader",
    }
    # Entering twice is refused with the reason, and nothing changes.
    login(client, world.team_leader)
    response = client.post(f"/inspections/{inspection.pk}/enter/", {"on": "2026-03-11"}, follow=True)
    assert "不能再次进驻" in html(response)
    inspection.refresh_from_db()
    assert inspection.onsite_start == D(2026, 3, 10)


def test_the_team_leader_feeds_back_through_the_page(world, client):
    inspection = left(world, problems=2)
    login(client, world.team_leader)
    assert client.get(f"/inspections/{inspection.pk}/feed-back/").status_code == 200
    response = client.post(
        f"/inspections/{inspection.pk}/feed-back/", {"feedback_date": "2026-05-10", "deadline": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/inspections/{inspection.pk}/?tab=problems"
    assert "已反馈，被巡察单位进入整改。" in html(response)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.FED_BACK
    assert inspection.rectification_deadline == D(2026, 7, 10)
    assert set(inspection.problems.values_list("status", flat=True)) == {ProblemStatus.FED_BACK}
    # Feeding back twice is refused with the reason; nothing changes.
    response = client.post(f"/inspections/{inspection.pk}/feed-back/", {"feedback_date": "2026-06-01"}, follow=True)
    assert "须在撤离后反馈" in html(response)
    inspection.refresh_from_db()
    assert inspection.feedback_date == D(2026, 5, 10)


@pytest.mark.parametrize(
    "user, status", [("team_deputy", 403), ("team_member", 403), ("leader", 403), ("office_b", 404)]
)
def test_feedback_by_someone_else_is_refused_and_changes_nothing(world, client, user, status):
    inspection = left(world)
    login(client, getattr(world, user))
    response = client.post(f"/inspections/{inspection.pk}/feed-back/", {"feedback_date": "2026-05-10"})
    assert response.status_code == status
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.LEFT


def test_a_feedback_date_before_leaving_is_refused_next_to_the_field(world, client):
    inspection = left(world)
    login(client, world.team_leader)
    response = client.post(
        f"/inspections/{inspection.pk}/feed-back/", {"feedback_date": "2026-04-01", "deadline": "2026-06-30"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "撤离" in " ".join(form.errors["feedback_date"])
    page = html(response)
    assert 'class="invalid-feedback d-block">反馈日期不能早于撤离日期2026-04-10。' in page
    assert 'value="2026-04-01"' in page and 'value="2026-06-30"' in page  # what was typed stays
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.LEFT


def test_feedback_waits_for_every_working_paper(world, client):
    inspection = left(world)
    draft_problem(world, inspection, title="尚未审签")
    login(client, world.team_leader)
    assert f"/inspections/{inspection.pk}/feed-back/" not in html(client.get(URL.format(pk=inspection.pk)))
    response = client.post(f"/inspections/{inspection.pk}/feed-back/", {"feedback_date": "2026-05-10"}, follow=True)
    assert "尚有1份问题底稿未完成三级审签" in html(response)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.LEFT


def test_the_unit_liaison_cannot_take_a_team_step_on_its_own_inspection(scene, client):
    inspection = scene.get("inspections", "A.I")
    login(client, scene.users["liaison"])
    for step in ("enter", "leave", "feed-back", "close", "handover/new", "supervision/new", "evaluation/new"):
        response = client.post(f"/inspections/{inspection.pk}/{step}/", {"on": "2026-06-01"})
        assert response.status_code in (302, 403), step
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.FED_BACK
    assert inspection.supervision_actions.count() == 1 and inspection.evaluations.count() == 1
