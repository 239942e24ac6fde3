"""Every read of a petition or a clue is logged (who, when, which, through which page) and the
office reviews the log of its jurisdiction; the audit page shows every change of the records
the office may see, filterable by user, model and date (DESIGN.md §5)."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from findings import services as fs
from findings.models import Petition, ReadLog
from tests.web.helpers import html, login

pytestmark = pytest.mark.django_db


def reads(user, **kw):
    return list(ReadLog.objects.filter(user=user, **kw).order_by("pk"))


def test_opening_a_petition_or_a_clue_writes_who_which_and_when(scene, client):
    petition, clue = scene.get("petitions", "A.petition"), scene.get("clues", "A.c_disc")
    member = scene.users["team_member"]
    login(client, member)
    before = timezone.now()
    assert client.get(f"/petitions/{petition.pk}/").status_code == 200
    assert client.get(f"/clues/{clue.pk}/").status_code == 200
    rows = reads(member)
    assert [(r.kind, r.via, r.record_id) for r in rows] == [
        ("petition", "detail", petition.pk),
        ("clue", "detail", clue.pk),
    ]
    assert all(r.at >= before for r in rows)
    assert rows[0].scope_path == petition.inspection.organization.path
    assert rows[1].label == str(clue)


def test_a_refused_read_writes_nothing(scene, client):
    liaison, b_member = scene.users["liaison"], scene.users["b_member"]
    petition = scene.get("petitions", "A.petition")
    for user in (liaison, b_member):
        login(client, user)
        assert client.get(f"/petitions/{petition.pk}/").status_code in (403, 404)
    assert not ReadLog.objects.exists()


def test_a_list_page_logs_each_record_it_shows_and_an_export_logs_the_file(scene, client):
    office = scene.users["office"]
    login(client, office)
    response = client.get("/clues/?destination=discipline")
    shown = {row["obj"].pk for row in response.context["table"]}
    assert shown and {r.record_id for r in reads(office, via="list")} == shown
    assert all(r.query == "destination=discipline" for r in reads(office, via="list"))
    ReadLog.objects.all().delete()
    response = client.get("/clues/?destination=discipline&export=xlsx")
    assert response.status_code == 200
    (row,) = reads(office)
    assert (row.via, row.kind, row.record_id, row.rows) == ("export", "clue", None, len(shown))
    assert row.scope_path == scene.world.city.path
    ReadLog.objects.all().delete()
    assert client.get("/exports/petitions/").status_code == 200
    (row,) = reads(office)
    assert (row.via, row.kind, row.rows) == ("export", "petition", Petition.objects.count())


def test_the_inspection_tabs_and_the_handlers_queue_log_the_rows_shown(scene, client):
    inspection = scene.get("inspections", "A.I")
    leader = scene.users["team_leader"]
    login(client, leader)
    client.get(f"/inspections/{inspection.pk}/?tab=clues")
    assert {r.record_id for r in reads(leader, kind="clue")} == set(inspection.clues.values_list("pk", flat=True))
    client.get(f"/inspections/{inspection.pk}/?tab=petitions")
    assert {r.record_id for r in reads(leader, kind="petition")} == set(
        inspection.petitions.values_list("pk", flat=True)
    )
    handler = scene.users["orgdept"]
    login(client, handler)
    client.get("/")
    # The org-dept handler's queue: the transferred, undisposed clues for the organization dept.
    assert {r.record_id for r in reads(handler)} == {scene.get("clues", f"{p}.c_org").pk for p in "AB"}


def test_the_admin_logs_its_reads_of_confidential_records(scene, client, admin_user):
    clue = scene.get("clues", "A.c_disc")
    client.force_login(admin_user)
    assert client.get(f"/admin/findings/clue/{clue.pk}/change/").status_code == 200
    assert client.get("/admin/findings/petition/").status_code == 200
    assert [(r.via, r.kind, r.record_id) for r in reads(admin_user)] == [
        ("admin", "clue", clue.pk),
        ("admin", "petition", None),
    ]


@pytest.mark.parametrize("kind", ["petition", "clue"])
def test_the_admin_history_of_a_confidential_record_is_a_read_too(scene, client, admin_user, kind):
    """The history list and an old version show the record's full text: each is logged like the
    change page (they were not: `GET …/history/2/` showed a petition and left no row)."""
    record = scene.get("petitions", "A.petition") if kind == "petition" else scene.get("clues", "A.c_disc")
    version = record.history.order_by("history_id").first().history_id
    client.force_login(admin_user)
    for page in ("history/", f"history/{version}/"):
        ReadLog.objects.all().delete()
        assert client.get(f"/admin/findings/{kind}/{record.pk}/{page}").status_code == 200
        assert [(r.via, r.kind, r.record_id) for r in reads(admin_user)] == [("admin", kind, record.pk)], page


def test_the_office_reviews_the_reads_of_its_own_jurisdiction_only(scene, client):
    a_clue, b_clue = scene.get("clues", "A.c_disc"), scene.get("clues", "B.c_disc")
    for key, clue in (("team_member", a_clue), ("b_member", b_clue)):
        login(client, scene.users[key])
        client.get(f"/clues/{clue.pk}/")
    seen = {}
    for key in ("office", "office_a", "office_b"):
        login(client, scene.users[key])
        response = client.get("/audit/reads/")
        assert response.status_code == 200
        seen[key] = {row["obj"].record_id for row in response.context["table"]}
    assert seen == {"office": {a_clue.pk, b_clue.pk}, "office_a": {a_clue.pk}, "office_b": {b_clue.pk}}
    login(client, scene.users["office"])
    response = client.get("/audit/reads/?user=b_member")
    assert {row["obj"].record_id for row in response.context["table"]} == {b_clue.pk}
    for key in ("leader", "team_leader", "liaison", "discipline", "nobody"):
        login(client, scene.users[key])
        assert client.get("/audit/reads/").status_code == 403, key


def test_the_read_log_page_has_a_fixed_number_of_queries(scene, client):
    member = scene.users["team_member"]
    login(client, member)
    client.get("/clues/")
    login(client, scene.users["office"])
    client.get("/audit/reads/")
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/reads/")
    for _ in range(3):
        client.get("/petitions/")
    with CaptureQueriesContext(connection) as many:
        client.get("/audit/reads/")
    assert len(many) == len(few)


# --- The audit page ---------------------------------------------------------------------------


def audit_rows(client, query: str = ""):
    response = client.get(f"/audit/{query}")
    assert response.status_code == 200, html(response)[:500]
    return [[str(value) for value, _column, _href in row["cells"]] for row in response.context["table"]]


def test_the_audit_page_shows_the_changes_of_records_the_office_may_see(scene, client):
    w = scene.world
    problem = scene.get("problems", "B.k_draft")
    fs.problem_update(user=problem.drafted_by, problem=problem, expected_version=problem.version, title="改过的标题")
    login(client, w.office)
    rows = audit_rows(client, "?model=problem")
    newest = rows[0]
    assert newest[1:5] == [str(problem.drafted_by), "修改", "问题", str(problem.pk)]
    assert {r[3] for r in rows} == {"问题"}
    login(client, scene.users["office_a"])
    # District A's office does not see district B's problem, nor its change.
    assert str(problem.pk) not in {r[4] for r in audit_rows(client, "?model=problem")}


def test_the_audit_page_filters_by_user_and_date(scene, client):
    login(client, scene.users["office"])
    everything = audit_rows(client, "?per_page=100")
    assert {r[3] for r in everything} >= {"巡察", "问题", "问题线索", "整改措施"}
    by_liaison = audit_rows(client, "?user=liaison&per_page=100")
    assert by_liaison and {r[1] for r in by_liaison} == {str(scene.users["liaison"])}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert audit_rows(client, f"?since={tomorrow:%Y-%m-%d}") == []
    response = client.get(f"/audit/?since={tomorrow:%Y-%m-%d}&until={timezone.localdate():%Y-%m-%d}")
    assert response.status_code == 400
    assert "截止日期不能早于起始日期" in html(response)
    assert client.get("/audit/?model=nonsense").status_code == 400


def test_the_audit_page_is_for_office_staff_only(scene, client):
    for key in ("leader", "team_leader", "liaison", "discipline", "orgdept", "nobody"):
        login(client, scene.users[key])
        assert client.get("/audit/").status_code == 403, key


def test_the_audit_page_pages_with_a_fixed_number_of_queries(scene, client):
    login(client, scene.users["office"])
    with CaptureQueriesContext(connection) as small:
        client.get("/audit/?per_page=20")
    with CaptureQueriesContext(connection) as large:
        client.get("/audit/?per_page=100")
    assert len(small) == len(large)


def test_the_audit_trail_exports_to_excel(scene, client):
    login(client, scene.users["office"])
    shown = audit_rows(client, "?user=liaison&per_page=100")
    response = client.get("/audit/?user=liaison&export=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = book.worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True)]
    data = [row for row in values if row and row[0] is not None and str(row[0]).isdigit()]
    assert len(data) == len(shown)
