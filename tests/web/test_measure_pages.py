"""Measure pages, evidence downloads and the measures list's bulk action, from each role: the
report and verify buttons appear only when allowed, each step goes through its URL, and a
refused step changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from findings.models import ProblemStatus
from rectification import services as rs
from rectification.models import Measure, MeasureStatus
from tests.accounts.scene import TEAM_A, TEAM_B
from tests.web.helpers import detail_matrix, expect_all, html, login, messages_of, workflow_controls
from tests.world import D, fed_back

pytestmark = pytest.mark.django_db

URL = "/measures/{pk}/"
PDF = b"%PDF-1.4\n%evidence\n"


def everywhere(prefix: str) -> dict[str, set[str]]:
    labels = {f"{prefix}_{m}" for m in ("rect", "ongoing", "open")}
    a, b = {f"A.{x}" for x in labels}, {f"B.{x}" for x in labels}
    return {
        "office": a | b,
        "leader": a | b,
        "office_a": a,
        "office_b": b,
        "leader_b": b,
        **{user: a for user in TEAM_A},
        **{user: b for user in TEAM_B},
        "liaison": a,
        "liaison_b": b,
    }


def test_a_measure_page_opens_for_its_jurisdiction_and_is_not_found_elsewhere(scene, client):
    assert detail_matrix(scene, client, "measures", URL) == expect_all(everywhere("m"))


def test_evidence_is_served_only_to_those_who_see_its_measure(scene, client):
    assert detail_matrix(scene, client, "evidence", "/evidence/{pk}/") == expect_all(everywhere("e"))
    login(client, scene.users["liaison"])
    response = client.get(f"/evidence/{scene.pks['evidence']['A.e_open']}/")
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="p_open.pdf"'
    client.logout()
    response = client.get(f"/evidence/{scene.pks['evidence']['A.e_open']}/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_leader_finds_no_workflow_control_on_measure_pages(scene, client):
    login(client, scene.users["leader"])
    for pk in scene.pks["measures"].values():
        assert not workflow_controls(client.get(URL.format(pk=pk))), pk
    assert not workflow_controls(client.get("/measures/"))
    # Nor can the bulk action be posted round the missing controls.
    pks = list(scene.pks["measures"].values())
    response = client.post("/measures/", {"ids": pks, "action": "unit", "confirm": "1", "unit": "QH-A-T1"})
    assert response.status_code == 403


# --- Buttons -------------------------------------------------------------------------------

WHO = ("liaison", "liaison_b", "office", "office_a", "office_b", "leader", "team_leader")
STEPS = {"report": "报告整改进展", "verify": "验收"}


def buttons_for(client, world, measure) -> dict[str, set[str]]:
    shown = {}
    for key in WHO:
        login(client, getattr(world, key))
        response = client.get(URL.format(pk=measure.pk))
        page = html(response) if response.status_code == 200 else ""
        steps = {s for s, label in STEPS.items() if f"/measures/{measure.pk}/{s}/" in page and f">{label}<" in page}
        if steps:
            shown[key] = steps
    return shown


@pytest.fixture
def measure(world) -> Measure:
    problem = fed_back(world, problems=1).problems.get()
    return rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="建立村务公开台账",
        responsible_unit=world.township,
        responsible_person="王主任",
        deadline=D(2026, 6, 30),
    )


def report(world, measure, user=None) -> Measure:
    upload = SimpleUploadedFile("照片.pdf", PDF, content_type="application/pdf")
    return rs.measure_report(user=user or world.liaison, measure=measure, progress="已公开", files=[upload])


def test_report_is_offered_to_the_unit_and_the_office_while_planned_or_sent_back(world, client, measure):
    unit_side = {"report"}
    assert buttons_for(client, world, measure) == {"liaison": unit_side, "office": unit_side, "office_a": unit_side}
    measure = report(world, measure)
    # Reported: only the office verifies (验收); nobody reports again.
    assert buttons_for(client, world, measure) == {"office": {"verify"}, "office_a": {"verify"}}
    measure = rs.measure_verify(user=world.office, measure=measure, verdict=rs.Verdict.SEND_BACK, note="佐证不足")
    assert buttons_for(client, world, measure) == {"liaison": unit_side, "office": unit_side, "office_a": unit_side}
    measure = rs.measure_verify(user=world.office, measure=report(world, measure), verdict=rs.Verdict.ACCEPT)
    assert buttons_for(client, world, measure) == {}


def test_the_liaison_adds_a_measure_through_the_problem_page(world, client):
    problem = fed_back(world, problems=1).problems.get()
    login(client, world.liaison)
    assert f"/problems/{problem.pk}/measures/new/" in html(client.get(f"/problems/{problem.pk}/"))
    url = f"/problems/{problem.pk}/measures/new/"
    assert client.get(url).context["form"]["responsible_unit"].value() == world.township.code
    data = {"content": "完善台账", "responsible_unit": world.village.code, "responsible_person": "李书记"}
    response = client.post(url, data | {"deadline": "2026-06-30"}, follow=True)
    assert "整改措施已添加。" in html(response)
    assert problem.measures.get().responsible_unit == world.village


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("responsible_unit", "QH-B-T1", "责任单位须为青石镇党委或其下属组织。"),  # 西山镇: another unit
        ("responsible_unit", "NO-SUCH", "找不到组织代码为“NO-SUCH”的党组织"),
        ("deadline", "2026-05-01", "完成时限不能早于反馈日期2026-05-10。"),
        ("responsible_person", "", "这个字段是必填项。"),
    ],
)
def test_a_bad_measure_is_refused_next_to_its_field(world, client, field, value, message):
    problem = fed_back(world, problems=1).problems.get()
    login(client, world.liaison)
    data = {
        "content": "完善台账",
        "responsible_unit": world.township.code,
        "responsible_person": "李书记",
        "deadline": "2026-06-30",
    }
    response = client.post(f"/problems/{problem.pk}/measures/new/", data | {field: value})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert "完善台账</textarea>" in html(response)  # what was typed stays
    assert not problem.measures.exists()


def test_the_liaison_reports_progress_with_evidence(world, client, measure):
    login(client, world.liaison)
    url = f"/measures/{measure.pk}/report/"
    version = client.get(url).context["form"].initial["version"]
    upload = SimpleUploadedFile("公开栏.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"progress": "已公开", "files": [upload], "version": version}, follow=True)
    assert "进展已报告，等待巡察办验收。" in html(response)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REPORTED and measure.evidence.get().original_name == "公开栏.pdf"
    assert "公开栏.pdf" in html(client.get(URL.format(pk=measure.pk)))


def test_a_text_file_named_pdf_is_refused_for_its_type(world, client, measure):
    login(client, world.liaison)
    upload = SimpleUploadedFile("伪装.pdf", "这是文本".encode(), content_type="application/pdf")
    response = client.post(
        f"/measures/{measure.pk}/report/", {"progress": "已公开", "files": [upload], "version": measure.version}
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["files"])
    assert "伪装.pdf" in errors and "文件类型" in errors
    assert "已公开</textarea>" in html(response)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED and not measure.evidence.exists()


def test_a_report_on_a_stale_copy_is_refused(world, client, measure):
    login(client, world.liaison)
    stale = client.get(f"/measures/{measure.pk}/report/").context["form"].initial["version"]
    rs.measures_assign_unit(user=world.office, measures=[measure], unit=world.village)  # someone else saves
    upload = SimpleUploadedFile("公开栏.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/measures/{measure.pk}/report/", {"progress": "我写的进展", "files": [upload], "version": stale}
    )
    assert response.status_code == 400
    assert "他人修改" in html(response) and "我写的进展</textarea>" in html(response)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED and not measure.evidence.exists()


def test_the_office_verifies_and_the_problem_is_rectified(world, client, measure):
    measure = report(world, measure)
    login(client, world.office_a)
    url = f"/measures/{measure.pk}/verify/"
    version = client.get(url).context["form"].initial["version"]
    response = client.post(url, {"verdict": "accept", "note": "", "version": version}, follow=True)
    assert "验收结论已登记。" in html(response)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ACCEPTED and measure.verified_by == world.office_a
    assert measure.problem.status == ProblemStatus.RECTIFIED
    # Verifying again is refused with the reason and changes nothing.
    response = client.post(url, {"verdict": "send_back", "note": "再看看", "version": measure.version}, follow=True)
    assert "只有待验收的措施才能验收" in html(response)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ACCEPTED


def test_sending_back_needs_a_reason(world, client, measure):
    measure = report(world, measure)
    login(client, world.office)
    response = client.post(f"/measures/{measure.pk}/verify/", {"verdict": "send_back", "version": measure.version})
    assert response.status_code == 400
    assert response.context["form"].errors["note"] == ["退回时须写明理由。"]
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REPORTED


def test_a_verification_on_a_stale_copy_is_refused(world, client, measure):
    measure = report(world, measure)
    login(client, world.office)
    stale = client.get(f"/measures/{measure.pk}/verify/").context["form"].initial["version"]
    rs.measures_assign_unit(user=world.office_a, measures=[measure], unit=world.village)
    response = client.post(f"/measures/{measure.pk}/verify/", {"verdict": "accept", "note": "好", "version": stale})
    assert response.status_code == 400 and "他人修改" in html(response)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REPORTED


@pytest.mark.parametrize("user, status", [("liaison", 403), ("leader", 403), ("team_leader", 403), ("office_b", 404)])
def test_verification_by_anyone_but_the_office_is_refused(world, client, measure, user, status):
    measure = report(world, measure)
    before = measure.history.count()
    login(client, getattr(world, user))
    response = client.post(f"/measures/{measure.pk}/verify/", {"verdict": "accept", "version": measure.version})
    assert response.status_code == status
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REPORTED and measure.history.count() == before


def test_the_unit_cannot_report_a_measure_already_reported(world, client, measure):
    measure = report(world, measure)
    login(client, world.liaison)
    response = client.post(f"/measures/{measure.pk}/report/", {"progress": "再报", "version": measure.version})
    assert response.status_code == 302
    assert any("不能重复报告" in m for m in messages_of(response))


# --- Bulk: responsible unit ---------------------------------------------------------------------


def test_the_office_changes_the_responsible_unit_of_selected_measures(world, client):
    inspection = fed_back(world, problems=2)
    measures = [
        rs.measure_add(
            user=world.liaison,
            problem=problem,
            content=f"措施{problem.number}",
            responsible_unit=world.township,
            responsible_person="王主任",
            deadline=D(2026, 6, 30),
        )
        for problem in inspection.problems.all()
    ]
    ids = [m.pk for m in measures]
    history = {m.pk: m.history.count() for m in measures}
    login(client, world.office)
    assert 'name="ids"' in html(client.get("/measures/"))
    confirm = client.post("/measures/", {"ids": ids, "action": "unit"})
    assert confirm.status_code == 200
    page = html(confirm)
    assert "调整责任单位" in page and "措施1" in page and "措施2" in page
    assert all(f'name="ids" value="{pk}"' in page for pk in ids)
    # A unit outside the inspected organization is refused; nothing changes.
    response = client.post("/measures/", {"ids": ids, "action": "unit", "confirm": "1", "unit": world.village_b.code})
    assert "不是青石镇党委或其下属组织" in " ".join(messages_of(response))
    assert set(Measure.objects.filter(pk__in=ids).values_list("responsible_unit", flat=True)) == {world.township.pk}
    response = client.post(
        "/measures/", {"ids": ids, "action": "unit", "confirm": "1", "unit": world.village.code}, follow=True
    )
    assert "已调整2项措施的责任单位。" in html(response)
    for m in Measure.objects.filter(pk__in=ids):
        assert m.responsible_unit == world.village
        assert m.history.count() == history[m.pk] + 1
        assert m.history.first().history_change_reason == "批量调整责任单位：青石村党支部"


def test_a_bulk_action_without_rows_or_action_says_what_is_missing(world, client):
    login(client, world.office)
    response = client.post("/measures/", {"action": "unit"}, follow=True)
    assert "请先勾选整改措施并选择批量操作。" in html(response)
