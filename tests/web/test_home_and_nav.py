"""The navigation bar shows each role only its entries, every entry opens, and the home page
gives each role its own work queue."""

import re

import pytest

from accounts.navigation import nav_for
from tests.accounts.scene import TEAM_A, TEAM_B, USERS
from tests.web.helpers import LIST_URLS, html, login

pytestmark = pytest.mark.django_db

PLAN = {"党组织", "届次", "巡察轮次", "巡察组"}
MORE = {"转交办事项", "督查督办", "共性问题"}
FULL = {"工作台", "统计看板", "巡察", "问题", "信访件", "问题线索", "整改措施", *MORE, *PLAN}
REVIEW = {"我提出的审核意见", "待我答复的审核意见"}
INSPECTOR = {"工作台", "巡察", "问题", "信访件", "问题线索", "转交办事项", "巡察组", *REVIEW}
AUDIT = {"审计日志", "信访件与线索查阅记录"}
# The entries each role finds in the bar (DESIGN.md §1).
NAV = {
    "office": FULL | {"巡察人才库", "我提出的审核意见"} | AUDIT,
    "office_a": FULL | {"巡察人才库", "我提出的审核意见"} | AUDIT,
    "office_b": FULL | {"巡察人才库", "我提出的审核意见"} | AUDIT,
    "leader": FULL,
    "leader_b": FULL,
    **{user: INSPECTOR for user in (*TEAM_A, *TEAM_B, "other_inspector")},
    "liaison": {"工作台", "本单位整改"},
    "liaison_b": {"工作台", "本单位整改"},
    "discipline": {"工作台", "问题线索"},
    "discipline_b": {"工作台", "问题线索"},
    "orgdept": {"工作台", "问题线索"},
    "nobody": set(),  # no role, no entry: the brand still leads home
}
NAVBAR = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>\s*<ul class="navbar-nav">', re.S)
ENTRY = re.compile(r'<a class="(?:nav-link|dropdown-item)[^"]*" href="(/[^"]*)">([^<]+)</a>')


def navbar(response) -> dict[str, str]:
    """The bar's entries as rendered: label → URL."""
    bar = NAVBAR.search(html(response))
    assert bar, "no navigation bar"
    return {label: url for url, label in ENTRY.findall(bar.group(1))}


def test_each_role_sees_only_its_entries_and_each_entry_opens(scene, client):
    wrong = {}
    for key in USERS:
        login(client, scene.users[key])
        response = client.get("/", follow=True)
        entries = navbar(response)
        if set(entries) != NAV[key]:
            wrong[key] = {"missing": NAV[key] - set(entries), "extra": set(entries) - NAV[key]}
            continue
        for label, url in entries.items():
            status = client.get(url, follow=True).status_code
            if status != 200:
                wrong[(key, label)] = status
    assert not wrong


def test_a_list_the_role_is_refused_is_never_in_its_bar(scene, client):
    for key in USERS:
        user = scene.users[key]
        login(client, user)
        urls = {entry["url"] for item in nav_for(user) for entry in item.get("children", [item])}
        for url, _model_key in LIST_URLS.values():
            status = client.get(url).status_code
            assert (url in urls) == (status == 200), (key, url, status)


def test_groups_collect_the_planning_and_the_follow_up_entries(scene, client):
    office = nav_for(scene.users["office"])
    groups = {str(item["label"]): {str(c["label"]) for c in item["children"]} for item in office if "children" in item}
    assert groups == {"更多": MORE | {"我提出的审核意见"}, "计划": PLAN | {"巡察人才库"}, "审计": AUDIT}
    inspector = {str(item["label"]) for item in nav_for(scene.users["team_member"]) if item.get("children")}
    assert inspector == {"更多", "计划"}


def test_an_anonymous_visitor_gets_no_navigation_and_the_login_page(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/"
    assert 'class="navbar-nav me-auto"' not in html(response)
    response = client.post("/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200 and response.context["form"].errors


# --- Home: each role's work queue ------------------------------------------------------------------


def queue(response, key: str) -> list:
    panels = {panel["key"]: panel["rows"] for panel in response.context["panels"]}
    return panels.get(key)


def test_the_office_is_asked_to_verify_what_its_units_reported(scene, client):
    for key, want in (("office", {"A.m_open", "B.m_open"}), ("office_a", {"A.m_open"}), ("office_b", {"B.m_open"})):
        login(client, scene.users[key])
        response = client.get("/")
        assert response.status_code == 200
        assert scene.labels_of("measures", [m.pk for m in queue(response, "verify")]) == want, key
        assert "待验收的整改措施" in html(response)


def test_the_drafter_is_asked_to_sign_their_paper(scene, client):
    login(client, scene.users["team_member"])
    response = client.get("/")
    assert scene.labels_of("problems", [p.pk for p in queue(response, "papers")]) == {"A.k_draft"}
    assert queue(response, "verify") is None  # verification is not a team's queue
    login(client, scene.users["b_member"])
    assert scene.labels_of("problems", [p.pk for p in queue(client.get("/"), "papers")]) == {"B.k_draft"}


def test_handlers_are_asked_to_dispose_of_the_clues_transferred_to_them(scene, client):
    for key, want in (
        ("discipline", {"A.k_clue", "B.k_clue"}),
        ("discipline_b", {"B.k_clue"}),
        ("orgdept", {"A.c_org", "B.c_org"}),
    ):
        login(client, scene.users[key])
        response = client.get("/")
        assert scene.labels_of("clues", [c.pk for c in queue(response, "clues")]) == want, key
        assert [p["key"] for p in response.context["panels"]] == ["clues"]
        assert "村干部优亲厚友" not in html(response)  # no petition ever reaches a handler


@pytest.mark.parametrize(
    "key, target",
    [("liaison", "/my-unit/"), ("liaison_b", "/my-unit/"), ("leader", "/dashboard/"), ("leader_b", "/dashboard/")],
)
def test_a_liaison_and_a_leader_are_sent_to_their_own_page(scene, client, key, target):
    login(client, scene.users[key])
    response = client.get("/")
    assert response.status_code == 302 and response.url == target
    assert client.get(target).status_code == 200


def test_someone_without_a_role_is_told_to_ask_the_office(scene, client):
    login(client, scene.users["nobody"])
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["panels"] == []
    assert "尚未授权任何角色，请联系巡察办。" in html(response)
