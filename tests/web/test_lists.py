"""Every list page from every role: exactly the rows of the user's jurisdiction, 403 for a role
the list is not for, the login page for anonymous visitors — and a query count that does not
grow with the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import services as cs
from campaigns.models import CadreSource, InspectionMode, OrgLevel, Person, Team
from findings import services as fs
from findings.models import DiscoveryMethod, PetitionChannel
from rectification import services as rs
from rectification.models import SupervisionKind
from tests.accounts.scene import TEAM_A, TEAM_B, USERS
from tests.web.helpers import LIST_URLS, full_read, login, row_labels
from tests.world import D, category, fed_back, make_org, on_site

pytestmark = pytest.mark.django_db

EVERY_PROBLEM = ("p_rect", "p_ongoing", "p_open", "k_draft", "k_approved")
EVERY_CLUE = ("c_disc", "c_org", "c_draft", "c_draft_org", "k_clue")
EVERY_PERSON = {"team_leader", "team_deputy", "team_member", "other", "b_leader", "b_deputy", "b_member"}
EVERY_PERSON |= {"pool_a", "pool_b"}

# Per list, what each user sees; a user not named gets 403 (the list is not for their role).
EXPECTED: dict[str, dict[str, set[str]]] = {
    "inspections": full_read("I", "K"),
    "problems": full_read(*EVERY_PROBLEM),
    "petitions": full_read("petition", "k_petition"),
    "clues": {
        **full_read(*EVERY_CLUE),
        # Handlers: only clues transferred to their own body, in their subtree.
        "discipline": {"A.c_disc", "A.k_clue", "B.c_disc", "B.k_clue"},
        "discipline_b": {"B.c_disc", "B.k_clue"},
        "orgdept": {"A.c_org", "B.c_org"},
    },
    # Rectification lists are the office's and the leaders' (a team reads measures on its pages).
    "measures": full_read("m_rect", "m_ongoing", "m_open", teams=False),
    "handover": full_read("handover", "k_handover"),
    "supervision": full_read("supervision", teams=False),
    "common": {
        "office": {"both", "k_a"},
        "leader": {"both", "k_a"},
        "office_a": {"both", "k_a", "empty_by_office_a"},
        "office_b": {"both"},
        "leader_b": {"both"},
    },
    # The tree opens at the roots of the user's jurisdiction.
    "organizations": {
        "office": {"city"},
        "leader": {"city"},
        "office_a": {"district_a"},
        "office_b": {"district_b"},
        "leader_b": {"district_b"},
    },
    # The city's plan is seen from the districts; 东城区委's own plan not from district B.
    "terms": {
        "office": {"city", "district_a"},
        "leader": {"city", "district_a"},
        "office_a": {"city", "district_a"},
        "office_b": {"city"},
        "leader_b": {"city"},
    },
    "rounds": {
        "office": {"city", "district_a"},
        "leader": {"city", "district_a"},
        "office_a": {"city", "district_a"},
        "office_b": {"city"},
        "leader_b": {"city"},
    },
    "teams": {
        "office": {"A", "B", "district_a"},
        "leader": {"A", "B", "district_a"},
        "office_a": {"A", "B", "district_a"},
        "office_b": {"A", "B"},
        "leader_b": {"A", "B"},
        **{user: {"A"} for user in TEAM_A},
        **{user: {"B"} for user in TEAM_B},
        "other_inspector": set(),
    },
    # The cadre pool is the office's: the people of its subtree and of the teams it can see.
    "people": {
        "office": EVERY_PERSON,
        "office_a": EVERY_PERSON - {"other", "pool_b"},
        "office_b": EVERY_PERSON - {"other", "pool_a"},
    },
}


@pytest.mark.parametrize("name", list(LIST_URLS))
def test_each_list_shows_exactly_the_rows_of_the_users_jurisdiction(scene, client, name):
    url, model_key = LIST_URLS[name]
    expected = EXPECTED[name]
    wrong = {}
    for key in USERS:
        login(client, scene.users[key])
        response = client.get(url)
        if key not in expected:
            if response.status_code != 403:
                wrong[key] = f"status {response.status_code}, expected 403"
            continue
        if response.status_code != 200:
            wrong[key] = f"status {response.status_code}"
            continue
        got = row_labels(scene, model_key, response)
        if got != expected[key]:
            wrong[key] = {"missing": expected[key] - got, "extra": got - expected[key]}
    assert not wrong, f"{url}: {wrong}"


def test_the_units_page_shows_only_the_problems_fed_back_to_the_liaisons_own_unit(scene, client):
    for key, place in (("liaison", "A"), ("liaison_b", "B")):
        login(client, scene.users[key])
        response = client.get("/my-unit/")
        assert response.status_code == 200
        problems = {problem.pk for problem, _measures, _can_add in response.context["rows"]}
        measures = {m.pk for _p, measures, _c in response.context["rows"] for m in measures}
        assert scene.labels_of("problems", problems) == {f"{place}.{p}" for p in ("p_rect", "p_ongoing", "p_open")}
        assert scene.labels_of("measures", measures) == {f"{place}.{m}" for m in ("m_rect", "m_ongoing", "m_open")}
        assert response.context["open_count"] == 1
    for key in set(USERS) - {"liaison", "liaison_b"}:
        login(client, scene.users[key])
        assert client.get("/my-unit/").status_code == 403, key


def test_the_organization_tree_turns_into_a_flat_search_inside_the_jurisdiction(scene, client):
    for key, want in (
        ("office", {"village", "community", "village_b"}),
        ("office_a", {"village", "community"}),
        ("office_b", {"village_b"}),
    ):
        login(client, scene.users[key])
        response = client.get(f"/organizations/?level={OrgLevel.VILLAGE}")
        assert row_labels(scene, "organizations", response) == want, key
    login(client, scene.users["office_b"])
    # One level down from a root; a subtree outside the jurisdiction is not found.
    response = client.get(f"/organizations/?parent={scene.world.district_b.pk}")
    assert row_labels(scene, "organizations", response) == {"township_b"}
    assert client.get(f"/organizations/?parent={scene.world.district_a.pk}").status_code == 404


ALL_PAGES = [url for url, _key in LIST_URLS.values()] + ["/my-unit/", "/"]


@pytest.mark.parametrize("url", ALL_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/login/?next={url}"


# --- The query count does not grow with the page --------------------------------------------
# Each grower prepares what its rows hang off, then returns the URL and a function that adds
# `n` rows visible to the city office, through the services.


def grow_inspections(w):
    def add(start, n):
        for i in range(start, start + n):
            org = make_org(w.district_a_unit, f"下属单位{i:03}", f"GROW-I{i:03}", OrgLevel.DISTRICT_UNIT)
            cs.inspection_create(
                user=w.office, round=w.round, team=w.team, organization=org, mode=InspectionMode.REGULAR
            )

    return "/inspections/?", add


def grow_problems(w):
    inspection = on_site(w, w.village)

    def add(start, n):
        for i in range(start, start + n):
            fs.problem_draft(
                user=w.team_member,
                inspection=inspection,
                title=f"问题{i:03}",
                description="具体表现",
                category=category("A01"),
                method=DiscoveryMethod.INTERVIEW,
            )

    return "/problems/?", add


def grow_petitions(w):
    inspection = on_site(w, w.village)

    def add(start, n):
        for i in range(start, start + n):
            fs.petition_register(
                user=w.team_member,
                inspection=inspection,
                channel=PetitionChannel.LETTER,
                received_on=D(2026, 3, 12),
                subject=f"反映事项{i:03}",
                content="内容",
                petitioner=f"信访人{i:03}",
            )

    return "/petitions/?", add


def grow_clues(w):
    inspection = on_site(w, w.village)

    def add(start, n):
        for i in range(start, start + n):
            fs.clue_register(
                user=w.team_member,
                inspection=inspection,
                subject_name=f"对象{i:03}",
                summary="涉嫌违规",
                destination="discipline",
            )

    return "/clues/?", add


def grow_measures(w):
    problem = fed_back(w, problems=1).problems.get()

    def add(start, n):
        for i in range(start, start + n):
            rs.measure_add(
                user=w.liaison,
                problem=problem,
                content=f"整改措施{i:03}",
                responsible_unit=w.village,
                responsible_person="王主任",
                deadline=D(2026, 6, 30),
            )

    return "/measures/?", add


def grow_handover(w):
    inspection = on_site(w, w.village)

    def add(start, n):
        for i in range(start, start + n):
            rs.handover_item_create(
                user=w.team_leader,
                inspection=inspection,
                title=f"转交事项{i:03}",
                department="区水务局",
                handed_over_on=D(2026, 3, 20),
                deadline=D(2026, 4, 20),
            )

    return "/handover/?", add


def grow_supervision(w):
    inspection = fed_back(w, problems=1)

    def add(start, n):
        for i in range(start, start + n):
            rs.supervision_record(
                user=w.office,
                inspection=inspection,
                kind=SupervisionKind.REMINDER,
                acted_on=D(2026, 6, 1),
                content=f"督办{i:03}",
                target_person="镇党委书记",
            )

    return "/supervision/?", add


def grow_common(w):
    def add(start, n):
        for i in range(start, start + n):
            fs.common_problem_create(user=w.office, title=f"共性问题{i:03}", category=category("A01"))

    return "/common-problems/?", add


def grow_organizations(w):
    def add(start, n):
        for i in range(start, start + n):
            make_org(w.community, f"网格党小组{i:03}", f"GROW-O{i:03}", OrgLevel.VILLAGE)

    return f"/organizations/?parent={w.community.pk}&", add


def grow_people(w):
    def add(start, n):
        for i in range(start, start + n):
            Person.objects.create(
                name=f"干部{i:03}", employer=w.district_a_unit, home_district=w.district_a, source=CadreSource.SECONDED
            )

    return "/people/?q=干部&", add  # the world's own four cadres stay out of the count


def grow_teams(w):
    def add(start, n):
        for i in range(start, start + n):
            Team.objects.create(round=w.round, number=100 + i, name=f"专项巡察组{i:03}")

    return "/teams/?q=专项&", add


GROWERS = {
    "inspections": grow_inspections,
    "problems": grow_problems,
    "petitions": grow_petitions,
    "clues": grow_clues,
    "measures": grow_measures,
    "handover": grow_handover,
    "supervision": grow_supervision,
    "common": grow_common,
    "organizations": grow_organizations,
    "people": grow_people,
    "teams": grow_teams,
}


def queries_and_rows(client, url) -> tuple[list[str], int]:
    client.get(url)  # warm up: session, language, anything cached per process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], len(response.context["table"])


@pytest.mark.parametrize("name", list(GROWERS))
def test_a_list_runs_the_same_queries_for_10_rows_and_for_100(world, client, name):
    url, add = GROWERS[name](world)
    client.force_login(world.office)
    add(0, 10)
    small, small_rows = queries_and_rows(client, url + "per_page=20")
    add(10, 90)
    big, big_rows = queries_and_rows(client, url + "per_page=100")
    assert (small_rows, big_rows) == (10, 100)
    assert len(big) == len(small), "\n".join(big)


def test_the_query_count_holds_for_a_leader_and_a_team_member_too(world, client):
    url, add = grow_problems(world)
    add(0, 10)
    counts = {}
    for user in (world.leader, world.team_member):
        client.force_login(user)
        small, _ = queries_and_rows(client, url + "per_page=20")
        counts[user.username] = [len(small)]
    add(10, 90)
    for user in (world.leader, world.team_member):
        client.force_login(user)
        big, rows = queries_and_rows(client, url + "per_page=100")
        assert rows == 100
        counts[user.username].append(len(big))
    assert all(small == big for small, big in counts.values()), counts


# --- Paging stops at LIST_MAX_ROWS -----------------------------------------------------------


def test_a_list_pages_through_at_most_list_max_rows_then_points_to_filters_and_export(world, client, settings):
    url, add = grow_problems(world)
    add(0, 45)
    client.force_login(world.office)
    settings.LIST_MAX_ROWS = 40  # two pages of 20

    second = client.get(url + "per_page=20&page=2")
    assert second.context["page"] == 2 and len(second.context["table"]) == 20
    assert not second.context["has_next"] and second.context["beyond_limit"]
    assert "列表最多翻阅前 40 条记录" in second.content.decode()
    # A deeper page asked for in the URL shows the last one that may be paged through.
    deeper = client.get(url + "per_page=20&page=3")
    assert deeper.context["page"] == 2
    assert [r["obj"].pk for r in deeper.context["table"]] == [r["obj"].pk for r in second.context["table"]]

    settings.LIST_MAX_ROWS = 100
    within = client.get(url + "per_page=20&page=2")
    assert within.context["has_next"] and not within.context["beyond_limit"]
    assert "列表最多翻阅" not in within.content.decode()
    # Exactly at the limit with nothing beyond it: no notice.
    settings.LIST_MAX_ROWS = 45
    last = client.get(url + "per_page=50&page=1")
    assert len(last.context["table"]) == 45 and not last.context["beyond_limit"]
