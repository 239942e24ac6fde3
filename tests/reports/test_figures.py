"""Every figure of DESIGN.md §3 on hand-built records whose figures are known in advance
(tests/reports/scene.py), kept current by the on-commit refresh."""

from decimal import Decimal

import pytest

from campaigns import services as cs
from campaigns.models import InspectionMode, OrgLevel
from findings import services as fs
from findings.models import ClueDestination, ProblemStatus, SanctionKind, SanctionSource
from rectification import services as rs
from reports import rollup
from reports.figures import Scope, by_group, figures, rate, show_rate, units_below_threshold
from reports.models import COUNT_FIELDS, InspectionRollup
from reports.summary import summary
from tests.reports import scene as sc
from tests.shared import running_on_commit, shared
from tests.world import D, approve, create_inspection, draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db


@shared
def built(world):
    """The scene, with every write's on-commit refresh run (in-process, as with no broker);
    built once per module (tests/shared.py)."""
    with running_on_commit():
        return sc.build(world)


def figs(world, user=None, **scope):
    return figures(user or world.office, Scope(term=world.term, **scope))


def pick(got: dict, expected: dict) -> dict:
    return {key: got[key] for key in expected}


def share(mode: str, label: str, count: int, value: str) -> dict:
    return {"mode": mode, "label": label, "count": count, "share": Decimal(value)}


def sanctions(discipline_persons: int, org_handling_person_times: int, judicial: int) -> dict:
    return {
        "discipline_persons": discipline_persons,
        "org_handling_person_times": org_handling_person_times,
        "judicial": judicial,
    }


NONE = sanctions(0, 0, 0)
NO_SANCTIONS = {**NONE, "by_source": {"clue": NONE, "handover": NONE, "rectification": NONE}}

CITY = {
    "rounds_completed": 1,  # 第二轮; 第一轮 still has inspections on site
    "inspections": 6,  # I1–I5 and I7; I6 was withdrawn
    "organizations_inspected": 4,  # 青石镇 (twice), 青石村, 西山镇, 东城区委; 柳岸社区 never went on site
    "problems_found": 7,
    "problems_by_category": {"党的领导弱化": 5, "党的建设缺失": 1, "全面从严治党不力": 1},
    "problems_by_level": [
        {"level": "district", "label": "区县", "problems_found": 0},
        {"level": "township", "label": "乡镇/街道", "problems_found": 6},
        {"level": "village", "label": "村/社区", "problems_found": 1},
    ],
    "problems_fed_back": 5,
    "problems_rectified": 3,
    "problems_ongoing": 1,
    "rectification_rate": Decimal("60.00"),
    "handover_items": 3,
    "handover_closed": 1,
    "handover_closure_rate": Decimal("33.33"),
    "clues_transferred": 7,
    "clues_by_destination": {"纪委监委": 6, "组织部": 1},
    "clues_disposed": 2,
    "clue_dispositions": {
        "初步核实": 0,
        "谈话函询": 1,
        "立案审查调查": 1,
        "予以了结": 0,
        "暂存待查": 0,
        "组织处理": 0,
    },
    "clue_share_by_mode": [
        share("cross", "交叉巡察", 3, "42.86"),
        share("look_back", "巡察“回头看”", 0, "0.00"),
        share("regular", "常规巡察", 4, "57.14"),
    ],
    "petitions": 4,
    "petition_share_by_mode": [
        share("cross", "交叉巡察", 1, "25.00"),
        share("look_back", "巡察“回头看”", 0, "0.00"),
        share("regular", "常规巡察", 3, "75.00"),
    ],
    "sanctions": {
        "discipline_persons": 3,  # 李某 (党纪 and 政务: once), 王某, 钱某
        "org_handling_person_times": 3,  # 张某 twice, 赵某
        "judicial": 1,
        "by_source": {
            "clue": sanctions(2, 2, 1),  # 李某 and 王某; 张某 twice; 李某
            "handover": sanctions(0, 1, 0),  # 赵某
            "rectification": sanctions(1, 0, 0),  # 钱某
        },
    },
    "rules_established": 2,
    "immediate_notices": 1,
    "measures": 5,
    "measures_overdue": 1,
    "units_below_threshold": 2,  # I1 at 66.67 %, I3 at 50.00 %, both past 2026-07-10
}

DISTRICT_B = {
    "rounds_completed": 0,  # the city's closed round inspected nothing in 西山县
    "inspections": 1,
    "organizations_inspected": 1,
    "problems_found": 2,
    "problems_by_category": {"党的领导弱化": 2, "党的建设缺失": 0, "全面从严治党不力": 0},
    "problems_by_level": [{"level": "township", "label": "乡镇/街道", "problems_found": 2}],
    "problems_fed_back": 2,
    "problems_rectified": 1,
    "problems_ongoing": 0,
    "rectification_rate": Decimal("50.00"),
    "handover_items": 0,
    "handover_closed": 0,
    "handover_closure_rate": None,
    "clues_transferred": 1,
    "clues_by_destination": {"纪委监委": 1, "组织部": 0},
    "clues_disposed": 0,
    "clue_share_by_mode": [share("regular", "常规巡察", 1, "100.00")],
    "petitions": 1,
    "petition_share_by_mode": [share("regular", "常规巡察", 1, "100.00")],
    "sanctions": NO_SANCTIONS,
    "rules_established": 0,
    "immediate_notices": 0,
    "measures": 1,
    "measures_overdue": 0,
    "units_below_threshold": 1,
}


def test_every_figure_of_the_city_is_known_in_advance(world, built):
    got = figs(world)
    assert pick(got, CITY) == CITY
    assert got["scope"] == {"term": str(world.term.pk)}
    assert got["computed_at"] is not None


def test_coverage_is_by_level_of_the_terms_scope(world, built):
    coverage = figs(world)["coverage"]
    # The city term covers what lies directly under it: both districts' committees and the bureau.
    assert coverage["term"] == "十一届市委"
    assert coverage["levels"] == [
        {"level": "district", "label": "区县", "in_scope": 2, "inspected": 1, "rate": Decimal("50.00")},
        {"level": "municipal_unit", "label": "市直单位", "in_scope": 1, "inspected": 0, "rate": Decimal("0.00")},
    ]
    assert Decimal("0") <= coverage["time_elapsed"] <= Decimal("100")


def test_the_on_commit_refresh_and_a_rebuild_agree(world, built):
    def rows():
        return {r["inspection"]: r for r in InspectionRollup.objects.values("inspection", *COUNT_FIELDS)}

    refreshed = rows()
    assert set(refreshed) == {built.i1.pk, built.i2.pk, built.i3.pk, built.i4.pk, built.i5.pk, built.i7.pk}
    rollup.rebuild()
    assert rows() == refreshed


def test_office_b_sees_only_district_b(world, built):
    got = figs(world, world.office_b)
    assert pick(got, DISTRICT_B) == DISTRICT_B
    assert got["coverage"]["levels"] == [
        {"level": "district", "label": "区县", "in_scope": 1, "inspected": 0, "rate": Decimal("0.00")}
    ]


def test_leader_b_sees_only_district_b_too(world, built):
    got = figs(world, world.leader_b)
    assert pick(got, DISTRICT_B) == DISTRICT_B


def test_office_a_sees_district_a_without_district_b(world, built):
    got = figs(world, world.office_a)
    assert (
        pick(
            got,
            expected := {
                "rounds_completed": 1,
                "inspections": 5,
                "organizations_inspected": 3,
                "problems_found": 5,
                "problems_fed_back": 3,
                "problems_rectified": 2,
                "rectification_rate": Decimal("66.67"),
                "clues_transferred": 6,
                "petitions": 3,
            },
        )
        == expected
    )
    assert [r["level"] for r in got["coverage"]["levels"]] == ["district"]
    assert got["coverage"]["levels"][0]["rate"] == Decimal("100.00")


def test_a_look_back_is_counted_in_its_round_but_its_organization_only_once(world, built):
    assert built.i7.mode == InspectionMode.LOOK_BACK and built.i7.earlier == built.i1
    second = figs(world, round=built.round2)
    assert pick(second, {"rounds_completed": 1, "inspections": 1, "organizations_inspected": 1}) == {
        "rounds_completed": 1,
        "inspections": 1,
        "organizations_inspected": 1,
    }
    assert (second["problems_found"], second["problems_fed_back"], second["rectification_rate"]) == (1, 0, None)
    first = figs(world, round=world.round)
    assert (first["rounds_completed"], first["organizations_inspected"], first["problems_found"]) == (0, 4, 6)
    # 青石镇 was inspected in both rounds: one organization in the term.
    assert figs(world)["organizations_inspected"] == 4


def test_the_scope_narrows_by_level_mode_and_district(world, built):
    village = figs(world, level=OrgLevel.VILLAGE)
    assert (village["inspections"], village["organizations_inspected"], village["problems_found"]) == (2, 1, 1)
    cross = figs(world, mode=InspectionMode.CROSS)
    assert (cross["clues_transferred"], cross["petitions"], cross["problems_found"]) == (3, 1, 1)
    assert cross["clue_share_by_mode"] == [share("cross", "交叉巡察", 3, "100.00")]
    assert cross["rectification_rate"] is None  # nothing fed back yet
    assert cross["rounds_completed"] == 0
    b = figs(world, district=world.district_b)
    assert pick(b, DISTRICT_B) == DISTRICT_B


def test_shares_by_mode_are_percentages_summing_to_100(world, built):
    got = figs(world)
    for key in ("clue_share_by_mode", "petition_share_by_mode"):
        assert sum(row["share"] for row in got[key]) == Decimal("100.00")
        assert all(isinstance(row["share"], Decimal) for row in got[key])


def test_rates_with_a_zero_denominator_are_none_and_shown_as_a_dash(world):
    got = figs(world)
    assert got["inspections"] == 0
    assert got["rectification_rate"] is None
    assert got["handover_closure_rate"] is None
    assert got["clue_share_by_mode"] == [] and got["petition_share_by_mode"] == []
    assert got["computed_at"] is None
    assert show_rate(got["rectification_rate"]) == "—"
    assert rate(0, 0) is None and rate(0, 3) == Decimal("0.00")
    assert show_rate(rate(1822, 2012)) == "90.56%"  # DESIGN.md's example
    assert show_rate(rate(512, 601)) == "85.19%"
    assert "整改完成率—" in summary("清河市委", got)


def test_a_problem_with_one_measure_sent_back_stays_fed_back_not_rectified(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inspection = fed_back(world, problems=1)
        problem = inspection.problems.get()
        accepted, sent_back = sc.measure(world, problem), sc.measure(world, problem)
        sc.verify(world, accepted, rs.Verdict.ACCEPT)
        sc.verify(world, sent_back, rs.Verdict.SEND_BACK)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.FED_BACK
    got = figs(world)
    assert (got["problems_fed_back"], got["problems_rectified"]) == (1, 0)
    assert got["rectification_rate"] == Decimal("0.00")  # a rate of nothing, not "—"
    assert got["measures_overdue"] == 1


def test_long_term_ongoing_counts_as_rectified(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inspection = fed_back(world, problems=2)
        first, second = inspection.problems.order_by("number")
        sc.verify(world, sc.measure(world, first), rs.Verdict.ONGOING)
        sc.verify(world, sc.measure(world, second), rs.Verdict.ACCEPT)
    got = figs(world)
    assert (got["problems_rectified"], got["problems_ongoing"], got["rectification_rate"]) == (2, 1, Decimal("100.00"))


def test_figures_follow_each_edit_and_withdrawn_records_drop_out(world, django_capture_on_commit_callbacks):
    def edit(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    inspection = edit(on_site, world)
    problem = edit(draft_problem, world, inspection)
    assert figs(world)["problems_found"] == 0  # a working paper is not a problem found yet
    edit(approve, world, problem)
    spare = edit(lambda: approve(world, draft_problem(world, inspection, "重复的问题")))
    assert figs(world)["problems_found"] == 2
    edit(fs.problem_withdraw, user=world.team_leader, problem=spare, reason="重复登记")
    assert figs(world)["problems_found"] == 1

    draft = edit(sc.clue, world, inspection, transferred=False)
    assert figs(world)["clues_transferred"] == 0  # a draft clue was not transferred
    edit(fs.clue_withdraw, user=world.team_leader, clue=draft, reason="并入其他线索")
    edit(sc.clue, world, inspection, ClueDestination.ORG_DEPT)
    assert figs(world)["clues_by_destination"] == {"纪委监委": 0, "组织部": 1}

    inspection = edit(sc.leave_and_feed_back, world, inspection)
    measure = edit(sc.measure, world, inspection.problems.live().get())
    assert (figs(world)["measures"], figs(world)["measures_overdue"]) == (1, 1)
    edit(rs.measure_withdraw, user=world.office, measure=measure, reason="措施不当")
    assert (figs(world)["measures"], figs(world)["measures_overdue"]) == (0, 0)

    planned = edit(create_inspection, world, world.district_b)
    assert figs(world)["inspections"] == 2
    edit(cs.inspection_withdraw, user=world.office, inspection=planned, reason="计划调整")
    assert figs(world)["inspections"] == 1
    assert not InspectionRollup.objects.filter(inspection=planned).exists()


def test_one_person_with_party_and_government_sanctions_counts_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inspection = on_site(world)
        k = sc.clue(world, inspection)
        for kind in (SanctionKind.PARTY_DISCIPLINE, SanctionKind.GOVERNMENT):
            sc.sanction(world, inspection, kind, "李某", source=SanctionSource.CLUE, clue=k)
        for _ in range(2):
            sc.sanction(world, inspection, SanctionKind.ORGANIZATIONAL, "李某", source=SanctionSource.CLUE, clue=k)
    assert figs(world)["sanctions"] == {
        "discipline_persons": 1,
        "org_handling_person_times": 2,
        "judicial": 0,
        "by_source": {"clue": sanctions(1, 2, 0), "handover": NONE, "rectification": NONE},
    }


def test_units_below_the_threshold_are_suggested_for_an_interview(world, built, settings):
    def below(user=None, today=None):
        rows = units_below_threshold(user or world.office, Scope(term=world.term), today=today)
        return {r["inspection_id"]: r["rate"] for r in rows}

    assert settings.INTERVIEW_RATE_THRESHOLD == 0.8
    assert below() == {built.i1.pk: Decimal("66.67"), built.i3.pk: Decimal("50.00")}
    settings.INTERVIEW_RATE_THRESHOLD = 0.6
    assert below() == {built.i3.pk: Decimal("50.00")}
    assert figs(world)["units_below_threshold"] == 1
    settings.INTERVIEW_RATE_THRESHOLD = 0.5
    assert below() == {}  # 50 % is not below 50 %
    settings.INTERVIEW_RATE_THRESHOLD = 0.9
    assert below(world.office_b) == {built.i3.pk: Decimal("50.00")}
    assert below(today=D(2026, 7, 10)) == {}  # the deadline (2026-07-10) has not passed yet
    row = units_below_threshold(world.office, Scope(term=world.term))[0]
    assert row["overdue_measures"] in (0, 1) and row["deadline"] == D(2026, 7, 10)


def test_by_district_gives_each_districts_rate(world, built):
    rows = by_group(world.office, Scope(term=world.term), "district", "district__name")
    assert [(r["label"], r["found"], r["fed_back"], r["rectified"], r["rate"]) for r in rows] == [
        ("东城区委", 5, 3, 2, Decimal("66.67")),
        ("西山县委", 2, 2, 1, Decimal("50.00")),
    ]


def test_the_summary_states_the_numbers(world, built):
    f = figs(world)
    text = summary("清河市委", f)
    for part in (
        "本届清河市委完成1轮巡察，派出巡察组2个，巡察党组织4个，发现问题7个",
        "党的领导弱化问题5个、党的建设缺失问题1个、全面从严治党不力问题1个",
        "反馈问题5个，已整改3个，整改完成率60.00%",
        "移交问题线索7件（纪委监委6件、组织部1件）",
        "给予党纪政务处分3人，组织处理3人次，移送司法机关1人",
        "转交办事项3件，已办结1件，办结率33.33%",
        "推动建立健全规章制度2项；受理信访4件。",
        "其中巡察村（社区）党组织1个，发现问题1个。",
        "纪检监察机关根据巡察移交的问题线索，给予党纪政务处分2人，组织处理2人次，移送司法机关1人。",
        "各单位根据转交办事项，党纪政务处分0人，组织处理1人次，建立健全规章制度0项。",
        "整改中问责党纪政务处分1人，组织处理0人次。",
    ):
        assert part in text
