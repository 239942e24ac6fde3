"""The lists' filters narrow correctly and stay in the URL, column headers sort, and a bad
value in the URL is ignored (never a 500)."""

import re

import pytest

from findings import services as fs
from findings.models import ProblemCategory
from tests.web.helpers import LIST_URLS, html, login, row_labels
from tests.world import category

pytestmark = pytest.mark.django_db


def top(code: str) -> ProblemCategory:
    return ProblemCategory.objects.get(code=code)


def labels(scene, client, url, model_key):
    response = client.get(url)
    assert response.status_code == 200, url
    return row_labels(scene, model_key, response)


def test_problem_filters_combine_and_stay_in_the_links(scene, client):
    w = scene.world
    office = scene.users["office"]
    # B's open problem is re-classed under 党的建设缺失 (B); everything else is under A.
    fs.problems_set_category(user=office, problems=[scene.get("problems", "B.p_open")], category=category("B01"))
    login(client, office)

    assert labels(scene, client, f"/problems/?category={top('A').pk}&status=fed_back", "problems") == {"A.p_open"}
    assert labels(scene, client, f"/problems/?category={top('B').pk}&status=fed_back", "problems") == {"B.p_open"}
    # A sub-category is a filter of its own.
    assert labels(scene, client, f"/problems/?category={category('B01').pk}", "problems") == {"B.p_open"}
    query = f"category={top('A').pk}&status=fed_back&district={w.district_a.pk}"
    response = client.get(f"/problems/?{query}")
    assert row_labels(scene, "problems", response) == {"A.p_open"}
    page = html(response)
    # Sort headers and the page-size links carry the filters; the form shows them chosen.
    assert f'href="?{query.replace("&", "&amp;")}&amp;sort=title"' in page
    assert f"?{query.replace('&', '&amp;')}&amp;per_page=50" in page
    assert '<option value="fed_back" selected>' in page
    assert f'<option value="{w.district_a.pk}" selected>' in page
    assert labels(scene, client, f"/problems/?category={top('B').pk}&district={w.district_a.pk}", "problems") == set()


FILTER_CASES = [
    ("/problems/?status=draft", "problems", {"A.k_draft", "B.k_draft"}),
    ("/problems/?overdue=true", "problems", {"A.p_open", "B.p_open"}),  # deadline 2026-07-10 has passed
    ("/problems/?team=第二", "problems", {"B.p_rect", "B.p_ongoing", "B.p_open", "B.k_draft", "B.k_approved"}),
    ("/problems/?q=p_open", "problems", {"A.p_open", "B.p_open"}),
    ("/problems/?q=饮水工程", "problems", {"A.k_draft", "B.k_draft"}),
    ("/inspections/?status=fed_back", "inspections", {"A.I", "B.I"}),
    ("/inspections/?level=village", "inspections", {"A.K", "B.K"}),
    ("/inspections/?q=西山镇", "inspections", {"B.I"}),
    ("/petitions/?channel=phone", "petitions", {"A.k_petition", "B.k_petition"}),
    ("/clues/?destination=org_dept", "clues", {"A.c_org", "A.c_draft_org", "B.c_org", "B.c_draft_org"}),
    ("/clues/?status=draft&destination=discipline", "clues", {"A.c_draft", "B.c_draft"}),
    ("/clues/?disposition=case_opened", "clues", {"A.c_disc", "B.c_disc"}),
    ("/measures/?status=reported", "measures", {"A.m_open", "B.m_open"}),
    ("/measures/?overdue=true", "measures", {"A.m_open", "B.m_open"}),
    ("/measures/?overdue=false", "measures", {"A.m_rect", "A.m_ongoing", "B.m_rect", "B.m_ongoing"}),
    ("/handover/?q=饮水", "handover_items", {"A.k_handover", "B.k_handover"}),
    ("/supervision/?kind=reminder&q=加快", "supervision_actions", {"A.supervision", "B.supervision"}),
    ("/supervision/?kind=interview", "supervision_actions", set()),
    ("/common-problems/?q=饮水", "common_problems", {"k_a"}),
    ("/terms/?q=东城", "terms", {"district_a"}),
    ("/rounds/?q=东城", "rounds", {"district_a"}),
    ("/teams/?q=第二", "teams", {"B"}),
    ("/teams/?q=team_member", "teams", {"A"}),  # by a member's name, one row per team
    ("/people/?q=pool", "persons", {"pool_a", "pool_b"}),
    ("/people/?source=district_office", "persons", {"b_leader", "b_deputy", "b_member"}),
    ("/organizations/?q=西山", "organizations", {"district_b", "township_b", "village_b"}),
]


def test_each_lists_filters_narrow_the_rows(scene, client):
    login(client, scene.users["office"])
    wrong = {}
    for url, model_key, expected in FILTER_CASES:
        got = labels(scene, client, url, model_key)
        if got != expected:
            wrong[url] = {"missing": expected - got, "extra": got - expected}
    assert not wrong


def test_the_organization_filter_follows_a_subtree_inside_the_jurisdiction(scene, client):
    w = scene.world
    login(client, scene.users["office"])
    assert labels(scene, client, f"/problems/?org={w.village.pk}", "problems") == {"A.k_draft", "A.k_approved"}
    login(client, scene.users["office_b"])
    # An organization outside the jurisdiction filters everything out; it does not widen.
    assert labels(scene, client, f"/problems/?org={w.village.pk}", "problems") == set()


def test_a_district_office_cannot_widen_its_list_with_another_districts_filter(scene, client):
    login(client, scene.users["office_a"])
    response = client.get(f"/problems/?district={scene.world.district_b.pk}")
    assert response.status_code == 200
    # Not a choice for district A: the filter is refused and the list stays A's own.
    assert response.context["filter"].errors
    assert row_labels(scene, "problems", response) == {
        "A.p_rect",
        "A.p_ongoing",
        "A.p_open",
        "A.k_draft",
        "A.k_approved",
    }


def titles(response) -> list[str]:
    return [row["obj"].title for row in response.context["table"]]


def test_a_column_header_sorts_both_ways(scene, client):
    login(client, scene.users["office_a"])
    down = client.get("/problems/?sort=-title")
    assert titles(down) == sorted(titles(down), reverse=True)
    assert "问题概述 ▼" in html(down)
    up = client.get("/problems/?sort=title")
    assert titles(up) == sorted(titles(up)) == list(reversed(titles(down)))
    assert "问题概述 ▲" in html(up)
    # The header of the sorted column links to the other direction.
    assert 'href="?sort=-title"' in html(up)


def test_pages_follow_each_other_without_overlap(scene, client):
    login(client, scene.users["office"])
    first = client.get("/problems/?per_page=20&sort=title")
    assert len(first.context["table"]) == 10 and not first.context["has_next"]
    second = client.get("/problems/?per_page=20&sort=title&page=2")
    assert second.context["table"] == []
    assert "没有符合条件的记录。" in html(second)


BAD_VALUES = [
    "round=abc",
    "round=99999999999999999999",
    "per_page=7",
    "per_page=abc",
    "per_page=100000000000000000000000",
    "page=-1",
    "page=0",
    "page=abc",
    "page=99999999999999999999",
    "sort=bogus",
    "sort=-",
    "sort=--title",
    "district=999999",
    "district=abc",
    "org=abc",
    "org=99999999999999999999",
    "org=NaN",
    "common=abc",
    "common=99999999999999999999",
    "level=zzz",
    "status=zzz",
    "mode=zzz",
    "category=abc",
    "overdue=maybe",
    "is_active=maybe",
    "source=zzz",
    "parent=abc",
    "onsite_start_after=abc",
    "fed_back_on_before=2026-13-45",
    "deadline_after=2026-07-01&deadline_before=2026-01-01",
    "q=%00",
    "q=" + "很长" * 2000,
]


def test_a_bad_value_in_the_url_never_breaks_a_list(scene, client):
    login(client, scene.users["office"])
    failures = {}
    for url, _model_key in LIST_URLS.values():
        for value in BAD_VALUES:
            response = client.get(f"{url}?{value}")
            if response.status_code != 200:
                failures[(url, value[:40])] = response.status_code
    assert not failures


def test_a_bad_value_falls_back_to_the_default(scene, client):
    login(client, scene.users["office"])
    response = client.get("/problems/?per_page=7&page=-1&round=abc")
    assert response.context["per_page"] == 20
    assert response.context["page"] == 1
    assert len(response.context["table"]) == 10  # the bad round is ignored, the rest still listed
    assert "round" in response.context["filter"].errors
    assert re.search(r"<strong>20</strong>", html(response))
    huge = client.get("/problems/?page=99999999999999999999")
    assert huge.status_code == 200 and huge.context["table"] == []


def test_the_round_filter_lists_the_users_rounds_escaped_and_keeps_the_chosen_one(scene, client):
    """The round and district filters write their options directly (a province has over a
    thousand rounds): names are escaped, the chosen round is selected, 全部 comes first."""
    login(client, scene.users["office"])
    chosen = scene.world.round
    chosen.name = "<b>第一轮</b> & 专项"
    chosen.save(update_fields=["name"])
    page = html(client.get(f"/problems/?round={chosen.pk}"))
    select = re.search(r'<select[^>]* name="round"[^>]*>.*?</select>', page).group(0)
    assert select.startswith('<select class="form-select form-select-sm" id="id_round" name="round">')
    assert select.index('<option value="">全部</option>') < select.index(f'value="{chosen.pk}"')
    assert (
        f'<option value="{chosen.pk}" selected>{chosen.term.name} &lt;b&gt;第一轮&lt;/b&gt; &amp; 专项</option>'
        in select
    )
    assert select.count(" selected") == 1
    assert "<b>第一轮</b>" not in page
