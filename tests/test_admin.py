"""The admin: every model opens, search works, jurisdiction holds, nothing is deleted,
withdrawal leaves history, and changelists do not grow queries with their rows."""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from campaigns.models import ConflictDeclaration, Inspection, Organization
from findings import services as fs
from findings.models import (
    Clue,
    ClueDestination,
    CommonProblem,
    Petition,
    PetitionAttachment,
    PetitionChannel,
    Problem,
    ReadVia,
    Sanction,
    SanctionKind,
    SanctionSource,
)
from findings.readlog import log_reads
from findings.review_notes import review_note_add
from rectification import services as rs
from rectification.models import EvaluationGrade, Measure, RuleKind, SupervisionKind
from tests.world import PASSWORD, D, category, draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db

APPS = ("accounts", "campaigns", "findings", "rectification")
# Created only through the services that number and check them (inspections are added
# through inspection_create in the admin too, so they are not in this list).
NOT_ADDABLE = {
    "accounts.UserSession",  # written at login, read-only in the admin
    "findings.ReadLog",  # written when a petition or clue is read, read-only
    "findings.ReviewNote",  # moved only by its services, read-only
    "findings.Petition",
    "findings.PetitionAttachment",  # arrives with a public petition (码上巡察), read-only
    "findings.Problem",
    "findings.ImmediateNotice",
    "findings.Clue",
    "findings.Sanction",
    "rectification.Measure",
    "rectification.Evidence",
    "rectification.HandoverItem",
    "rectification.RuleEstablished",
    "rectification.SupervisionAction",
    "rectification.Evaluation",
}
PDF = b"%PDF-1.4\n%evidence\n"


# --- Shared with test_admin_forms.py --------------------------------------------------------


@dataclass
class Records:
    inspection_a: Inspection  # 青石镇 (东城区), fed back, with two problems
    problem_a: Problem
    spare_problem_a: Problem  # fed back, no measures: may be withdrawn
    measure: Measure
    inspection_b: Inspection  # 西山村 (西山县), on site
    problem_b: Problem
    petition: Petition
    clue: Clue
    sanction: Sanction


def build_records(w) -> Records:
    """One record of every kind, made through the services, in two districts."""
    inspection_a = fed_back(w, problems=2)
    problem_a, spare = inspection_a.problems.order_by("number")
    measure = rs.measure_add(
        user=w.liaison,
        problem=problem_a,
        content="建立村务公开台账",
        responsible_unit=w.township,
        responsible_person="王主任",
        deadline=D(2026, 6, 30),
    )
    upload = SimpleUploadedFile("公开栏照片.pdf", PDF)
    measure = rs.measure_report(user=w.liaison, measure=measure, progress="已公开", files=[upload])
    rs.rule_record(
        user=w.office, inspection=inspection_a, title="村务公开制度", kind=RuleKind.NEW, adopted_on=D(2026, 6, 1)
    )
    rs.supervision_record(
        user=w.office,
        inspection=inspection_a,
        kind=SupervisionKind.REMINDER,
        acted_on=D(2026, 6, 5),
        content="提醒按期整改",
        measure=measure,
    )
    rs.evaluation_record(
        user=w.office, inspection=inspection_a, score=88, grade=EvaluationGrade.GOOD, evaluated_on=D(2026, 7, 20)
    )

    inspection_b = on_site(w, w.village_b)
    petition = fs.petition_register(
        user=w.team_member,
        inspection=inspection_b,
        channel=PetitionChannel.LETTER,
        received_on=D(2026, 3, 12),
        subject="反映村干部优亲厚友",
        content="低保评定不公",
        is_anonymous=True,
    )
    attachment = PetitionAttachment(
        petition=petition, original_name="照片.pdf", content_type="application/pdf", size=len(PDF), sha256="0" * 64
    )
    attachment.file.save("attachment", ContentFile(PDF))
    problem_b = draft_problem(w, inspection_b, title="西山村三资管理不规范", code="C05")
    review_note_add(user=w.team_deputy, problem=problem_b, text="请补充三资台账")
    fs.immediate_notice_issue(
        user=w.team_leader, problem=problem_b, issued_on=D(2026, 3, 15), deadline=D(2026, 3, 30), requirement="立即整改"
    )
    clue = fs.clue_register(
        user=w.team_member,
        inspection=inspection_b,
        subject_name="张某",
        summary="涉嫌挪用集体资金",
        destination=ClueDestination.DISCIPLINE,
    )
    rs.handover_item_create(
        user=w.team_leader,
        inspection=inspection_b,
        title="道路维修",
        department="市交通局",
        handed_over_on=D(2026, 3, 20),
    )
    sanction = fs.sanction_record(
        user=w.office,
        inspection=inspection_b,
        source=SanctionSource.HANDOVER,
        kind=SanctionKind.ORGANIZATIONAL,
        person_name="李某",
        decided_on=D(2026, 4, 1),
    )
    CommonProblem.objects.create(title="农村饮水安全", category=category("A04"), created_by=w.office)
    ConflictDeclaration.objects.create(
        person=w.persons["other"], organization=w.village, reason="近亲属任职", declared_on=D(2026, 1, 5)
    )
    Client().force_login(w.leader)  # a login session (accounts.UserSession), written at login
    log_reads(user=w.office, records=[petition], via=ReadVia.DETAIL)  # a read-log row
    return Records(inspection_a, problem_a, spare, measure, inspection_b, problem_b, petition, clue, sanction)


def make_staff(user: User) -> User:
    """Staff with every model permission: what the admin shows is then up to jurisdiction."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions or assignments


def make_superuser() -> User:
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def results(response) -> list:
    return list(response.context["cl"].result_list)


def registered_models() -> list:
    return sorted((m for m in admin.site._registry if m._meta.app_label in APPS), key=lambda m: m._meta.label)


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def records(world):
    return build_records(world)


@pytest.fixture
def office(world):
    return make_staff(world.office)


@pytest.fixture
def office_b(world):
    return make_staff(world.office_b)


@pytest.fixture(params=["superuser", "office"])
def admin_user(request, world):
    return make_superuser() if request.param == "superuser" else make_staff(world.office)


# --- Every model --------------------------------------------------------------------------


def test_every_model_is_registered():
    models = [
        m for label in APPS for m in apps.get_app_config(label).get_models() if not m.__name__.startswith("Historical")
    ]
    assert len(models) == 27
    assert [m._meta.label for m in models if m not in admin.site._registry] == []


def test_every_page_opens(client, records, admin_user):
    client.force_login(admin_user)
    for model in registered_models():
        assert client.get(url(model)).status_code == 200, model
        obj = model._default_manager.order_by("pk").first()
        assert client.get(url(model, "change", obj.pk)).status_code == 200, model
        if model is not User:
            assert client.get(url(model, "history", obj.pk)).status_code == 200, model
        add = client.get(url(model, "add"))
        assert add.status_code == (403 if model._meta.label in NOT_ADDABLE else 200), model


def test_changelists_filter_by_status_withdrawal_and_date(client, records, office):
    client.force_login(office)
    response = client.get(url(Problem), {"status": "fed_back", "withdrawn": "no", "created_at__year": 2026})
    assert {p.pk for p in results(response)} == {records.problem_a.pk, records.spare_problem_a.pk}
    response = client.get(url(Measure), {"due": "red"})
    assert results(response) == [records.measure]  # due 2026-06-30, still awaiting verification
    response = client.get(url(Problem), {"top_category": category("C").pk})
    assert results(response) == [records.problem_b]


@pytest.mark.parametrize(
    ("model", "term", "expected"),
    [
        (Problem, "问题1", ["问题1"]),
        (Problem, "西山村", ["西山村三资管理不规范"]),
        (Problem, "QH-A-T1", ["问题1", "问题2"]),
        (Organization, "qh-b", ["西山县委"]),
        (Organization, "西山", ["西山县委", "西山镇党委", "西山村党支部"]),
        (Inspection, "青石镇", ["青石镇党委"]),
        (Clue, "张某", ["张某"]),
        (Measure, "王主任", ["建立村务公开台账"]),
    ],
)
def test_search_finds_by_name_title_and_code(client, records, office, model, term, expected):
    client.force_login(office)
    response = client.get(url(model), {"q": term})
    label = {
        Problem: lambda o: o.title,
        Organization: lambda o: o.name,
        Inspection: lambda o: o.organization.name,
        Clue: lambda o: o.subject_name,
        Measure: lambda o: o.content,
    }[model]
    assert sorted(label(o) for o in results(response)) == sorted(expected)


# --- Jurisdiction -----------------------------------------------------------------------------


def test_a_district_office_sees_only_its_district(client, world, records, office_b):
    client.force_login(office_b)
    orgs = results(client.get(url(Organization)))
    assert sorted(o.name for o in orgs) == ["西山县委", "西山村党支部", "西山镇党委"]
    assert results(client.get(url(Inspection))) == [records.inspection_b]
    assert results(client.get(url(Problem))) == [records.problem_b]
    assert results(client.get(url(Measure))) == []


def test_a_district_office_cannot_open_another_districts_record(client, records, office_b):
    client.force_login(office_b)
    problem = records.problem_a
    assert client.get(url(Problem, "change", problem.pk)).status_code == 302  # "does not exist"
    assert client.get(url(Problem, "history", problem.pk)).status_code == 404
    assert client.get(url(Problem, "simple_history", problem.pk, problem.history.first().pk)).status_code == 404


def test_autocomplete_offers_only_what_the_user_sees(client, records, office_b):
    client.force_login(office_b)
    params = {"app_label": "findings", "model_name": "problem", "field_name": "involved_organization"}
    names = [r["text"] for r in client.get("/admin/autocomplete/", {**params, "term": "村"}).json()["results"]]
    assert names == ["西山村党支部"]


def test_a_leader_reads_but_does_not_edit(client, world, records):
    leader = make_staff(world.leader)
    client.force_login(leader)
    response = client.get(url(Problem, "change", records.problem_a.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


# --- Nothing is deleted; records are withdrawn -----------------------------------------------


def test_no_delete_anywhere(client, records, admin_user):
    client.force_login(admin_user)
    for model in registered_models():
        response = client.get(url(model))
        action_form = response.context["action_form"]
        if action_form is not None:
            assert "delete_selected" not in dict(action_form.fields["action"].choices), model
        obj = model._default_manager.order_by("pk").first()
        assert client.get(url(model, "delete", obj.pk)).status_code == 403, model


def withdraw(client, model, pks, reason="重复登记，予以撤销"):
    data = {"action": "withdraw_selected", "_selected_action": [str(pk) for pk in pks], "reason": reason}
    return client.post(url(model), data, follow=True)


def test_withdraw_action_withdraws_with_a_reason_and_leaves_history(client, world, records, office):
    client.force_login(office)
    problem = records.spare_problem_a
    response = withdraw(client, Problem, [problem.pk])
    assert "已撤销1条记录" in response.content.decode()
    problem.refresh_from_db()
    assert problem.withdrawn_reason == "重复登记，予以撤销"
    assert problem.withdrawn_by == world.office
    latest = problem.history.first()
    assert latest.history_user == world.office
    assert latest.history_change_reason == "撤销：重复登记，予以撤销"
    assert results(client.get(url(Problem), {"withdrawn": "yes"})) == [problem]
    # A withdrawn record is kept as it was.
    assert client.get(url(Problem, "change", problem.pk)).context["has_change_permission"] is False


def test_withdraw_needs_a_reason(client, records, office):
    client.force_login(office)
    response = withdraw(client, Problem, [records.spare_problem_a.pk], reason=" ")
    assert "请在“撤销原因”中填写撤销原因" in response.content.decode()
    records.spare_problem_a.refresh_from_db()
    assert not records.spare_problem_a.is_withdrawn


def test_withdraw_goes_through_the_apps_rules(client, records, office):
    """problem_withdraw refuses a problem with live measures; measure_withdraw re-settles it."""
    client.force_login(office)
    response = withdraw(client, Problem, [records.problem_a.pk])
    assert "该问题已有整改措施，请先撤销其整改措施" in response.content.decode()
    assert not Problem.objects.get(pk=records.problem_a.pk).is_withdrawn
    withdraw(client, Measure, [records.measure.pk])
    assert Measure.objects.get(pk=records.measure.pk).is_withdrawn
    withdraw(client, Problem, [records.problem_a.pk])
    assert Problem.objects.get(pk=records.problem_a.pk).is_withdrawn


def test_withdraw_is_refused_outside_the_users_jurisdiction(client, world, records, office):
    office_a = make_staff(world.office_a)  # 东城区 office; the sanction is in 西山县
    leader = make_staff(world.leader)
    for user in (office_a, leader):
        client.force_login(user)
        withdraw(client, Sanction, [records.sanction.pk])
        assert not Sanction.objects.get(pk=records.sanction.pk).is_withdrawn


def test_a_superuser_withdraws_a_record_without_its_own_service(client, records):
    client.force_login(make_superuser())
    withdraw(client, Sanction, [records.sanction.pk])
    sanction = Sanction.objects.get(pk=records.sanction.pk)
    assert sanction.is_withdrawn
    assert sanction.history.first().history_change_reason == "撤销：重复登记，予以撤销"


# --- Queries do not grow with rows -------------------------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_problem_changelist_queries_do_not_grow_with_rows(client, world, office):
    inspection = on_site(world)
    for i in range(5):
        draft_problem(world, inspection, title=f"问题{i}")
    client.force_login(office)
    client.get(url(Problem))  # warm caches (content types, session)
    few = count_queries(client, url(Problem))
    for i in range(25):
        draft_problem(world, inspection, title=f"更多问题{i}")
    assert Problem.objects.count() == 30
    assert count_queries(client, url(Problem)) == few


def test_measure_changelist_queries_do_not_grow_with_rows(client, world, office):
    problem = fed_back(world, problems=1).problems.get()

    def add_measures(n):
        for i in range(n):
            rs.measure_add(
                user=world.office,
                problem=problem,
                content=f"措施{i}",
                responsible_unit=world.village,
                responsible_person="王主任",
                deadline=D(2026, 6, 30),
            )

    add_measures(5)
    client.force_login(office)
    client.get(url(Measure))
    few = count_queries(client, url(Measure))
    add_measures(25)
    assert Measure.objects.count() == 30
    assert count_queries(client, url(Measure)) == few
