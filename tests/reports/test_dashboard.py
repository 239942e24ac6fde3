"""The leaders' dashboard: the figures of the term and the summary paragraph, for office staff
and leaders only, every number linking to the list it counts, at a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services as cs
from campaigns.models import OrgLevel, PartyOrgType
from rectification import services as rs
from reports import rollup
from tests.reports import scene as sc
from tests.shared import running_on_commit, shared
from tests.world import D, approve, draft_problem, make_org, on_site

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")


@shared
def built(world):
    with running_on_commit():
        return sc.build(world)


def dashboard(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


@pytest.mark.parametrize("who", ["leader", "office"])
def test_the_dashboard_shows_the_figures_and_the_summary(client, world, built, who):
    response = dashboard(client, getattr(world, who), term=world.term.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "整改完成率" in html
    assert "60.00%" in html  # 3 of 5 fed-back problems rectified
    summary = response.context["summary"]
    assert "本届清河市委完成1轮巡察，派出巡察组2个，巡察党组织4个，发现问题7个" in summary
    assert "反馈问题5个，已整改3个，整改完成率60.00%" in summary
    assert summary in html
    assert response.context["city"]["problems_found"] == 7
    assert response.context["villages"]["organizations_inspected"] == 1


def test_the_units_below_the_threshold_are_listed(client, world, built):
    response = dashboard(client, world.leader, term=world.term.pk)
    below = {row["inspection_id"] for row in response.context["below"]}
    assert below == {built.i1.pk, built.i3.pk}
    assert "建议约谈" in response.content.decode()


def test_a_district_leader_sees_the_figures_of_the_district(client, world, built):
    response = dashboard(client, world.leader_b, term=world.term.pk)
    assert response.status_code == 200
    city = response.context["city"]
    assert (city["inspections"], city["problems_found"], city["rectification_rate"]) == (1, 2, 50)


@pytest.mark.parametrize("who", ["liaison", "team_leader", "team_member", "discipline", "nobody"])
def test_roles_that_may_not_see_figures_are_refused(client, world, who):
    assert dashboard(client, getattr(world, who)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_leader_opening_xuncha_lands_on_the_dashboard(client, world):
    client.force_login(world.leader)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_office_staff_keep_their_work_queues_at_home(client, world):
    client.force_login(world.office)
    assert client.get(reverse("home")).status_code == 200


def test_a_bad_scope_is_a_message_not_an_error(client, world, built):
    response = dashboard(client, world.leader, round="abc")
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("须为编号" in m for m in messages)


def test_the_numbers_link_to_the_lists_they_count(client, world, built):
    response = dashboard(client, world.leader, term=world.term.pk, round=world.round.pk)
    links = response.context["links"]
    html = response.content.decode()
    round_q = f"round={world.round.pk}"
    expected = {
        "problems_found": "/problems/?",
        "fed_back": "stage=fed_back",
        "rectified": "stage=rectified",
        "clues": "status=transferred",
        "handover": "/handover/?",
        "overdue": "overdue=true",
        "villages": "level=village",
        "petitions": "/petitions/?",
        "inspections": "/inspections/?",
    }
    for key, piece in expected.items():
        assert piece in links[key] and round_q in links[key], (key, links[key])
    assert f'href="{links["fed_back"].replace("&", "&amp;")}"' in html
    for key in expected:
        assert client.get(links[key]).status_code == 200, (key, links[key])


def test_the_fed_back_link_lists_problems_of_the_scope(client, world, built):
    response = dashboard(client, world.office, term=world.term.pk, district=world.district_b.pk)
    page = client.get(response.context["links"]["fed_back"])
    assert page.status_code == 200
    titles = {row["obj"].title for row in page.context["table"]}
    # The link lists what the figure counts: fed back, rectified ones included; 青石镇 is in district A.
    assert titles == {"西山问题1", "西山问题2"}


def _add_inspections(world, start: int, n: int) -> None:
    """n inspections of new villages under 青石镇, each with a problem, every third fed back."""
    for i in range(start, start + n):
        village = make_org(
            world.township, f"新村{i}", f"QH-A-T1-N{i}", OrgLevel.VILLAGE, party_org_type=PartyOrgType.BRANCH
        )
        inspection = on_site(world, village)
        approve(world, draft_problem(world, inspection))
        if i % 3 == 0:
            inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
            rs.inspection_feed_back(user=world.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    rollup.rebuild()


def _dashboard_queries(client, world) -> int:
    client.get(URL, {"term": world.term.pk})  # warm: the first request loads the session and caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"term": world.term.pk})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_costs_the_same_queries_for_5_or_30_inspections(client, world):
    client.force_login(world.leader)
    _add_inspections(world, 0, 5)
    few = _dashboard_queries(client, world)
    _add_inspections(world, 5, 25)
    many = _dashboard_queries(client, world)
    assert many == few
    assert few < 60
