"""Two places, every kind of record, built with the real services, for the scoping matrix.

On top of `tests.world` (DESIGN.md §1 roles):

- place A: 第一巡察组 (world.team) inspects 青石镇 (township, fed back, rectifying) and 青石村
  (village, still on site, with a draft and an approved working paper);
- place B: 第二巡察组, in the same round, with its own cadres (b_leader, b_deputy, b_member),
  inspects 西山镇 (township_b, fed back) and 西山村 (village_b, on site);
- a district-A term, round and team (东城区委's own plan) that district B must not see;
- cadres in the pool outside any team (pool_a employed in A, pool_b employed in B) and
  conflict declarations in both districts.

Every record is registered under a label ("A.p_open", "B.k_clue", …) so that the tests can
state, per model and per user, exactly which records are visible.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model, QuerySet

from accounts.models import Role, User
from campaigns import selectors as csel
from campaigns import services as cs
from campaigns.models import (
    CadreSource,
    ConflictDeclaration,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Organization,
    Person,
    Round,
    Team,
    TeamMember,
    TeamRole,
    Term,
)
from findings import review_notes as rn
from findings import selectors as fsel
from findings import services as fs
from findings.models import (
    Clue,
    ClueDestination,
    CommonProblem,
    DiscoveryMethod,
    Disposition,
    ImmediateNotice,
    Petition,
    PetitionChannel,
    Problem,
    ProblemStatus,
    Sanction,
    SanctionKind,
    SanctionSource,
)
from rectification import selectors as rsel
from rectification import services as rs
from rectification.models import (
    Evaluation,
    EvaluationGrade,
    Evidence,
    HandoverItem,
    Measure,
    RuleEstablished,
    RuleKind,
    SupervisionAction,
    SupervisionKind,
)
from tests.world import D, World, category, make_user

PDF = b"%PDF-1.4\n%evidence\n"

# model key -> (scoping function, model): the twenty doors of DESIGN.md §1.
SCOPING: dict[str, tuple[Callable[[User], QuerySet], type[Model]]] = {
    "organizations": (csel.organizations_visible_to, Organization),
    "terms": (csel.terms_visible_to, Term),
    "rounds": (csel.rounds_visible_to, Round),
    "teams": (csel.teams_visible_to, Team),
    "team_members": (csel.team_members_visible_to, TeamMember),
    "persons": (csel.persons_visible_to, Person),
    "conflicts": (csel.conflicts_visible_to, ConflictDeclaration),
    "inspections": (csel.inspections_visible_to, Inspection),
    "petitions": (fsel.petitions_visible_to, Petition),
    "problems": (fsel.problems_visible_to, Problem),
    "notices": (fsel.notices_visible_to, ImmediateNotice),
    "clues": (fsel.clues_visible_to, Clue),
    "sanctions": (fsel.sanctions_visible_to, Sanction),
    "common_problems": (fsel.common_problems_visible_to, CommonProblem),
    "measures": (rsel.measures_visible_to, Measure),
    "evidence": (rsel.evidence_visible_to, Evidence),
    "handover_items": (rsel.handover_items_visible_to, HandoverItem),
    "rules": (rsel.rules_visible_to, RuleEstablished),
    "supervision_actions": (rsel.supervision_actions_visible_to, SupervisionAction),
    "evaluations": (rsel.evaluations_visible_to, Evaluation),
}

TEAM_A = ("team_leader", "team_deputy", "team_member")
TEAM_B = ("b_leader", "b_deputy", "b_member")
# Every user of the matrix: the world's users plus the second team's cadres.
USERS = (
    "office",
    "office_a",
    "office_b",
    "leader",
    "leader_b",
    *TEAM_A,
    *TEAM_B,
    "other_inspector",
    "liaison",
    "liaison_b",
    "discipline",
    "discipline_b",
    "orgdept",
    "nobody",
)


@dataclass
class Crew:
    """Who works one place: the team, its three cadres, the unit's liaison, the handlers."""

    team: Team
    leader: User
    deputy: User
    member: User
    liaison: User
    discipline: User
    township: Organization
    village: Organization


@dataclass
class Scene:
    world: World
    users: dict[str, User]
    pks: dict[str, dict[str, int]] = field(default_factory=dict)
    objs: dict[str, object] = field(default_factory=dict)

    def reg(self, model_key: str, label: str, obj):
        assert label not in self.pks.setdefault(model_key, {}), label
        self.pks[model_key][label] = obj.pk
        self.objs[f"{model_key}:{label}"] = obj
        return obj

    def get(self, model_key: str, label: str):
        return self.objs[f"{model_key}:{label}"]

    def labels_of(self, model_key: str, pks) -> set[str]:
        by_pk = {pk: label for label, pk in self.pks[model_key].items()}
        return {by_pk.get(pk, f"<unlabelled pk {pk}>") for pk in pks}


def fresh(username: str) -> User:
    """A user object straight from the database: no role assignments cached on it."""
    return User.objects.get(username=username)


def visible_pks(model_key: str, user: User) -> list[int]:
    scoping, _model = SCOPING[model_key]
    return list(scoping(user).values_list("pk", flat=True))


def assert_matrix(scene: Scene, model_key: str, expected: dict[str, set[str]]) -> None:
    """For every user of USERS, the scoping function returns exactly the expected records
    (users not named in `expected` see nothing), with no row twice."""
    unknown = set(expected) - set(USERS)
    assert not unknown, f"not users of the matrix: {unknown}"
    _scoping, model = SCOPING[model_key]
    # The registry is the whole table: "sees everything" means everything.
    assert set(model.objects.values_list("pk", flat=True)) == set(scene.pks[model_key].values())
    errors = {}
    for key in USERS:
        pks = visible_pks(model_key, fresh(key))
        assert len(pks) == len(set(pks)), f"{model_key}: {key} gets duplicate rows"
        want_labels = expected.get(key, set())
        missing_from_registry = want_labels - set(scene.pks[model_key])
        assert not missing_from_registry, f"{model_key}: unknown labels {missing_from_registry}"
        want = {scene.pks[model_key][label] for label in want_labels}
        if set(pks) != want:
            errors[key] = {
                "missing": sorted(scene.labels_of(model_key, want - set(pks))),
                "extra": sorted(scene.labels_of(model_key, set(pks) - want)),
            }
    assert not errors, f"{model_key}: {errors}"


def both(*labels: str) -> set[str]:
    return {f"{place}.{label}" for place in "AB" for label in labels}


def in_a(*labels: str) -> set[str]:
    return {f"A.{label}" for label in labels}


def in_b(*labels: str) -> set[str]:
    return {f"B.{label}" for label in labels}


# --- Building it --------------------------------------------------------------------------


def _second_team(w: World, users: dict[str, User]) -> Team:
    team_b = Team.objects.create(round=w.round, number=2, name="第二巡察组")
    for key, role in (("b_leader", TeamRole.LEADER), ("b_deputy", TeamRole.DEPUTY), ("b_member", TeamRole.MEMBER)):
        users[key] = make_user(key, Role.INSPECTOR, w.city)
        person = Person.objects.create(
            name=key,
            user=users[key],
            employer=w.district_a_unit,
            home_district=w.district_a,
            source=CadreSource.DISTRICT_OFFICE,
        )
        TeamMember.objects.create(team=team_b, person=person, role=role, source=person.source)
        w.persons[key] = person
    return team_b


def _people(scene: Scene, team_b: Team) -> None:
    w = scene.world
    w.persons["pool_a"] = Person.objects.create(name="pool_a", employer=w.district_a_unit, source=CadreSource.SECONDED)
    w.persons["pool_b"] = Person.objects.create(name="pool_b", employer=w.township_b, source=CadreSource.SECONDED)
    for key, person in w.persons.items():
        scene.reg("persons", key, person)

    # 东城区委's own plan: a term, a round and a team the city and district A see, district B not.
    term_a = Term.objects.create(
        committee=w.district_a, name="东城区委第五届", start_date=D(2021, 6, 1), end_date=D(2026, 5, 31)
    )
    round_a = Round.objects.create(term=term_a, number=1, name="东城区第一轮", start_date=D(2026, 3, 1))
    team_a_district = Team.objects.create(round=round_a, number=1, name="东城区第一巡察组")
    district_member = TeamMember.objects.create(
        team=team_a_district, person=w.persons["pool_a"], role=TeamRole.LEADER, source=CadreSource.SECONDED
    )
    scene.reg("terms", "city", w.term)
    scene.reg("terms", "district_a", term_a)
    scene.reg("rounds", "city", w.round)
    scene.reg("rounds", "district_a", round_a)
    scene.reg("teams", "A", w.team)
    scene.reg("teams", "B", team_b)
    scene.reg("teams", "district_a", team_a_district)
    for member in TeamMember.objects.filter(team__in=[w.team, team_b]).select_related("person"):
        place = "A" if member.team_id == w.team.pk else "B"
        scene.reg("team_members", f"{place}.{member.role}", member)
    scene.reg("team_members", "district_a.pool_a", district_member)

    for key, organization in (("pool_a", w.township_b), ("pool_b", w.township), ("team_leader", w.village_b)):
        scene.reg(
            "conflicts",
            key,
            ConflictDeclaration.objects.create(
                person=w.persons[key], organization=organization, reason="近亲属任职", declared_on=D(2026, 1, 5)
            ),
        )
    for name in (
        "city",
        "district_a",
        "district_a_unit",
        "township",
        "village",
        "community",
        "district_b",
        "township_b",
        "village_b",
        "bureau",
    ):
        scene.reg("organizations", name, getattr(w, name))


def _draft(crew: Crew, inspection: Inspection, title: str) -> Problem:
    return fs.problem_draft(
        user=crew.member,
        inspection=inspection,
        title=title,
        description=f"{title}的具体表现",
        category=category("A01"),
        method=DiscoveryMethod.INTERVIEW,
    )


def _approve(crew: Crew, problem: Problem) -> Problem:
    problem = fs.problem_sign_handler(user=crew.member, problem=problem)
    problem = fs.problem_sign_deputy(user=crew.deputy, problem=problem)
    return fs.problem_approve(user=crew.leader, problem=problem)


def _clue(crew: Crew, inspection: Inspection, name: str, destination: str, transfer: bool) -> Clue:
    clue = fs.clue_register(
        user=crew.member, inspection=inspection, subject_name=name, summary=f"{name}涉嫌违规", destination=destination
    )
    if transfer:
        clue = fs.clue_transfer(user=crew.leader, clue=clue, transferred_on=D(2026, 3, 20))
    return clue


def _place(scene: Scene, place: str, crew: Crew) -> None:
    """Everything that can happen around one township (fed back) and one village (on site)."""
    w, reg = scene.world, scene.reg
    reg_p = lambda key, label, obj: reg(key, f"{place}.{label}", obj)  # noqa: E731

    # The township: on site, papers signed, clues transferred, left, fed back, rectifying.
    inspection = cs.inspection_create(
        user=w.office, round=w.round, team=crew.team, organization=crew.township, mode=InspectionMode.REGULAR
    )
    inspection = cs.inspection_enter(user=crew.leader, inspection=inspection, on=D(2026, 3, 10))
    reg_p(
        "petitions",
        "petition",
        fs.petition_register(
            user=crew.member,
            inspection=inspection,
            channel=PetitionChannel.LETTER,
            received_on=D(2026, 3, 12),
            subject="村干部优亲厚友",
            content="反映低保评定不公",
            is_anonymous=True,
        ),
    )
    problems = {label: _approve(crew, _draft(crew, inspection, label)) for label in ("p_rect", "p_ongoing", "p_open")}
    reg_p(
        "notices",
        "notice",
        fs.immediate_notice_issue(
            user=crew.leader,
            problem=problems["p_open"],
            issued_on=D(2026, 3, 15),
            deadline=D(2026, 3, 30),
            requirement="立即公开村务",
        ),
    )
    c_disc = reg_p("clues", "c_disc", _clue(crew, inspection, "张某", ClueDestination.DISCIPLINE, transfer=True))
    c_org = reg_p("clues", "c_org", _clue(crew, inspection, "李某", ClueDestination.ORG_DEPT, transfer=True))
    reg_p("clues", "c_draft", _clue(crew, inspection, "王某", ClueDestination.DISCIPLINE, transfer=False))
    reg_p("clues", "c_draft_org", _clue(crew, inspection, "赵某", ClueDestination.ORG_DEPT, transfer=False))
    reg_p(
        "handover_items",
        "handover",
        rs.handover_item_create(
            user=crew.leader,
            inspection=inspection,
            title="道路维护问题",
            department="区交通局",
            handed_over_on=D(2026, 3, 25),
        ),
    )
    inspection = cs.inspection_leave(user=crew.leader, inspection=inspection, on=D(2026, 4, 10))
    inspection = rs.inspection_feed_back(user=crew.leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    reg_p("inspections", "I", inspection)

    # The handlers' side: disposition and sanctions, and the office's own sanctions.
    c_disc = fs.clue_dispose(
        user=crew.discipline, clue=c_disc, disposition=Disposition.CASE_OPENED, disposed_on=D(2026, 5, 1)
    )
    sanction = dict(inspection=inspection, person_position="村主任", decided_on=D(2026, 6, 1))
    reg_p(
        "sanctions",
        "s_clue",
        fs.sanction_record(
            user=crew.discipline,
            source=SanctionSource.CLUE,
            kind=SanctionKind.PARTY_DISCIPLINE,
            person_name="张某",
            clue=c_disc,
            **sanction,
        ),
    )
    reg_p(
        "sanctions",
        "s_org",
        fs.sanction_record(
            user=w.orgdept,
            source=SanctionSource.CLUE,
            kind=SanctionKind.ORGANIZATIONAL,
            person_name="李某",
            clue=c_org,
            **sanction,
        ),
    )
    reg_p(
        "sanctions",
        "s_rect",
        fs.sanction_record(
            user=w.office,
            source=SanctionSource.RECTIFICATION,
            kind=SanctionKind.ORGANIZATIONAL,
            person_name="钱某",
            problem=problems["p_open"],
            **sanction,
        ),
    )
    reg_p(
        "sanctions",
        "s_handover",
        fs.sanction_record(
            user=w.office,
            source=SanctionSource.HANDOVER,
            kind=SanctionKind.GOVERNMENT,
            person_name="孙某",
            **sanction,
        ),
    )

    # The unit rectifies; the office verifies one, accepts one as ongoing, leaves one reported.
    measures = {}
    for label, problem in problems.items():
        measure = rs.measure_add(
            user=crew.liaison,
            problem=problem,
            content=f"{label}的整改措施",
            responsible_unit=crew.township,
            responsible_person="王主任",
            deadline=D(2026, 6, 30),
        )
        upload = SimpleUploadedFile(f"{label}.pdf", PDF, content_type="application/pdf")
        measures[label] = rs.measure_report(user=crew.liaison, measure=measure, progress="已完成", files=[upload])
        reg_p("evidence", f"e_{label[2:]}", measures[label].evidence.get())
    rs.measure_verify(user=w.office, measure=measures["p_rect"], verdict=rs.Verdict.ACCEPT)
    rs.measure_verify(user=w.office, measure=measures["p_ongoing"], verdict=rs.Verdict.ONGOING)
    for label, measure in measures.items():
        reg_p("measures", f"m_{label[2:]}", measure)
    for label, problem in problems.items():
        problem.refresh_from_db()
        reg_p("problems", label, problem)
    assert [problems[k].status for k in problems] == [
        ProblemStatus.RECTIFIED,
        ProblemStatus.ONGOING,
        ProblemStatus.FED_BACK,
    ]
    reg_p(
        "rules",
        "rule",
        rs.rule_record(
            user=crew.liaison,
            inspection=inspection,
            title="村务公开制度",
            kind=RuleKind.NEW,
            adopted_on=D(2026, 6, 15),
            problem=problems["p_rect"],
        ),
    )
    reg_p(
        "supervision_actions",
        "supervision",
        rs.supervision_record(
            user=w.office,
            inspection=inspection,
            kind=SupervisionKind.REMINDER,
            acted_on=D(2026, 6, 20),
            content="请加快整改",
            measure=measures["p_open"],
        ),
    )
    reg_p(
        "evaluations",
        "evaluation",
        rs.evaluation_record(
            user=w.office, inspection=inspection, score=85, grade=EvaluationGrade.GOOD, evaluated_on=D(2026, 7, 1)
        ),
    )

    # The village: still on site; a draft and an approved paper, a transferred clue.
    k = cs.inspection_create(
        user=w.office, round=w.round, team=crew.team, organization=crew.village, mode=InspectionMode.REGULAR
    )
    k = reg_p("inspections", "K", cs.inspection_enter(user=crew.leader, inspection=k, on=D(2026, 3, 10)))
    reg_p(
        "petitions",
        "k_petition",
        fs.petition_register(
            user=crew.member,
            inspection=k,
            channel=PetitionChannel.PHONE,
            received_on=D(2026, 3, 11),
            subject="饮水安全",
            content="自来水浑浊",
            petitioner="刘某",
        ),
    )
    k_draft = reg_p("problems", "k_draft", _draft(crew, k, "饮水工程验收不严"))
    reg_p("review_notes", "k_note", rn.review_note_add(user=crew.deputy, problem=k_draft, text="请补充验收记录"))
    k_approved = reg_p("problems", "k_approved", _approve(crew, _draft(crew, k, "集体资产底数不清")))
    reg_p(
        "notices",
        "k_notice",
        fs.immediate_notice_issue(
            user=crew.leader,
            problem=k_approved,
            issued_on=D(2026, 3, 16),
            deadline=D(2026, 3, 31),
            requirement="清点资产",
        ),
    )
    reg_p("clues", "k_clue", _clue(crew, k, "周某", ClueDestination.DISCIPLINE, transfer=True))
    reg_p(
        "handover_items",
        "k_handover",
        rs.handover_item_create(
            user=crew.leader, inspection=k, title="饮水工程", department="区水务局", handed_over_on=D(2026, 3, 26)
        ),
    )
    assert k.status == InspectionStatus.ON_SITE


def _common_problems(scene: Scene) -> None:
    w, get = scene.world, scene.get
    cp_both = CommonProblem.objects.create(title="村务公开不及时", category=category("A01"), created_by=w.office)
    fs.problems_link_common(
        user=w.office, problems=[get("problems", "A.p_open"), get("problems", "B.p_open")], common=cp_both
    )
    cp_k_a = CommonProblem.objects.create(title="饮水工程", category=category("A04"), created_by=w.office_a)
    fs.problems_link_common(user=w.office_a, problems=[get("problems", "A.k_draft")], common=cp_k_a)
    cp_empty = CommonProblem.objects.create(title="尚未归集", category=category("A04"), created_by=w.office_a)
    scene.reg("common_problems", "both", cp_both)
    scene.reg("common_problems", "k_a", cp_k_a)
    scene.reg("common_problems", "empty_by_office_a", cp_empty)


def build_scene(w: World) -> Scene:
    users = dict(w.users)
    team_b = _second_team(w, users)
    scene = Scene(world=w, users=users)
    _people(scene, team_b)
    crew_a = Crew(w.team, w.team_leader, w.team_deputy, w.team_member, w.liaison, w.discipline, w.township, w.village)
    crew_b = Crew(
        team_b,
        users["b_leader"],
        users["b_deputy"],
        users["b_member"],
        w.liaison_b,
        w.discipline_b,
        w.township_b,
        w.village_b,
    )
    _place(scene, "A", crew_a)
    _place(scene, "B", crew_b)
    _common_problems(scene)
    return scene
