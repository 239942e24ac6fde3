"""Saving through the admin: history names the admin user, workflow state stays put, stale
forms are refused, and records with creation rules are added through their services."""

import logging

import pytest

from campaigns.models import Inspection, InspectionMode, Organization, OrgLevel, PartyOrgType, Team, TeamMember
from findings.models import Petition, Problem, ProblemCategory, ProblemStatus
from tests.test_admin import build_records, make_staff, make_superuser, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    return build_records(world)


@pytest.fixture
def office(world):
    return make_staff(world.office)


def form_values(form) -> dict:
    """What the browser posts back for a rendered form, unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None and value is not False:
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def formset_values(formset) -> dict:
    data = form_values(formset.management_form)
    for form in formset.forms:
        data.update(form_values(form))
    return data


def form_data(response) -> dict:
    """A rendered admin change form with its inlines, as posted back."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(formset_values(inline.formset))
    return data


def errors(response) -> str:
    return " ".join(str(e) for e in response.context["errors"])


# --- Changing a record --------------------------------------------------------------------------


def test_a_change_leaves_history_with_the_admin_user(client, world, records, office):
    client.force_login(office)
    problem = records.problem_a
    version = problem.version
    change = url(Problem, "change", problem.pk)
    data = form_data(client.get(change))
    data.update(title="村务公开不及时（更正）", status=ProblemStatus.APPROVED)  # status is not in the form
    response = client.post(change, data)
    assert response.status_code == 302, errors(response)

    problem.refresh_from_db()
    assert problem.title == "村务公开不及时（更正）"
    assert problem.status == ProblemStatus.FED_BACK
    assert problem.version == version + 1
    latest = problem.history.first()
    assert latest.history_user == world.office
    assert latest.history_change_reason == "管理后台修改"


def test_a_stale_form_is_refused(client, records, office):
    client.force_login(office)
    problem = records.problem_a
    change = url(Problem, "change", problem.pk)
    data = form_data(client.get(change))
    data.update(title="我的修改", expected_version=problem.version - 1)
    response = client.post(change, data)
    assert response.status_code == 200
    assert "该记录已被他人修改" in errors(response)
    problem.refresh_from_db()
    assert problem.title != "我的修改"


def test_workflow_fields_are_read_only(client, records, office):
    client.force_login(office)
    form = client.get(url(Problem, "change", records.problem_a.pk)).context["adminform"].form
    assert {"title", "description", "category"} <= set(form.fields)
    assert not {"status", "inspection", "number", "leader_signed_by", "fed_back_on", "version"} & set(form.fields)


def test_a_save_refused_by_the_model_is_shown_on_the_form(client, world, office):
    """The team already has a leader; the database constraint comes back as a form error."""
    client.force_login(office)
    member = TeamMember.objects.get(person=world.persons["team_member"])
    change = url(TeamMember, "change", member.pk)
    data = form_data(client.get(change))
    data["role"] = "leader"
    response = client.post(change, data)
    assert response.status_code == 200
    assert "uniq_team_leader" in errors(response)
    member.refresh_from_db()
    assert member.role == "member"


def test_a_category_is_deactivated_from_the_list_with_history(client, world, office):
    client.force_login(office)
    category = ProblemCategory.objects.get(code="A05")
    response = client.get(url(ProblemCategory), {"q": "A05"})
    data = formset_values(response.context["cl"].formset)
    data.pop("form-0-is_active")
    data["_save"] = "保存"
    assert client.post(url(ProblemCategory) + "?q=A05", data).status_code == 302
    category.refresh_from_db()
    assert not category.is_active
    assert category.history.first().history_user == world.office


def test_history_cannot_be_reverted(client, records, office):
    client.force_login(office)
    problem = records.problem_a
    version = problem.history.last()  # the draft, before any signature
    page = url(Problem, "simple_history", problem.pk, version.pk)
    response = client.get(page)
    assert response.status_code == 200
    assert response.context["revert_disabled"] is True
    assert client.post(page, {"title": "回退"}).status_code == 403


def test_a_confidential_record_read_is_logged(client, records, office, caplog):
    client.force_login(office)
    with caplog.at_level(logging.INFO, logger="xuncha.confidential"):
        client.get(url(Petition, "change", records.petition.pk))
    assert f"office read findings.Petition {records.petition.pk}" in caplog.text


# --- Adding through the services ---------------------------------------------------------------


def test_an_organization_is_added_through_its_service(client, world, office):
    client.force_login(office)
    data = {
        "parent": world.district_a.pk,
        "name": "东城区教育局党组",
        "code": "QH-A-U2",
        "level": OrgLevel.DISTRICT_UNIT,
        "party_org_type": PartyOrgType.LEADING_GROUP,
    }
    response = client.post(url(Organization, "add"), data)
    assert response.status_code == 302, errors(response)
    org = Organization.objects.get(code="QH-A-U2")
    assert org.path.startswith(world.district_a.path) and org.depth == world.district_a.depth + 1
    assert org.history.get().history_user == world.office


def new_org(parent, code) -> dict:
    level, kind = OrgLevel.DISTRICT_UNIT, PartyOrgType.LEADING_GROUP
    return {"parent": parent.pk, "name": f"{parent.name}新单位", "code": code, "level": level, "party_org_type": kind}


def test_an_organization_outside_the_jurisdiction_is_refused(client, world):
    # 东城区's office cannot even choose the city as a parent.
    client.force_login(make_staff(world.office_a))
    response = client.post(url(Organization, "add"), new_org(world.city, "QH-M2"))
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    # 西山县's leader sees the county but does not manage it: organization_create refuses.
    client.force_login(make_staff(world.leader_b))
    response = client.post(url(Organization, "add"), new_org(world.district_b, "QH-B-U9"))
    assert response.status_code == 200
    assert "您不是西山县委的巡察办工作人员" in errors(response)
    assert not Organization.objects.filter(code__in=["QH-M2", "QH-B-U9"]).exists()


def test_an_inspection_is_added_through_its_service(client, world, office):
    client.force_login(office)
    data = {
        "round": world.round.pk,
        "team": world.team.pk,
        "organization": world.district_a_unit.pk,
        "mode": InspectionMode.REGULAR,
    }
    response = client.post(url(Inspection, "add"), data)
    assert response.status_code == 302, errors(response)
    inspection = Inspection.objects.get(organization=world.district_a_unit)
    assert inspection.history.get().history_user == world.office


def test_an_inspection_with_a_recusal_conflict_is_refused(client, world, office):
    client.force_login(office)
    data = {
        "round": world.round.pk,
        "team": world.team.pk,
        "organization": world.bureau.pk,  # the team members work there
        "mode": InspectionMode.REGULAR,
        "theme": "",
    }
    response = client.post(url(Inspection, "add"), data)
    assert response.status_code == 200
    assert "回避冲突" in errors(response)
    assert not Inspection.objects.filter(organization=world.bureau).exists()


def test_a_team_member_added_inline_goes_through_recusal(client, world, records, office):
    """`other` declared a conflict with 青石村, inside the team's inspection of 青石镇."""
    client.force_login(office)
    change = url(Team, "change", world.team.pk)
    data = form_data(client.get(change))
    row = data["members-TOTAL_FORMS"]
    data.update(
        {
            "members-TOTAL_FORMS": row + 1,
            f"members-{row}-person": world.persons["other"].pk,
            f"members-{row}-role": "member",
            f"members-{row}-source": "seconded",
        }
    )
    response = client.post(change, data)
    assert response.status_code == 200
    assert "应当回避" in errors(response)
    assert not TeamMember.objects.filter(person=world.persons["other"]).exists()


def test_a_team_member_is_added_through_its_service(client, world, office):
    client.force_login(office)
    data = {"team": world.team.pk, "person": world.persons["other"].pk, "role": "member", "source": "seconded"}
    response = client.post(url(TeamMember, "add"), data)
    assert response.status_code == 302, errors(response)
    member = TeamMember.objects.get(person=world.persons["other"])
    assert member.history.get().history_user == world.office


def test_staff_cannot_raise_anyones_rights(client, world, office):
    """Staff with user rights do not get to make anyone a superuser."""
    client.force_login(office)
    form = client.get(url(type(world.office), "change", world.nobody.pk)).context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    root = make_superuser()
    assert client.get(url(type(root), "change", root.pk)).context["has_change_permission"] is False
