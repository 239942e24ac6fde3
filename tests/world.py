"""A small, fully known jurisdiction for tests, and helpers that walk an inspection through
its life with the real services.

City 清河市委 (committee)
├── 东城区委 (district A, committee) ── 东城区直单位, 青石镇党委 (township) ── 青石村 (village), 柳岸社区
├── 西山县委 (district B, committee) ── 西山镇党委 ── 西山村
└── 市交通局党组 (municipal unit)
"""

import datetime
from dataclasses import dataclass, field

from accounts.models import Role, RoleAssignment, User
from campaigns import services as cs
from campaigns.models import (
    CadreSource,
    Inspection,
    InspectionMode,
    Organization,
    OrgLevel,
    PartyOrgType,
    Person,
    Round,
    RoundStatus,
    Team,
    TeamMember,
    TeamRole,
    Term,
    path_segment,
)
from findings import services as fs
from findings.models import DiscoveryMethod, Problem, ProblemCategory
from findings.taxonomy import TAXONOMY
from rectification import services as rs

PASSWORD = "Test-pass-2026!"
D = datetime.date


def make_org(parent: Organization | None, name: str, code: str, level: str, **kw) -> Organization:
    siblings = Organization.objects.filter(parent=parent).count()
    prefix = parent.path if parent else ""
    return Organization.objects.create(
        parent=parent,
        name=name,
        code=code,
        level=level,
        party_org_type=kw.pop("party_org_type", PartyOrgType.COMMITTEE),
        path=prefix + path_segment(siblings + 1),
        depth=(parent.depth + 1) if parent else 1,
        **kw,
    )


def make_user(username: str, role: str | None = None, org: Organization | None = None, **kw) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=kw.pop("full_name", username), **kw)
    if role:
        RoleAssignment.objects.create(user=user, role=role, organization=org)
    return user


@dataclass
class World:
    city: Organization
    district_a: Organization
    district_a_unit: Organization
    township: Organization
    village: Organization
    community: Organization
    district_b: Organization
    township_b: Organization
    village_b: Organization
    bureau: Organization
    term: Term
    round: Round
    team: Team
    users: dict[str, User] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def ensure_taxonomy() -> None:
    """The taxonomy is seeded by a migration; a transactional test before this one may have
    flushed it (TransactionTestCase empties every table), so put it back if it is gone."""
    if ProblemCategory.objects.exists():
        return
    for top_order, (code, name, children) in enumerate(TAXONOMY, start=1):
        top = ProblemCategory.objects.create(code=code, name=name, sort_order=top_order)
        for order, (child_code, child_name) in enumerate(children, start=1):
            ProblemCategory.objects.create(code=child_code, name=child_name, parent=top, sort_order=order)


def build_world() -> World:
    ensure_taxonomy()
    city = make_org(None, "清河市委", "QH", "committee", is_committee=True)
    district_a = make_org(city, "东城区委", "QH-A", OrgLevel.DISTRICT, is_committee=True)
    district_a_unit = make_org(
        district_a, "东城区财政局党组", "QH-A-U1", OrgLevel.DISTRICT_UNIT, party_org_type=PartyOrgType.LEADING_GROUP
    )
    township = make_org(district_a, "青石镇党委", "QH-A-T1", OrgLevel.TOWNSHIP)
    village = make_org(township, "青石村党支部", "QH-A-T1-V1", OrgLevel.VILLAGE, party_org_type=PartyOrgType.BRANCH)
    community = make_org(
        township, "柳岸社区党总支", "QH-A-T1-V2", OrgLevel.VILLAGE, party_org_type=PartyOrgType.GENERAL_BRANCH
    )
    district_b = make_org(city, "西山县委", "QH-B", OrgLevel.DISTRICT, is_committee=True)
    township_b = make_org(district_b, "西山镇党委", "QH-B-T1", OrgLevel.TOWNSHIP)
    village_b = make_org(township_b, "西山村党支部", "QH-B-T1-V1", OrgLevel.VILLAGE, party_org_type=PartyOrgType.BRANCH)
    bureau = make_org(city, "市交通局党组", "QH-M1", OrgLevel.MUNICIPAL_UNIT, party_org_type=PartyOrgType.LEADING_GROUP)

    term = Term.objects.create(committee=city, name="十一届市委", start_date=D(2022, 1, 1), end_date=D(2026, 12, 31))
    round_ = Round.objects.create(
        term=term, number=1, name="第一轮", start_date=D(2026, 3, 1), status=RoundStatus.PLANNED
    )
    team = Team.objects.create(round=round_, number=1, name="第一巡察组")

    users = {
        "office": make_user("office", Role.OFFICE_ADMIN, city),
        "office_a": make_user("office_a", Role.OFFICE_ADMIN, district_a),
        "office_b": make_user("office_b", Role.OFFICE_ADMIN, district_b),
        "leader": make_user("leader", Role.LEADER, city),
        "leader_b": make_user("leader_b", Role.LEADER, district_b),
        "team_leader": make_user("team_leader", Role.INSPECTOR, city),
        "team_deputy": make_user("team_deputy", Role.INSPECTOR, city),
        "team_member": make_user("team_member", Role.INSPECTOR, city),
        "other_inspector": make_user("other_inspector", Role.INSPECTOR, city),
        "liaison": make_user("liaison", Role.UNIT_LIAISON, township),
        "liaison_b": make_user("liaison_b", Role.UNIT_LIAISON, township_b),
        "discipline": make_user("discipline", Role.DISCIPLINE_LIAISON, city),
        "discipline_b": make_user("discipline_b", Role.DISCIPLINE_LIAISON, district_b),
        "orgdept": make_user("orgdept", Role.ORGDEPT_LIAISON, city),
        "nobody": make_user("nobody"),
    }
    persons = {}
    for key, role in (
        ("team_leader", TeamRole.LEADER),
        ("team_deputy", TeamRole.DEPUTY),
        ("team_member", TeamRole.MEMBER),
    ):
        person = Person.objects.create(
            name=key, user=users[key], employer=bureau, home_district=district_b, source=CadreSource.INSPECTION_OFFICE
        )
        TeamMember.objects.create(team=team, person=person, role=role, source=person.source)
        persons[key] = person
    persons["other"] = Person.objects.create(
        name="other_inspector", user=users["other_inspector"], employer=bureau, source=CadreSource.SECONDED
    )
    return World(
        city=city,
        district_a=district_a,
        district_a_unit=district_a_unit,
        township=township,
        village=village,
        community=community,
        district_b=district_b,
        township_b=township_b,
        village_b=village_b,
        bureau=bureau,
        term=term,
        round=round_,
        team=team,
        users=users,
        persons=persons,
    )


# --- Walking an inspection through its life -------------------------------------------------


def category(code: str = "A01") -> ProblemCategory:
    return ProblemCategory.objects.get(code=code)


def create_inspection(w: World, organization: Organization | None = None, mode: str = InspectionMode.REGULAR, **kw):
    return cs.inspection_create(
        user=w.office, round=w.round, team=w.team, organization=organization or w.township, mode=mode, **kw
    )


def on_site(w: World, organization: Organization | None = None, **kw) -> Inspection:
    inspection = create_inspection(w, organization, **kw)
    return cs.inspection_enter(user=w.team_leader, inspection=inspection, on=D(2026, 3, 10))


def draft_problem(w: World, inspection: Inspection, title: str = "村务公开不及时", code: str = "A01") -> Problem:
    return fs.problem_draft(
        user=w.team_member,
        inspection=inspection,
        title=title,
        description=f"{title}的具体表现",
        category=category(code),
        method=DiscoveryMethod.INTERVIEW,
    )


def approve(w: World, problem: Problem) -> Problem:
    problem = fs.problem_sign_handler(user=problem.drafted_by, problem=problem)
    problem = fs.problem_sign_deputy(user=w.team_deputy, problem=problem)
    return fs.problem_approve(user=w.team_leader, problem=problem)


def fed_back(w: World, organization: Organization | None = None, problems: int = 2) -> Inspection:
    """An inspection left and fed back, with `problems` approved problems now fed back."""
    inspection = on_site(w, organization)
    for i in range(problems):
        approve(w, draft_problem(w, inspection, title=f"问题{i + 1}"))
    inspection = cs.inspection_leave(user=w.team_leader, inspection=inspection, on=D(2026, 4, 10))
    return rs.inspection_feed_back(user=w.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
