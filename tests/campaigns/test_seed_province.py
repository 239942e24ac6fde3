"""`seed_demo --scale province`: the province-scale loader, run here on the same shape scaled down.

The load runs once for the module inside a transaction rolled back at the end. On PostgreSQL it
goes through COPY (with foreign-key triggers off, verified afterwards, and the plain indexes
rebuilt); on SQLite through batched executemany. Both paths run every test below: the load
itself proves the check, unique and foreign-key constraints; these tests prove what the schema
cannot say (paths, subtrees, states consistent with their dates and signatures, figures).
"""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F
from django.test import RequestFactory, override_settings
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from campaigns.models import Inspection, InspectionStatus, Organization, OrgLevel, Round, RoundStatus, Term
from campaigns.services import organization_create
from findings.models import Clue, Petition, Problem, ProblemStatus, Sanction
from findings.services import problem_draft
from rectification.models import Evidence, HandoverItem, Measure, MeasureStatus
from reports.figures import Scope, figures
from reports.models import InspectionRollup

pytestmark = pytest.mark.django_db

FRACTION = "0.002"  # about 400 organizations, 600 inspections, 4,000 problems
TODAY = dt.date(2026, 11, 25)
INDEXED = ("campaigns_inspection", "findings_problem", "rectification_measure", "findings_clue")


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def index_definitions() -> set[tuple[str, str]]:
    return set(
        rows(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [list(INDEXED)],
        )
    )


def rewind_sequences(*models) -> None:
    """Put the id sequences back to 1, so a load that forgot `setval` fails the service tests."""
    for model in models:
        table = model._meta.db_table
        if connection.vendor == "postgresql":
            rows("SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [table])


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker, tmp_path_factory):
    """The command's output, with the index definitions seen before the load (PostgreSQL)."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=fast),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            before = index_definitions() if connection.vendor == "postgresql" else set()
            rewind_sequences(Organization, Problem)
            out = io.StringIO()
            call_command(
                "seed_demo", "--scale", "province", "--fraction", FRACTION, "--today", TODAY.isoformat(), stdout=out
            )
            yield {"output": out.getvalue(), "indexes": before}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def count(model) -> int:
    return model.objects.count()


# --- the command -----------------------------------------------------------------------------


def test_it_reports_rows_and_seconds_per_table(province):
    out = province["output"]
    assert "演示数据已生成" in out and "规模 province" in out
    for table in ("campaigns_organization", "findings_problem", "rectification_measure", "统计汇总重建"):
        assert table in out
    assert f"{count(Measure)}" in out


def test_it_refuses_a_fraction_without_the_province_scale_and_an_unknown_scale():
    with pytest.raises(CommandError, match="--fraction"):
        call_command("seed_demo", "--scale", "2", "--fraction", "0.5", stdout=io.StringIO())
    with pytest.raises(CommandError, match="province"):
        call_command("seed_demo", "--scale", "county", stdout=io.StringIO())


def test_it_refuses_to_seed_over_existing_data(province):
    with pytest.raises(CommandError, match="--flush"):
        call_command("seed_demo", "--scale", "province", "--fraction", FRACTION, stdout=io.StringIO())


def test_the_demo_accounts_log_in_and_hold_their_roles(province):
    request = RequestFactory().post("/login/")
    expected = {
        "admin": Role.OFFICE_ADMIN,
        "office": Role.OFFICE_ADMIN,
        "leader": Role.LEADER,
        "inspector": Role.INSPECTOR,
        "deputy": Role.INSPECTOR,
        "liaison": Role.UNIT_LIAISON,
        "discipline": Role.DISCIPLINE_LIAISON,
        "orgdept": Role.ORGDEPT_LIAISON,
        "district_office": Role.OFFICE_ADMIN,
    }
    for username, role in expected.items():
        assert RoleAssignment.objects.filter(user__username=username, role=role).exists(), username
        assert authenticate(request, username=username, password=settings.DEMO_PASSWORD), username
    assert authenticate(request, username="cadre00001", password=settings.DEMO_PASSWORD) is None


# --- proportions -------------------------------------------------------------------------------


def test_every_table_is_filled_in_the_province_proportions(province):
    orgs, inspections, problems = count(Organization), count(Inspection), count(Problem)
    clues, measures = count(Clue), count(Measure)
    assert 300 <= orgs <= 600
    # DESIGN.md §4: 100k organizations, 150k inspections, 1M problems, 200k clues, 2M measures.
    assert 1.1 <= inspections / orgs <= 2.0
    assert 5 <= problems / inspections <= 12
    assert 0.8 <= clues / inspections <= 2.0
    assert 1.6 <= measures / problems <= 2.6
    for model in (Petition, Sanction, HandoverItem, Evidence, Term, Round, InspectionRollup):
        assert count(model) > 0, model
    assert count(InspectionRollup) == inspections
    levels = dict(rows("SELECT level, COUNT(*) FROM campaigns_organization GROUP BY level"))
    assert levels[OrgLevel.VILLAGE] > orgs / 2  # villages and communities are most of a province
    assert set(levels) >= {OrgLevel.COMMITTEE, OrgLevel.DISTRICT, OrgLevel.TOWNSHIP, OrgLevel.STATION}


# --- organizations -----------------------------------------------------------------------------


def test_paths_follow_the_parents(province):
    assert (
        rows(
            "SELECT c.code FROM campaigns_organization c JOIN campaigns_organization p ON p.id = c.parent_id "
            "WHERE substr(c.path, 1, length(p.path)) <> p.path OR length(c.path) <> length(p.path) + 4 "
            "OR c.depth <> p.depth + 1"
        )
        == []
    )
    for path, depth in Organization.objects.values_list("path", "depth"):
        assert depth == len(path) // 4 and len(path) % 4 == 0
    root = Organization.objects.get(parent__isnull=True)
    assert root.depth == 1 and root.is_committee and root.level == OrgLevel.COMMITTEE
    assert Organization.objects.count() == Organization.objects.filter(path__startswith=root.path).count()


def test_the_province_cities_and_districts_are_the_committees(province):
    committees = Organization.objects.filter(is_committee=True)
    assert set(committees.values_list("level", flat=True)) == {OrgLevel.COMMITTEE, OrgLevel.DISTRICT}
    assert not Organization.objects.filter(level__in=[OrgLevel.COMMITTEE, OrgLevel.DISTRICT], is_committee=False)
    assert set(committees.values_list("depth", flat=True)) == {1, 2, 3}
    assert Term.objects.count() == committees.count()


# --- inspections -------------------------------------------------------------------------------


def test_inspections_lie_inside_their_committees_subtree(province):
    assert (
        rows(
            "SELECT i.id FROM campaigns_inspection i "
            "JOIN campaigns_round r ON r.id = i.round_id JOIN campaigns_term t ON t.id = r.term_id "
            "JOIN campaigns_organization c ON c.id = t.committee_id "
            "JOIN campaigns_organization o ON o.id = i.organization_id "
            "WHERE substr(o.path, 1, length(c.path)) <> c.path OR o.path = c.path"
        )
        == []
    )
    # A look-back re-inspects an earlier inspection of the same organization.
    assert (
        rows(
            "SELECT i.id FROM campaigns_inspection i JOIN campaigns_inspection e ON e.id = i.earlier_id "
            "WHERE i.organization_id <> e.organization_id OR e.status NOT IN ('fed_back', 'closed')"
        )
        == []
    )
    assert Inspection.objects.filter(team__round_id__isnull=False).exclude(team__round=F("round")).count() == 0


def test_inspection_states_match_their_dates_and_rounds(province):
    S = InspectionStatus
    insp = Inspection.objects
    assert not insp.filter(status=S.PLANNED, onsite_start__isnull=False)
    assert not insp.filter(status=S.ON_SITE).exclude(onsite_start__isnull=False, onsite_end__isnull=True)
    assert not insp.filter(status=S.LEFT).exclude(onsite_end__isnull=False, feedback_date__isnull=True)
    assert not insp.filter(status__in=[S.FED_BACK, S.CLOSED], rectification_deadline__isnull=True)
    assert not insp.filter(onsite_start__gt=TODAY) and not insp.filter(feedback_date__gt=TODAY)
    assert set(insp.values_list("status", flat=True)) == set(S.values)
    assert not insp.filter(round__status=RoundStatus.PLANNED).exclude(status=S.PLANNED)
    assert not insp.filter(round__status=RoundStatus.CLOSED).exclude(status__in=[S.FED_BACK, S.CLOSED])
    assert not Round.objects.filter(status=RoundStatus.CLOSED, end_date__isnull=True)


# --- problems, measures, clues -----------------------------------------------------------------


def test_problem_states_match_their_signatures(province):
    P = ProblemStatus
    problems = Problem.objects
    assert not problems.filter(status=P.DRAFT, handler_signed_at__isnull=False)
    assert not problems.exclude(status=P.DRAFT).filter(handler_signed_at__isnull=True)
    signed_by_deputy = [P.DEPUTY_SIGNED, P.APPROVED, P.FED_BACK, P.RECTIFIED, P.ONGOING]
    assert not problems.filter(status__in=signed_by_deputy, deputy_signed_by__isnull=True)
    assert not problems.exclude(status__in=signed_by_deputy).filter(deputy_signed_by__isnull=False)
    approved = signed_by_deputy[1:]
    assert not problems.filter(status__in=approved, leader_signed_by__isnull=True)
    assert not problems.exclude(status__in=approved).filter(leader_signed_at__isnull=False)
    assert not problems.filter(status__in=approved[1:], fed_back_on__isnull=True)
    assert not problems.filter(status__in=[P.RECTIFIED, P.ONGOING], rectified_on__isnull=True)
    assert not problems.exclude(status__in=[P.RECTIFIED, P.ONGOING]).filter(rectified_on__isnull=False)
    # The deputy and the leader who signed sit on the inspection's team in those roles.
    assert (
        rows(
            "SELECT p.id FROM findings_problem p JOIN campaigns_inspection i ON i.id = p.inspection_id "
            "WHERE p.leader_signed_by_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM campaigns_teammember m "
            "JOIN campaigns_person x ON x.id = m.person_id WHERE m.team_id = i.team_id AND m.role = 'leader' "
            "AND x.user_id = p.leader_signed_by_id)"
        )
        == []
    )
    assert set(problems.values_list("status", flat=True)) == set(P.values)


def test_a_problem_is_rectified_exactly_when_all_its_measures_are_accepted(province):
    open_ = rows(
        "SELECT p.status, COUNT(*) FROM findings_problem p WHERE EXISTS (SELECT 1 FROM rectification_measure m "
        "WHERE m.problem_id = p.id AND m.status NOT IN ('accepted', 'ongoing')) GROUP BY p.status"
    )
    assert {status for status, _n in open_} == {ProblemStatus.FED_BACK}
    assert not Problem.objects.filter(status=ProblemStatus.FED_BACK, measures__isnull=True)
    assert not Measure.objects.filter(status=MeasureStatus.ONGOING, problem__status=ProblemStatus.RECTIFIED)


def test_measures_have_states_deadlines_and_some_are_overdue(province):
    assert set(Measure.objects.values_list("status", flat=True)) == set(MeasureStatus.values)
    overdue = Measure.objects.filter(deadline__lt=TODAY).exclude(status__in=["accepted", "ongoing"])
    assert overdue.exists()
    assert not Measure.objects.exclude(status="planned").filter(reported_at__isnull=True)
    assert not Measure.objects.filter(verified_at__lt=F("reported_at"))
    assert Evidence.objects.count() == Measure.objects.exclude(status="planned").count()


def test_clues_are_transferred_and_disposed_by_the_committees_handlers(province):
    assert not Clue.objects.filter(status="draft", inspection__status__in=["fed_back", "closed"])
    handlers = rows(
        "SELECT DISTINCT c.destination, a.role FROM findings_clue c "
        "JOIN accounts_roleassignment a ON a.user_id = c.disposed_by_id WHERE c.status = 'disposed'"
    )
    assert set(handlers) == {("discipline", Role.DISCIPLINE_LIAISON), ("org_dept", Role.ORGDEPT_LIAISON)}


# --- figures -----------------------------------------------------------------------------------


def test_the_figures_equal_bare_sql_counts(province):
    office = User.objects.get(username="office")
    shown = figures(office, Scope())
    (found,) = rows(
        "SELECT COUNT(*) FROM findings_problem p JOIN campaigns_inspection i ON i.id = p.inspection_id "
        "WHERE p.status IN ('approved', 'fed_back', 'rectified', 'ongoing') AND p.withdrawn_at IS NULL "
        "AND i.withdrawn_at IS NULL"
    )[0]
    (transferred,) = rows("SELECT COUNT(*) FROM findings_clue WHERE status <> 'draft'")[0]
    (overdue,) = rows(
        "SELECT COUNT(*) FROM rectification_measure WHERE deadline < %s AND status NOT IN ('accepted', 'ongoing')",
        [timezone.localdate()],
    )[0]
    (rectified,) = rows("SELECT COUNT(*) FROM findings_problem WHERE status IN ('rectified', 'ongoing')")[0]
    assert found > 0 and shown["problems_found"] == found
    assert shown["clues_transferred"] == transferred
    assert shown["measures_overdue"] == overdue
    assert shown["problems_rectified"] == rectified
    assert shown["inspections"] == Inspection.objects.count()


# --- after the load ----------------------------------------------------------------------------


def test_services_create_records_after_the_load(province):
    """The sequences were moved past the ids the loader chose (they were rewound to 1 before)."""
    office = User.objects.get(username="office")
    district = Organization.objects.filter(level=OrgLevel.DISTRICT).first()
    org = organization_create(
        user=office,
        parent=district,
        name="新设测试单位党组",
        code="TEST-NEW-1",
        level=OrgLevel.DISTRICT_UNIT,
        party_org_type="leading_group",
    )
    assert org.pk > Organization.objects.exclude(pk=org.pk).order_by("-pk").first().pk
    assert org.path.startswith(district.path) and org.depth == district.depth + 1
    inspection = Inspection.objects.filter(status=InspectionStatus.ON_SITE).select_related("team").first()
    member = inspection.team.members.filter(role="member").select_related("person__user").first()
    problem = problem_draft(
        user=member.person.user,
        inspection=inspection,
        title="装载后新起草的底稿",
        description="序列已重置，新记录可以正常保存。",
        category=Problem.objects.first().category,
        method="interview",
    )
    assert problem.pk > max(Problem.objects.exclude(pk=problem.pk).values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and index rebuilds are PostgreSQL only; "
                    "the SQLite path (executemany) is what every other test here runs on SQLite")  # fmt: skip
def test_the_indexes_dropped_for_the_load_are_back_exactly_as_migrated(province):
    assert province["indexes"] and index_definitions() == province["indexes"]
    (role,) = rows("SHOW session_replication_role")[0]
    assert role == "origin"  # foreign-key triggers are on again for the rest of the session
