"""The numbers of an office's own report (issue 11), on hand-built records whose figures are
computed here by hand, in all four outputs: figures(), /reports/figures.json, the 统计表 read
back with openpyxl, and the summary paragraph of the dashboard.

The city's term has three inspections in 第一轮:
  X  交叉 (team 2) of 青石镇: 9 petitions, 34 clues to 纪委监委
  Y  常规 (team 1) of 东城区直单位: 1 petition, 11 clues to 纪委监委 and 2 to 组织部, fed back with
     2 problems; sanctions — from clues: 李某 党纪 + 政务 + 移送司法, 王某 党纪, 张某 组织处理 twice;
     from a handover item: 孙某 党纪 + 政务, 赵某 组织处理; from rectification: 钱某 政务 + 组织处理;
     rules — on a handover item, on a handover item and a problem, on a problem, on neither
  V  常规 (team 1) of 青石村: 1 problem
So 45 clues went to 纪委监委, 34 of them (75.56 %) from the cross team; 47 in all (72.34 %);
petitions 9 of 10 (90.00 %).

Each district committee has its own current term: 东城区委 inspects 青石村 (2 problems) and 柳岸社区
(1), 西山县委 inspects 西山村 (none) and 西山镇 (3). 东城区委's previous term (2017–2021) inspected
青石镇 (1 problem): not counted. Districts together: 4 organizations, 6 problems, of which
villages/communities 3 and 3.
"""

from decimal import Decimal

import pytest

from campaigns import services as cs
from campaigns.models import InspectionMode, Round, Team, TeamMember, Term
from findings.models import ClueDestination, SanctionKind, SanctionSource
from rectification import services as rs
from rectification.models import RuleKind
from reports.figures import Scope, district_terms, figures
from reports.summary import summary
from tests.reports import scene as sc
from tests.reports.test_exports import body, workbook
from tests.shared import running_on_commit, shared
from tests.world import D, approve, draft_problem

pytestmark = pytest.mark.django_db

K = SanctionKind


def team(w, round_, number: int, name: str) -> Team:
    t = Team.objects.create(round=round_, number=number, name=name)
    for key, role in (("team_leader", "leader"), ("team_deputy", "deputy"), ("team_member", "member")):
        person = w.persons[key]
        TeamMember.objects.create(team=t, person=person, role=role, source=person.source)
    return t


def enter(w, round_, team_, organization, mode=InspectionMode.REGULAR):
    inspection = cs.inspection_create(user=w.office, round=round_, team=team_, organization=organization, mode=mode)
    return cs.inspection_enter(user=w.team_leader, inspection=inspection, on=D(2026, 3, 10))


def problems(w, inspection, n: int) -> None:
    for i in range(n):
        approve(w, draft_problem(w, inspection, title=f"问题{i + 1}"))


def district_term(w, committee, start, end, name):
    term = Term.objects.create(committee=committee, name=name, start_date=start, end_date=end)
    round_ = Round.objects.create(term=term, number=1, name="第一轮", start_date=start)
    return term, round_, team(w, round_, 1, f"{committee.name}第一巡察组")


def build(w):
    cross_team = team(w, w.round, 2, "交叉巡察第一组")
    x = enter(w, w.round, cross_team, w.township, InspectionMode.CROSS)
    for n in range(9):
        sc.petition(w, x, subject=f"交叉信访{n}")
    for _ in range(34):
        sc.clue(w, x)

    y = enter(w, w.round, w.team, w.district_a_unit)
    sc.petition(w, y)
    k = [sc.clue(w, y) for _ in range(11)]
    k_org = [sc.clue(w, y, ClueDestination.ORG_DEPT) for _ in range(2)]
    problems(w, y, 2)
    for kind in (K.PARTY_DISCIPLINE, K.GOVERNMENT, K.JUDICIAL):
        sc.sanction(w, y, kind, "李某", source=SanctionSource.CLUE, clue=k[0])
    sc.sanction(w, y, K.PARTY_DISCIPLINE, "王某", source=SanctionSource.CLUE, clue=k[1])
    for _ in range(2):
        sc.sanction(w, y, K.ORGANIZATIONAL, "张某", user=w.orgdept, source=SanctionSource.CLUE, clue=k_org[0])
    for kind, person in ((K.PARTY_DISCIPLINE, "孙某"), (K.GOVERNMENT, "孙某"), (K.ORGANIZATIONAL, "赵某")):
        sc.sanction(w, y, kind, person, user=w.office, source=SanctionSource.HANDOVER)
    items = [
        rs.handover_item_create(
            user=w.team_leader,
            inspection=y,
            title=f"转交事项{n}",
            department="区住建局",
            handed_over_on=D(2026, 4, 1),
            deadline=D(2026, 6, 1),
        )
        for n in range(2)
    ]
    rs.handover_item_close(user=w.office, item=items[0], closed_on=D(2026, 5, 1), result="已办结")
    y = sc.leave_and_feed_back(w, y)
    p1, p2 = y.problems.live().order_by("number")
    for kind in (K.GOVERNMENT, K.ORGANIZATIONAL):
        sc.sanction(w, y, kind, "钱某", user=w.office, source=SanctionSource.RECTIFICATION, problem=p1)
    for title, extra in (
        ("规章一", {"handover_item": items[0]}),
        ("规章二", {"handover_item": items[1], "problem": p2}),
        ("规章三", {"problem": p1}),
        ("规章四", {}),
    ):
        rs.rule_record(user=w.office, inspection=y, title=title, kind=RuleKind.NEW, adopted_on=D(2026, 6, 1), **extra)

    v = enter(w, w.round, w.team, w.village)
    problems(w, v, 1)

    _, round_a, team_a = district_term(w, w.district_a, D(2022, 1, 1), D(2026, 12, 31), "东城区委本届")
    problems(w, enter(w, round_a, team_a, w.village), 2)
    problems(w, enter(w, round_a, team_a, w.community), 1)
    _, round_b, team_b = district_term(w, w.district_b, D(2022, 3, 1), D(2027, 2, 28), "西山县委本届")
    enter(w, round_b, team_b, w.village_b)
    problems(w, enter(w, round_b, team_b, w.township_b), 3)
    _, round_old, team_old = district_term(w, w.district_a, D(2017, 1, 1), D(2021, 12, 31), "东城区委上届")
    problems(w, enter(w, round_old, team_old, w.township), 1)


@shared
def built(world):
    with running_on_commit():
        build(world)
    return world


def own(w) -> dict:
    return figures(w.office, Scope(term=w.term, committee=w.city))


def districts(w) -> dict:
    return figures(w.office, Scope(districts=True, terms=district_terms(w.office)))


def persons(discipline: int, org_times: int, judicial: int) -> dict:
    return {"discipline_persons": discipline, "org_handling_person_times": org_times, "judicial": judicial}


def test_sanctions_by_source_in_persons_and_person_times(built):
    s = own(built)["sanctions"]
    assert s["by_source"] == {
        "clue": persons(2, 2, 1),  # 李某 (党纪 and 政务: one person), 王某; 张某 twice; 李某
        "handover": persons(1, 1, 0),  # 孙某 (党纪 and 政务: one person); 赵某
        "rectification": persons(1, 1, 0),  # 钱某; 钱某
    }
    assert (s["discipline_persons"], s["org_handling_person_times"], s["judicial"]) == (4, 4, 1)


def test_teams_handover_closed_and_rules_by_source(built):
    f = own(built)
    assert f["teams"] == {
        "total": 2,
        "by_mode": [
            {"mode": "cross", "label": "交叉巡察", "count": 1},
            {"mode": "regular", "label": "常规巡察", "count": 1},
        ],
    }
    assert (f["handover_items"], f["handover_closed"]) == (2, 1)
    assert f["rules_established"] == 4
    assert f["rules_by_source"] == {"handover": 2, "problem": 1, "other": 1}


def test_the_cross_round_share_of_clues_and_petitions(built):
    f = own(built)
    cross = {r["mode"]: (r["count"], r["share"]) for r in f["clue_share_by_mode_discipline"]}
    assert cross == {"cross": (34, Decimal("75.56")), "regular": (11, Decimal("24.44"))}
    every = {r["mode"]: (r["count"], r["share"]) for r in f["clue_share_by_mode"]}
    assert every == {"cross": (34, Decimal("72.34")), "regular": (13, Decimal("27.66"))}
    petitions = {r["mode"]: (r["count"], r["share"]) for r in f["petition_share_by_mode"]}
    assert petitions == {"cross": (9, Decimal("90.00")), "regular": (1, Decimal("10.00"))}


def test_the_villages_of_the_own_term_and_of_the_districts(built):
    assert own(built)["villages"] == {"organizations_inspected": 1, "problems_found": 1}
    d = districts(built)
    assert (d["inspections"], d["organizations_inspected"], d["problems_found"]) == (4, 4, 6)
    assert d["villages"] == {"organizations_inspected": 3, "problems_found": 3}
    assert d["teams"]["total"] == 2


def test_each_district_committee_counts_in_its_own_current_term(built):
    names = sorted(t.name for t in district_terms(built.office))
    assert names == ["东城区委本届", "西山县委本届"]
    # A past term of the city: the district terms running on its last day.
    past = Term.objects.create(
        committee=built.city, name="十届市委", start_date=D(2017, 1, 1), end_date=D(2021, 12, 31)
    )
    assert [t.name for t in district_terms(built.office, past)] == ["东城区委上届"]


def test_figures_json_gives_the_same_numbers(client, built):
    client.force_login(built.office)
    got = client.get("/reports/figures.json", {"committee": "districts"}).json()
    assert got["scope"] == {"committee": "districts"}
    assert (got["organizations_inspected"], got["problems_found"]) == (4, 6)
    assert got["villages"] == {"organizations_inspected": 3, "problems_found": 3}
    city = client.get("/reports/figures.json", {"term": built.term.pk, "committee": built.city.pk}).json()
    assert city["sanctions"]["by_source"]["handover"] == persons(1, 1, 0)
    assert city["teams"]["total"] == 2 and city["rules_by_source"]["handover"] == 2
    cross = next(r for r in city["clue_share_by_mode_discipline"] if r["mode"] == "cross")
    assert cross["share"] == 75.56


def test_a_district_office_asking_for_the_districts_sees_its_own_only(client, built):
    client.force_login(built.office_b)
    got = client.get("/reports/figures.json", {"committee": "districts"}).json()
    assert (got["organizations_inspected"], got["problems_found"]) == (2, 3)
    assert got["villages"] == {"organizations_inspected": 1, "problems_found": 0}


def test_the_statistics_report_gives_the_same_numbers(client, built):
    client.force_login(built.office)
    ws = workbook(client.get("/exports/statistics/", {"committee": "districts"})).worksheets[0]
    values = {r[1]: r[2] for r in body(ws)}
    assert values["巡察党组织（个）"] == 4
    assert values["　其中：村（社区）党组织（个）"] == 3
    assert values["　其中：村（社区）发现问题（个）"] == 3
    ws = workbook(client.get("/exports/statistics/", {"term": built.term.pk})).worksheets[0]
    values = {r[1]: r[2] for r in body(ws)}
    assert values["巡察组（个）"] == 2
    assert values["　来源于转交办事项：党纪政务处分（人）"] == 1
    assert values["　来源于转交办事项：组织处理（人次）"] == 1
    assert values["　来源于问题线索：组织处理（人次）"] == 2
    assert values["　其中：根据转交办事项（项）"] == 2
    assert values["已办结（件）"] == 1
    assert values["移交纪委监委线索占比：交叉巡察（%）"] == 75.56


def test_the_summary_says_it_in_the_offices_words(built):
    text = summary("清河市委", own(built), districts(built))
    for part in (
        "本届清河市委完成0轮巡察，派出巡察组2个，巡察党组织3个，发现问题3个",
        "其中巡察村（社区）党组织1个，发现问题1个。",
        "1个交叉巡察组接收信访数量占巡察信访总量的90.00%，"
        "向纪委监委移交问题线索数量占移交纪委监委问题线索总数的75.56%。",
        "纪检监察机关根据巡察移交的问题线索，给予党纪政务处分2人，组织处理2人次，移送司法机关1人。",
        "各单位根据转交办事项，党纪政务处分1人，组织处理1人次，建立健全规章制度2项。",
        "整改中问责党纪政务处分1人，组织处理1人次。",
        "县区完成巡察党组织4个，发现问题6个，其中巡察村（社区）党组织3个，发现问题3个。",
    ):
        assert part in text, part


def test_the_dashboard_shows_them_and_offers_the_districts_scope(client, built):
    client.force_login(built.leader)
    response = client.get("/dashboard/", {"term": built.term.pk})
    html = response.content.decode()
    assert response.context["districts"]["villages"] == {"organizations_inspected": 3, "problems_found": 3}
    assert "县区完成巡察党组织4个，发现问题6个" in response.context["summary"]
    assert 'id="cross-shares"' in html and "75.56%" in html and "90.00%" in html
    assert 'id="sanctions-by-source"' in html
    assert '<option value="districts"' in html
    response = client.get("/dashboard/", {"committee": "districts"})
    assert response.status_code == 200
    f = response.context["city"]
    assert (f["organizations_inspected"], f["problems_found"]) == (4, 6)
    assert response.context["summary"].startswith("本届各区县党委")
