"""`manage.py seed_demo`: the demo is complete, consistent with the rules, deterministic and
safe to run again.

The command runs once for the module, inside a transaction that is rolled back at the end;
each test runs in a savepoint of it, so the tests that re-seed leave the others untouched.
"""

import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test import RequestFactory, override_settings

from accounts.models import Role, RoleAssignment, User
from campaigns.models import (
    ConflictDeclaration,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Organization,
    OrgLevel,
    Person,
    Round,
    RoundStatus,
    TeamMember,
    TeamRole,
)
from findings.models import (
    Clue,
    ClueDestination,
    ClueStatus,
    CommonProblem,
    DiscoveryMethod,
    Disposition,
    ImmediateNotice,
    Petition,
    PetitionChannel,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Sanction,
    SanctionKind,
    SanctionSource,
)
from rectification.models import (
    MEASURE_DONE,
    Evaluation,
    Evidence,
    HandoverItem,
    HandoverStatus,
    Measure,
    MeasureStatus,
    RuleEstablished,
    SupervisionAction,
    SupervisionKind,
)

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "office": Role.OFFICE_ADMIN,
    "leader": Role.LEADER,
    "inspector": Role.INSPECTOR,
    "deputy": Role.INSPECTOR,
    "liaison": Role.UNIT_LIAISON,
    "discipline": Role.DISCIPLINE_LIAISON,
    "orgdept": Role.ORGDEPT_LIAISON,
    "district_office": Role.OFFICE_ADMIN,
    "admin": Role.OFFICE_ADMIN,
}
WORKING = (InspectionStatus.ON_SITE, InspectionStatus.LEFT)
FED_BACK = (InspectionStatus.FED_BACK, InspectionStatus.CLOSED)
PAPERS = (ProblemStatus.DRAFT, ProblemStatus.HANDLER_SIGNED, ProblemStatus.DEPUTY_SIGNED, ProblemStatus.APPROVED)
SETTLED = (ProblemStatus.RECTIFIED, ProblemStatus.ONGOING)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def values(queryset, field: str) -> set:
    return set(queryset.values_list(field, flat=True).distinct())


def snapshot() -> tuple[list, list]:
    codes = list(Organization.objects.order_by("code").values_list("code", flat=True))
    titles = list(
        Problem.objects.order_by(
            "inspection__round__term__committee__code",
            "inspection__round__number",
            "inspection__organization__code",
            "number",
        ).values_list("inspection__organization__code", "number", "title")
    )
    return codes, titles


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The default demo (seed 2026, scale 1), seeded once and rolled back after the module."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=fast),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- accounts ---------------------------------------------------------------------------------


def login_request():
    """django-axes checks every authenticate() against the lockout, which needs the request."""
    return RequestFactory().post("/login/")


def test_every_role_has_a_demo_account_that_logs_in_with_the_demo_password(seeded):
    assert settings.DEMO_PASSWORD in seeded
    for username, role in DEMO_ROLES.items():
        assert username in seeded
        assert RoleAssignment.objects.filter(user__username=username, role=role, is_active=True).exists(), username
        assert authenticate(login_request(), username=username, password=settings.DEMO_PASSWORD) is not None, username
    assert {r for r in DEMO_ROLES.values()} == set(Role.values)


def test_the_office_account_is_staff_with_every_model_permission_but_not_superuser(seeded):
    office = User.objects.get(username="office")
    assert office.is_staff and not office.is_superuser
    apps = ("accounts", "campaigns", "findings", "rectification")
    expected = Permission.objects.filter(content_type__app_label__in=apps).count()
    assert office.user_permissions.count() == expected
    assert office.has_perm("findings.change_problem") and office.has_perm("rectification.view_measure")
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_scopes_of_the_demo_accounts(seeded):
    root = Organization.objects.get(depth=1)
    assert root.level == OrgLevel.COMMITTEE and root.is_committee
    for username in ("office", "leader", "inspector", "deputy", "discipline", "orgdept"):
        assert RoleAssignment.objects.get(user__username=username).organization == root
    district = RoleAssignment.objects.get(user__username="district_office").organization
    assert district.level == OrgLevel.DISTRICT and district.is_committee


def test_the_inspector_leads_and_the_deputy_seconds_a_team_with_work_in_every_stage(seeded):
    leader = TeamMember.objects.get(person__user__username="inspector", team__round__status=RoundStatus.IN_PROGRESS)
    assert leader.role == TeamRole.LEADER
    deputy = TeamMember.objects.get(person__user__username="deputy", team=leader.team)
    assert deputy.role == TeamRole.DEPUTY
    statuses = values(Inspection.objects.filter(team=leader.team), "status")
    assert {InspectionStatus.ON_SITE, InspectionStatus.LEFT, InspectionStatus.FED_BACK} <= statuses
    assert Problem.objects.filter(inspection__team=leader.team, deputy_signed_by__username="deputy").exists()
    assert Problem.objects.filter(inspection__team=leader.team, leader_signed_by__username="inspector").exists()


def test_the_liaison_sees_fed_back_problems_with_measures_in_every_state(seeded):
    organization = RoleAssignment.objects.get(user__username="liaison").organization
    problems = Problem.objects.filter(inspection__organization=organization, inspection__status__in=FED_BACK)
    assert values(problems, "status") == {ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.ONGOING}
    measures = Measure.objects.filter(problem__in=problems)
    assert values(measures, "status") == set(MeasureStatus.values)
    assert measures.filter(reported_by__username="liaison").exists()


# --- every kind of record ---------------------------------------------------------------------


def test_every_choice_appears(seeded):
    assert values(Inspection.objects, "mode") == set(InspectionMode.values)
    assert values(Inspection.objects, "status") == set(InspectionStatus.values)
    assert values(Round.objects, "status") == set(RoundStatus.values)
    assert values(Problem.objects, "status") == set(ProblemStatus.values)
    assert values(Problem.objects, "method") == set(DiscoveryMethod.values)
    assert values(Measure.objects, "status") == set(MeasureStatus.values)
    assert values(Petition.objects, "channel") == set(PetitionChannel.values)
    assert values(Clue.objects, "destination") == set(ClueDestination.values)
    assert values(Clue.objects, "status") == set(ClueStatus.values)
    for destination in ClueDestination.values:
        assert values(Clue.objects.filter(destination=destination), "status") == set(ClueStatus.values)
    assert values(Clue.objects.filter(status=ClueStatus.DISPOSED), "disposition") == set(Disposition.values)
    assert values(Sanction.objects, "kind") == set(SanctionKind.values)
    assert values(Sanction.objects, "source") == set(SanctionSource.values)
    assert values(SupervisionAction.objects, "kind") == set(SupervisionKind.values)
    assert values(HandoverItem.objects, "status") == set(HandoverStatus.values)
    assert values(TeamMember.objects, "role") == set(TeamRole.values)
    assert values(Organization.objects, "level") >= set(OrgLevel.values)
    sub_categories = ProblemCategory.objects.filter(parent__isnull=False)
    assert values(Problem.objects, "category") == set(sub_categories.values_list("pk", flat=True))
    for model in (ImmediateNotice, RuleEstablished, Evaluation, ConflictDeclaration, Evidence):
        assert model.objects.exists(), model.__name__


def test_volumes_at_scale_one(seeded):
    assert 600 <= Organization.objects.count() <= 900
    assert 60 <= Inspection.objects.count() <= 120
    assert 1000 <= Problem.objects.count() <= 2000
    assert 100 <= Clue.objects.count() <= 200
    assert 2000 <= Measure.objects.count() <= 3000


def test_organization_paths_and_codes(seeded):
    from campaigns.models import path_segment

    orgs = {o.pk: o for o in Organization.objects.all()}
    root = next(o for o in orgs.values() if o.parent_id is None)
    assert root.path == path_segment(1) and root.code == "QH"
    for org in orgs.values():
        assert org.depth == len(org.path) // 4
        if org.parent_id:
            parent = orgs[org.parent_id]
            assert org.path.startswith(parent.path) and org.depth == parent.depth + 1
            assert org.code.startswith(parent.code)
    districts = [o for o in orgs.values() if o.level == OrgLevel.DISTRICT]
    assert len(districts) == 6 and all(d.is_committee for d in districts)


def test_sanctions_link_to_their_source(seeded):
    assert not Sanction.objects.filter(source=SanctionSource.CLUE, clue__isnull=True).exists()
    assert not Sanction.objects.filter(source=SanctionSource.RECTIFICATION, problem__isnull=True).exists()
    handover = Sanction.objects.filter(source=SanctionSource.HANDOVER)
    assert handover.exists()
    assert not handover.filter(handover_items__isnull=True).exists()
    assert not Sanction.objects.filter(clue__status=ClueStatus.DRAFT).exists()


def test_common_problem_links_problems_in_many_villages(seeded):
    water = CommonProblem.objects.get(title__contains="饮水")
    linked = water.problems.all()
    assert linked.count() >= 5
    assert values(linked, "inspection__organization__level") <= {OrgLevel.VILLAGE, OrgLevel.TOWNSHIP}
    assert len(values(linked, "inspection__organization")) >= 5


# --- rules the data keeps ---------------------------------------------------------------------


def test_problem_states_match_the_inspection_and_the_measures(seeded):
    assert not Problem.objects.filter(status__in=PAPERS).exclude(inspection__status__in=WORKING).exists()
    later = Problem.objects.filter(status__in=(ProblemStatus.FED_BACK, *SETTLED))
    assert not later.exclude(inspection__status__in=FED_BACK).exists()
    assert not Problem.objects.filter(inspection__status=InspectionStatus.PLANNED).exists()
    # Rectified (or ongoing) exactly when there are measures and all of them are done.
    assert not Measure.objects.filter(problem__status__in=SETTLED).exclude(status__in=MEASURE_DONE).exists()
    counted = later.annotate(
        total=Count("measures"), open=Count("measures", filter=~Q(measures__status__in=MEASURE_DONE))
    )
    assert not counted.filter(status__in=SETTLED, total=0).exists()
    assert not counted.filter(status=ProblemStatus.FED_BACK, open=0).exists()
    assert (
        not Problem.objects.filter(status=ProblemStatus.ONGOING)
        .exclude(measures__status=MeasureStatus.ONGOING)
        .exists()
    )
    assert not Problem.objects.filter(status=ProblemStatus.RECTIFIED, measures__status=MeasureStatus.ONGOING).exists()
    assert not Measure.objects.filter(problem__status__in=PAPERS).exists()


def test_signatures_and_dates_follow_the_status(seeded):
    problems = Problem.objects.select_related("inspection")
    assert not problems.filter(status=ProblemStatus.DRAFT, handler_signed_at__isnull=False).exists()
    assert not problems.exclude(status=ProblemStatus.DRAFT).filter(handler_signed_at__isnull=True).exists()
    unsigned_deputy = problems.exclude(status__in=PAPERS[:2]).filter(
        Q(deputy_signed_at__isnull=True) | Q(deputy_signed_by__isnull=True)
    )
    assert not unsigned_deputy.exists()
    unsigned_leader = problems.exclude(status__in=PAPERS[:3]).filter(
        Q(leader_signed_at__isnull=True) | Q(leader_signed_by__isnull=True)
    )
    assert not unsigned_leader.exists()
    for p in problems.filter(leader_signed_at__isnull=False):
        assert p.handler_signed_at <= p.deputy_signed_at <= p.leader_signed_at
    assert (
        not problems.filter(status__in=(ProblemStatus.FED_BACK, *SETTLED))
        .exclude(fed_back_on=F("inspection__feedback_date"))
        .exists()
    )
    assert not problems.filter(status__in=SETTLED, rectified_on__isnull=True).exists()
    assert not problems.filter(status__in=PAPERS, fed_back_on__isnull=False).exists()
    assert (
        not Measure.objects.filter(status__in=MEASURE_DONE)
        .filter(Q(verified_at__isnull=True) | Q(verified_by__isnull=True) | Q(reported_at__isnull=True))
        .exists()
    )
    assert not Measure.objects.filter(status=MeasureStatus.PLANNED, reported_at__isnull=False).exists()


def test_inspection_dates_follow_the_status(seeded):
    for insp in Inspection.objects.select_related("round", "earlier"):
        dates = (insp.onsite_start, insp.onsite_end, insp.feedback_date, insp.rectification_deadline)
        if insp.status == InspectionStatus.PLANNED:
            assert dates == (None, None, None, None)
        elif insp.status == InspectionStatus.ON_SITE:
            assert insp.onsite_start and insp.onsite_end is None
        elif insp.status == InspectionStatus.LEFT:
            assert insp.onsite_end and insp.feedback_date is None
        else:
            assert insp.onsite_start <= insp.onsite_end <= insp.feedback_date < insp.rectification_deadline
            assert 58 <= (insp.rectification_deadline - insp.feedback_date).days <= 62
        if insp.onsite_start:
            assert insp.onsite_start >= insp.round.start_date
        if insp.mode == InspectionMode.LOOK_BACK:
            assert insp.earlier.organization_id == insp.organization_id
            assert insp.earlier.status in FED_BACK
            assert insp.earlier.round.start_date < insp.round.start_date
        if insp.mode == InspectionMode.SPECIAL:
            assert insp.theme
    for rnd in Round.objects.all():
        statuses = values(rnd.inspections.all(), "status")
        if rnd.status == RoundStatus.PLANNED:
            assert statuses == {InspectionStatus.PLANNED} and rnd.end_date is None
        if rnd.status == RoundStatus.CLOSED:
            assert statuses <= set(FED_BACK) and rnd.end_date is not None


def test_no_team_member_has_a_recusal_conflict(seeded):
    orgs = {o.pk: o for o in Organization.objects.all()}

    def district_of(org):
        while org is not None and org.level != OrgLevel.DISTRICT:
            org = orgs.get(org.parent_id)
        return org

    persons = {p.pk: p for p in Person.objects.all()}
    declared: dict[int, list[str]] = {}
    for d in ConflictDeclaration.objects.all():
        declared.setdefault(d.person_id, []).append(orgs[d.organization_id].path)
    members: dict[int, list[int]] = {}
    for team_id, person_id in TeamMember.objects.values_list("team_id", "person_id"):
        members.setdefault(team_id, []).append(person_id)
    checked = 0
    for insp in Inspection.objects.all():
        target = orgs[insp.organization_id]
        district = district_of(target)
        for person_id in members[insp.team_id]:
            person = persons[person_id]
            assert not orgs[person.employer_id].path.startswith(target.path), (insp, person)
            for path in declared.get(person_id, []):
                assert not (target.path.startswith(path) or path.startswith(target.path)), (insp, person)
            if insp.mode == InspectionMode.CROSS:
                assert district is not None and person.home_district_id != district.pk, (insp, person)
            checked += 1
    assert checked > 300


def test_every_seeded_record_has_a_history_row(seeded):
    for model in (Organization, Inspection, Problem, Measure, Clue, Petition, Sanction, TeamMember):
        ids = set(model.objects.values_list("pk", flat=True))
        history_ids = set(model.history.values_list("id", flat=True))
        assert ids and ids <= history_ids, model.__name__
    row = Problem.history.first()
    assert row.history_user.username == "admin" and row.history_change_reason == "演示数据"


def test_foreign_keys_hold(seeded):
    connection.check_constraints()


# --- running it again -------------------------------------------------------------------------


def test_if_empty_does_nothing_when_data_is_there(seeded):
    before = (Organization.objects.count(), Problem.objects.count(), User.objects.count())
    output = seed("--if-empty")
    assert "已存在" in output and "inspector" in output
    assert (Organization.objects.count(), Problem.objects.count(), User.objects.count()) == before


def test_refuses_to_seed_over_existing_data_without_flush(seeded):
    with pytest.raises(CommandError, match="--flush"):
        seed()


def test_the_same_seed_gives_the_same_data(seeded):
    first = snapshot()
    seed("--flush")
    assert snapshot() == first
    assert authenticate(login_request(), username="liaison", password=settings.DEMO_PASSWORD) is not None


def test_another_seed_gives_other_data(seeded):
    first = snapshot()
    seed("--flush", "--seed", "7")
    assert snapshot() != first


def test_scale_two_gives_more_of_everything(seeded):
    counts = [model.objects.count() for model in (Organization, Inspection, Problem, Measure)]
    seed("--flush", "--scale", "2")
    bigger = [model.objects.count() for model in (Organization, Inspection, Problem, Measure)]
    assert all(b > c for b, c in zip(bigger, counts, strict=True))
