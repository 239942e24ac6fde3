"""GET /reports/figures.json: the figures of a scope, inside the user's jurisdiction, for office
staff and leaders only, with a 400 and a message for any parameter it cannot use."""

import re

import pytest
from django.urls import reverse

from campaigns import services as cs
from campaigns.models import Round, Team, TeamMember, Term
from tests.reports import scene as sc
from tests.shared import running_on_commit, shared
from tests.world import D

pytestmark = pytest.mark.django_db

URL = reverse("reports:figures_json")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@shared
def built(world):
    """The scene of test_figures, plus 东城区委's own term with one inspection on site."""
    with running_on_commit():
        figures = sc.build(world)
        term_a = Term.objects.create(
            committee=world.district_a, name="东城区委第五届", start_date=D(2022, 1, 1), end_date=D(2026, 12, 31)
        )
        round_a = Round.objects.create(term=term_a, number=1, name="东城区第一轮", start_date=D(2026, 3, 1))
        team_a = Team.objects.create(round=round_a, number=1, name="东城区第一巡察组")
        for member in world.team.members.all():
            TeamMember.objects.create(team=team_a, person=member.person, role=member.role, source=member.source)
        own = cs.inspection_create(
            user=world.office_a,
            round=round_a,
            team=team_a,
            organization=world.district_a_unit,
            mode="special",
            theme="财经纪律",
        )
        cs.inspection_enter(user=world.team_leader, inspection=own, on=D(2026, 3, 15))
    figures.term_a, figures.round_a = term_a, round_a
    return figures


def get(client, user, **params):
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


@pytest.mark.parametrize("who", ["office", "leader"])
def test_office_staff_and_leaders_get_the_figures_with_when_they_were_computed(client, world, built, who):
    response = get(client, getattr(world, who), term=world.term.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["computed_at"]  # an ISO timestamp, never missing when there is something counted
    assert data["scope"] == {"term": str(world.term.pk)}
    assert (data["problems_found"], data["problems_fed_back"], data["problems_rectified"]) == (7, 5, 3)
    assert data["rectification_rate"] == 60.0
    assert data["handover_closure_rate"] == 33.33
    assert data["sanctions"]["discipline_persons"] == 3


def test_a_rate_with_no_denominator_is_null(client, world):
    data = get(client, world.office).json()
    assert data["rectification_rate"] is None and data["handover_closure_rate"] is None
    assert data["computed_at"] is None  # nothing has been computed yet


@pytest.mark.parametrize("who", ["team_leader", "team_member", "liaison", "discipline", "orgdept", "nobody"])
def test_roles_that_may_not_see_figures_are_refused(client, world, who):
    assert get(client, getattr(world, who)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = get(client, None)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_get_is_allowed(client, world):
    client.force_login(world.office)
    assert client.post(URL).status_code == 405


def test_district_staff_get_only_their_district(client, world, built):
    b = get(client, world.office_b, term=world.term.pk).json()
    assert (b["inspections"], b["problems_found"], b["rectification_rate"]) == (1, 2, 50.0)
    leader_b = get(client, world.leader_b, term=world.term.pk).json()
    assert (leader_b["inspections"], leader_b["problems_found"]) == (1, 2)


def test_each_scope_parameter_narrows_the_figures(client, world, built):
    def inspections(**params):
        response = get(client, world.office, **params)
        assert response.status_code == 200, response.content
        return response.json()["inspections"]

    everything = inspections()
    assert everything == 7  # the city's six live inspections and 东城区委's own
    assert inspections(term=world.term.pk) == 6
    assert inspections(term=built.term_a.pk) == 1
    assert inspections(round=world.round.pk) == 5
    assert inspections(round=built.round2.pk) == 1
    assert inspections(round=built.round_a.pk) == 1
    assert inspections(committee=world.city.pk) == 6
    assert inspections(committee=world.district_a.pk) == 1
    assert inspections(district=world.district_a.pk) == 6
    assert inspections(district=world.district_b.pk) == 1
    assert inspections(level="village") == 2
    assert inspections(level="district_unit") == 1
    assert inspections(mode="cross") == 1
    assert inspections(mode="look_back") == 1
    assert inspections(term=world.term.pk, district=world.district_a.pk, mode="regular") == 3
    assert inspections(term=world.term.pk, level="village", mode="cross") == 1
    # Empty values mean "not narrowed".
    assert inspections(term="", round="", level="", mode="") == everything


def test_the_scope_is_echoed_back(client, world, built):
    data = get(client, world.office, round=built.round2.pk, level="township", mode="look_back").json()
    assert data["scope"] == {"round": str(built.round2.pk), "level": "township", "mode": "look_back"}
    assert (data["inspections"], data["rounds_completed"], data["problems_found"]) == (1, 1, 1)


def bad_requests(world) -> list[tuple[str, dict, str]]:
    """(who, params, a piece of the message)."""
    return [
        ("office", {"foo": "1"}, "不支持的参数：foo"),
        ("office", {"term": world.term.pk, "page": "2"}, "不支持的参数：page"),
        ("office", {"round": "abc"}, "须为编号"),
        ("office", {"round": "-1"}, "须为编号"),
        ("office", {"round": "1.5"}, "须为编号"),
        ("office", {"round": "²"}, "须为编号"),
        ("office", {"term": "１"}, "须为编号"),
        ("office", {"district": " 1"}, "须为编号"),
        ("office", {"round": "999999"}, "找不到编号为 999999 的轮次"),
        ("office", {"round": "99999999999999999999999999"}, "找不到"),
        ("office", {"term": "0"}, "找不到编号为 0 的届次"),
        ("office", {"committee": world.township.pk}, "巡察党委"),  # not a committee
        ("office", {"district": world.township.pk}, "区县"),  # not a district
        ("office_a", {"district": world.district_b.pk}, "不在您的管辖范围内"),
        ("office_b", {"committee": world.district_a.pk}, "不在您的管辖范围内"),
        ("leader_b", {"district": world.district_a.pk}, "不在您的管辖范围内"),
        ("office", {"level": "town"}, "层级"),
        ("office", {"level": "VILLAGE"}, "层级"),
        ("office", {"mode": "routine"}, "巡察方式"),
    ]


def test_bad_parameters_get_a_400_with_a_message_in_chinese(client, world):
    for who, params, message in bad_requests(world):
        client.force_login(getattr(world, who))
        response = client.get(URL, params)
        assert response.status_code == 400, (who, params, response.status_code)
        error = response.json()["error"]
        assert message in error, (params, error)
        assert CHINESE.search(error)


@pytest.mark.parametrize(
    "query",
    [
        "round=%00",
        "round=1e3",
        "round=0x10",
        "round=" + "9" * 400,
        "level=%F0%9F%98%80",
        "mode=",
        "term=1&term=abc",
        "district[]=1",
        "format=json",
        "committee=null",
        "%E5%8C%BA%E5%8E%BF=1",
    ],
)
def test_no_query_string_is_a_server_error(client, world, query):
    client.force_login(world.office)
    response = client.get(f"{URL}?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert CHINESE.search(response.json()["error"])
