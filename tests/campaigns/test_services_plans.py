"""Terms, rounds, teams, the cadre pool and role grants through services (issue 11): a whole
term created from nothing by services alone, and every refusal the admin forms give."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role, RoleAssignment, User
from accounts.services import role_grant, role_revoke
from campaigns import services
from campaigns.models import CadreSource, InspectionMode, OrgLevel, PartyOrgType, RoundStatus, TeamRole
from findings.models import DiscoveryMethod, ProblemStatus
from findings.services import inspection_feed_back, problem_approve, problem_draft, problem_sign_handler
from reports.figures import Scope, figures
from reports.rollup import rebuild
from tests.world import category, ensure_taxonomy

D = dt.date
pytestmark = pytest.mark.django_db


def org(user, parent, name, code, level, kind=PartyOrgType.LEADING_GROUP, committee=False):
    return services.organization_create(
        user=user, parent=parent, name=name, code=code, level=level, party_org_type=kind, is_committee=committee
    )


def test_a_whole_term_from_nothing_through_services_alone():
    ensure_taxonomy()
    root_user = User.objects.create_superuser("root", password="x")
    city = org(root_user, None, "清源市委", "QY", OrgLevel.COMMITTEE, PartyOrgType.COMMITTEE, committee=True)
    # A superuser creates the top; below it, even a superuser acts as the office it holds.
    role_grant(user=root_user, grantee=root_user, role=Role.OFFICE_ADMIN, organization=city)
    root_user = User.objects.get(pk=root_user.pk)
    bureau = org(root_user, city, "市水利局党组", "QY-01", OrgLevel.MUNICIPAL_UNIT)
    school = org(root_user, city, "市第一中学党委", "QY-02", OrgLevel.INSTITUTION, PartyOrgType.COMMITTEE)

    office = User.objects.create_user("office", password="x")
    role_grant(user=root_user, grantee=office, role=Role.OFFICE_ADMIN, organization=city)
    term = services.term_create(
        user=office, committee=city, name="十届市委", start_date=D(2024, 1, 1), end_date=D(2028, 12, 31)
    )
    first = services.round_create(user=office, term=term, name="第一轮巡察", start_date=D(2026, 9, 1))
    second = services.round_create(user=office, term=term, name="第二轮巡察", start_date=D(2026, 11, 1))
    assert (first.number, second.number, first.status) == (1, 2, RoundStatus.PLANNED)

    team = services.team_create(user=office, round=first, name="第一巡察组")
    accounts = {}
    for username, role in (("zuzhang", TeamRole.LEADER), ("fuzuzhang", TeamRole.DEPUTY), ("zuyuan", TeamRole.MEMBER)):
        account = User.objects.create_user(username, password="x")
        role_grant(user=office, grantee=account, role=Role.INSPECTOR, organization=city)
        person = services.person_create(
            user=office, employer=city, name=username, source=CadreSource.INSPECTION_OFFICE, account=account
        )
        services.team_member_add(user=office, team=team, person=person, role=role)
        accounts[role] = account
    assert team.number == 1 and team.members.count() == 3

    inspection = services.inspection_create(
        user=office, round=first, team=team, organization=bureau, mode=InspectionMode.REGULAR
    )
    services.inspection_enter(user=accounts[TeamRole.LEADER], inspection=inspection, on=D(2026, 9, 10))
    problems = []
    for n in range(2):
        problem = problem_draft(
            user=accounts[TeamRole.MEMBER],
            inspection=inspection,
            title=f"问题{n}",
            description="重大事项未经集体研究",
            category=category("A01"),
            method=DiscoveryMethod.DOCUMENTS,
        )
        problem_sign_handler(user=accounts[TeamRole.MEMBER], problem=problem)
        problems.append(problem)
    from findings.services import problem_sign_deputy

    for problem in problems:
        problem_sign_deputy(user=accounts[TeamRole.DEPUTY], problem=problem)
        problem_approve(user=accounts[TeamRole.LEADER], problem=problem)
    services.inspection_leave(user=accounts[TeamRole.LEADER], inspection=inspection, on=D(2026, 10, 10))
    inspection_feed_back(user=office, inspection=inspection, feedback_date=D(2026, 11, 1))
    closed = services.round_close(user=office, round=first, on=D(2026, 11, 2))

    liaison = User.objects.create_user("liaison", password="x")
    role_grant(user=office, grantee=liaison, role=Role.UNIT_LIAISON, organization=bureau)
    assert closed.status == RoundStatus.CLOSED
    assert {p.status for p in inspection.problems.all()} == {ProblemStatus.FED_BACK}

    rebuild()
    leader = User.objects.create_user("leader", password="x")
    role_grant(user=office, grantee=leader, role=Role.LEADER, organization=city)
    out = figures(leader, Scope(term=term))
    assert (out["inspections"], out["problems_found"], out["problems_fed_back"], out["rounds_completed"]) == (
        1,
        2,
        2,
        1,
    )
    assert out["teams"]["total"] == 1
    assert [(lv["level"], lv["in_scope"], lv["inspected"]) for lv in out["coverage"]["levels"]] == [
        (OrgLevel.INSTITUTION, 1, 0),
        (OrgLevel.MUNICIPAL_UNIT, 1, 1),
    ]
    # Every record carries its history, attributed to who created it.
    assert term.history.get().history_user == office
    assert team.history.get().history_user == office
    assert RoleAssignment.history.filter(history_user=office).count() == 5
    assert school.inspections.count() == 0


@pytest.fixture
def plan(world):
    term = services.term_create(
        user=world.office, committee=world.city, name="新一届", start_date=D(2040, 1, 1), end_date=D(2044, 12, 31)
    )
    return term


def refusal(exc) -> str:
    return " ".join(exc.value.messages)


class TestTermRefusals:
    def test_outside_jurisdiction(self, world):
        with pytest.raises(PermissionDenied):
            services.term_create(
                user=world.office_b, committee=world.city, name="x", start_date=D(2040, 1, 1), end_date=D(2041, 1, 1)
            )

    def test_not_a_committee_dates_and_names(self, world, plan):
        with pytest.raises(ValidationError) as exc:
            services.term_create(
                user=world.office, committee=world.bureau, name="x", start_date=D(2040, 1, 1), end_date=D(2041, 1, 1)
            )
        assert "不是开展巡察的党委" in refusal(exc)
        with pytest.raises(ValidationError) as exc:
            services.term_create(
                user=world.office, committee=world.city, name="x", start_date=D(2041, 1, 1), end_date=D(2041, 1, 1)
            )
        assert "结束日期须晚于开始日期" in refusal(exc)
        with pytest.raises(ValidationError) as exc:
            services.term_create(
                user=world.office, committee=world.city, name=" ", start_date=D(2050, 1, 1), end_date=D(2051, 1, 1)
            )
        assert "请填写届次名称" in refusal(exc)
        with pytest.raises(ValidationError) as exc:
            services.term_create(
                user=world.office, committee=world.city, name="新一届", start_date=D(2050, 1, 1), end_date=D(2051, 1, 1)
            )
        assert "已有名为“新一届”的届次" in refusal(exc)

    def test_overlap_refused_but_terms_may_meet_on_a_day(self, world, plan):
        with pytest.raises(ValidationError) as exc:
            services.term_create(
                user=world.office, committee=world.city, name="重叠", start_date=D(2044, 6, 1), end_date=D(2046, 1, 1)
            )
        assert "时间重叠" in refusal(exc)
        nxt = services.term_create(
            user=world.office, committee=world.city, name="再一届", start_date=D(2044, 12, 31), end_date=D(2049, 12, 31)
        )
        assert nxt.pk


class TestRoundAndTeamRefusals:
    def test_round_inside_its_term_and_numbered_once(self, world, plan):
        with pytest.raises(ValidationError) as exc:
            services.round_create(user=world.office, term=plan, name="第一轮", start_date=D(2039, 12, 1))
        assert "开始日期须在新一届之内" in refusal(exc)
        services.round_create(user=world.office, term=plan, name="第一轮", start_date=D(2040, 3, 1))
        with pytest.raises(ValidationError) as exc:
            services.round_create(user=world.office, term=plan, name="重复", start_date=D(2040, 3, 1), number=1)
        assert "已有第1轮" in refusal(exc)
        with pytest.raises(PermissionDenied):
            services.round_create(user=world.office_b, term=plan, name="x", start_date=D(2040, 3, 1))

    def test_team_numbered_and_refused_on_a_closed_round(self, world, plan):
        rnd = services.round_create(user=world.office, term=plan, name="第一轮", start_date=D(2040, 3, 1))
        a = services.team_create(user=world.office, round=rnd, name="第一巡察组")
        b = services.team_create(user=world.office, round=rnd, name="第二巡察组")
        assert (a.number, b.number) == (1, 2)
        with pytest.raises(ValidationError) as exc:
            services.team_create(user=world.office, round=rnd, name="重号", number=2)
        assert "已有第2组" in refusal(exc)
        with pytest.raises(ValidationError) as exc:
            services.team_create(user=world.office, round=world.round, name="")
        assert "请填写巡察组名称" in refusal(exc)
        rnd.status = RoundStatus.CLOSED
        rnd.save()
        with pytest.raises(ValidationError) as exc:
            services.team_create(user=world.office, round=rnd, name="第三巡察组")
        assert "已结束" in refusal(exc)


class TestPersonRefusals:
    def test_pool_inside_jurisdiction_and_one_cadre_per_account(self, world):
        with pytest.raises(PermissionDenied):
            services.person_create(user=world.office_b, employer=world.bureau, name="张三", source=CadreSource.SECONDED)
        with pytest.raises(ValidationError) as exc:
            services.person_create(user=world.office, employer=world.bureau, name="张三", source="nope")
        assert "请选择干部来源" in refusal(exc)
        with pytest.raises(ValidationError) as exc:
            services.person_create(
                user=world.office,
                employer=world.bureau,
                name="张三",
                source=CadreSource.SECONDED,
                home_district=world.bureau,
            )
        assert "不是区县" in refusal(exc)
        account = User.objects.create_user("zhangsan", password="x")
        p = services.person_create(
            user=world.office, employer=world.bureau, name="张三", source=CadreSource.SECONDED, account=account
        )
        with pytest.raises(ValidationError) as exc:
            services.person_create(
                user=world.office, employer=world.bureau, name="张三丰", source=CadreSource.SECONDED, account=account
            )
        assert "已关联另一名干部" in refusal(exc)
        updated = services.person_update(user=world.office, person=p, position="副局长", reason="职务变动")
        assert updated.position == "副局长"
        assert updated.history.first().history_change_reason == "职务变动"
        with pytest.raises(TypeError):
            services.person_update(user=world.office, person=p, salary=1)


class TestRoleGrants:
    def test_grant_revoke_restore_with_history(self, world):
        someone = User.objects.create_user("someone", password="x")
        grant = role_grant(user=world.office, grantee=someone, role=Role.LEADER, organization=world.bureau)
        with pytest.raises(ValidationError) as exc:
            role_grant(user=world.office, grantee=someone, role=Role.LEADER, organization=world.bureau)
        assert "无需重复授予" in refusal(exc)
        role_revoke(user=world.office, assignment=grant)
        with pytest.raises(ValidationError):
            role_revoke(user=world.office, assignment=grant)
        again = role_grant(user=world.office, grantee=someone, role=Role.LEADER, organization=world.bureau)
        assert again.pk == grant.pk and again.is_active
        reasons = [h.history_change_reason for h in grant.history.order_by("history_date")]
        assert reasons == ["授予角色", "撤销角色", "恢复角色"]

    def test_refusals(self, world):
        someone = User.objects.create_user("someone", password="x")
        with pytest.raises(PermissionDenied) as exc:
            role_grant(user=world.office_b, grantee=someone, role=Role.LEADER, organization=world.bureau)
        assert "不在您的管辖范围内" in str(exc.value)
        with pytest.raises(ValidationError):
            role_grant(user=world.office, grantee=someone, role="king", organization=world.bureau)
        someone.is_active = False
        someone.save()
        with pytest.raises(ValidationError) as exc:
            role_grant(user=world.office, grantee=someone, role=Role.LEADER, organization=world.bureau)
        assert "已停用" in refusal(exc)
        boss = User.objects.create_superuser("boss", password="x")
        with pytest.raises(PermissionDenied):
            role_grant(user=world.office, grantee=boss, role=Role.LEADER, organization=world.bureau)
        own = world.office.role_assignments.get(role=Role.OFFICE_ADMIN)
        with pytest.raises(ValidationError) as exc:
            role_revoke(user=world.office, assignment=own)
        assert "不能撤销自己" in refusal(exc)
