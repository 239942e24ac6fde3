"""Petitions and clues are confidential (DESIGN.md §1): their pages from each role, the clue's
transfer → disposition → sanction through the URLs, and a crawl of everything a unit liaison
can open that never finds a petitioner's or a clue subject's name."""

import io
import re
import zipfile
from collections import deque
from urllib.parse import urljoin

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services as cs
from findings import services as fs
from findings.models import ClueDestination, ClueStatus, Disposition, PetitionChannel, SanctionKind
from rectification import services as rs
from tests.accounts.scene import TEAM_A, TEAM_B
from tests.web.helpers import detail_matrix, expect_all, html, login, workflow_controls
from tests.world import D, approve, category, draft_problem, on_site

pytestmark = pytest.mark.django_db

CLUE = "/clues/{pk}/"
PETITION = "/petitions/{pk}/"
EVERY_CLUE = ("c_disc", "c_org", "c_draft", "c_draft_org", "k_clue")


def team_side(labels) -> dict[str, set[str]]:
    a, b = {f"A.{x}" for x in labels}, {f"B.{x}" for x in labels}
    return {
        "office": a | b,
        "leader": a | b,
        "office_a": a,
        "office_b": b,
        "leader_b": b,
        **{user: a for user in TEAM_A},
        **{user: b for user in TEAM_B},
    }


def test_a_petition_opens_only_for_the_office_leaders_and_its_team(scene, client):
    expected = team_side(("petition", "k_petition"))
    assert detail_matrix(scene, client, "petitions", PETITION) == expect_all(expected)


def test_a_clue_opens_for_its_team_and_only_once_transferred_for_its_handler(scene, client):
    expected = {
        **team_side(EVERY_CLUE),
        "discipline": {"A.c_disc", "A.k_clue", "B.c_disc", "B.k_clue"},
        "discipline_b": {"B.c_disc", "B.k_clue"},
        "orgdept": {"A.c_org", "B.c_org"},
    }
    assert detail_matrix(scene, client, "clues", CLUE) == expect_all(expected)


def test_a_unit_liaison_is_refused_the_lists_and_never_finds_the_records(scene, client):
    for key in ("liaison", "liaison_b"):
        login(client, scene.users[key])
        assert client.get("/petitions/").status_code == 403
        assert client.get("/clues/").status_code == 403
        for pk in scene.pks["petitions"].values():
            assert client.get(PETITION.format(pk=pk)).status_code == 404
            assert client.post(f"/petitions/{pk}/withdraw/", {"reason": "看看"}).status_code == 404
        for pk in scene.pks["clues"].values():
            assert client.get(CLUE.format(pk=pk)).status_code == 404
            assert client.post(f"/clues/{pk}/dispose/", {"disposition": "closed"}).status_code == 404


def test_a_leader_finds_no_workflow_control_on_petitions_and_clues(scene, client):
    login(client, scene.users["leader"])
    for pk in scene.pks["petitions"].values():
        assert not workflow_controls(client.get(PETITION.format(pk=pk)))
    for pk in scene.pks["clues"].values():
        assert not workflow_controls(client.get(CLUE.format(pk=pk)))


BUTTONS = {"transfer": "移交", "dispose": "登记处置情况", "sanction": "登记处理处分", "withdraw": "撤销"}


def clue_buttons(client, user, clue) -> set[str]:
    login(client, user)
    response = client.get(CLUE.format(pk=clue.pk))
    if response.status_code != 200:
        return set()
    page = html(response)
    return {step for step, label in BUTTONS.items() if f"/clues/{clue.pk}/{step}/" in page and f">{label}<" in page}


CLUE_BUTTONS = [
    ("A.c_draft", "team_leader", {"transfer", "withdraw"}),
    ("A.c_draft", "office_a", {"transfer", "withdraw"}),
    ("A.c_draft", "team_member", set()),
    ("A.c_draft", "discipline", set()),  # not transferred: not even found
    ("A.k_clue", "discipline", {"dispose", "sanction"}),
    ("A.k_clue", "team_leader", set()),
    ("A.c_disc", "discipline", {"sanction"}),  # disposed: sanctions may still follow
    ("A.c_org", "orgdept", {"dispose", "sanction"}),
    ("A.c_org", "discipline", set()),
    ("B.k_clue", "discipline_b", {"dispose", "sanction"}),
]


def test_clue_buttons_follow_the_clues_state_and_the_users_body(scene, client):
    got = {
        (label, user): clue_buttons(client, scene.users[user], scene.get("clues", label))
        for label, user, _s in CLUE_BUTTONS
    }
    assert got == {(label, user): steps for label, user, steps in CLUE_BUTTONS}


def test_a_clue_goes_from_the_team_to_the_discipline_commission_and_back(world, client):
    inspection = on_site(world)
    clue = fs.clue_register(
        user=world.team_member,
        inspection=inspection,
        subject_name="钱某某",
        summary="涉嫌违规发放补贴",
        destination=ClueDestination.DISCIPLINE,
    )
    login(client, world.discipline)
    assert client.get(CLUE.format(pk=clue.pk)).status_code == 404
    login(client, world.team_leader)
    response = client.post(f"/clues/{clue.pk}/transfer/", {"on": "2999-01-01"})
    assert response.status_code == 400
    assert "移交日期不能晚于今天。" in " ".join(response.context["form"].non_field_errors())
    response = client.post(f"/clues/{clue.pk}/transfer/", {"on": "2026-03-20"}, follow=True)
    assert "线索已移交。" in html(response)
    clue.refresh_from_db()
    assert clue.status == ClueStatus.TRANSFERRED
    response = client.post(f"/clues/{clue.pk}/transfer/", {"on": "2026-03-21"}, follow=True)
    assert "该线索已于2026-03-20移交纪委监委" in html(response)
    # The handler sees it now, and the team cannot record its disposition.
    assert client.post(f"/clues/{clue.pk}/dispose/", {"disposition": "closed"}).status_code == 403
    login(client, world.discipline)
    assert [row["obj"].pk for row in client.get("/clues/").context["table"]] == [clue.pk]
    data = {"disposition": Disposition.CASE_OPENED, "disposed_on": "2026-03-01", "note": "立案"}
    response = client.post(f"/clues/{clue.pk}/dispose/", data)
    assert response.status_code == 400
    assert "办结日期不能早于移交日期2026-03-20。" in html(response)
    response = client.post(f"/clues/{clue.pk}/dispose/", data | {"disposed_on": "2026-04-01"}, follow=True)
    assert "处置情况已登记。" in html(response)
    clue.refresh_from_db()
    assert clue.status == ClueStatus.DISPOSED and clue.disposed_by == world.discipline
    sanction = {"kind": SanctionKind.PARTY_DISCIPLINE, "person_name": "钱某某", "decided_on": "2026-05-01"}
    response = client.post(f"/clues/{clue.pk}/sanction/", sanction, follow=True)
    assert "处理处分已登记。" in html(response)
    assert clue.sanctions.get().person_name == "钱某某"
    # The organization department never reaches a discipline clue.
    login(client, world.orgdept)
    assert client.post(f"/clues/{clue.pk}/sanction/", sanction).status_code == 404
    assert clue.sanctions.count() == 1


def test_the_team_leader_withdraws_a_petition_with_a_reason(scene, client):
    petition = scene.get("petitions", "A.k_petition")
    login(client, scene.users["team_member"])
    assert f"/petitions/{petition.pk}/withdraw/" not in html(client.get(PETITION.format(pk=petition.pk)))
    assert client.post(f"/petitions/{petition.pk}/withdraw/", {"reason": "重复登记"}).status_code == 403
    login(client, scene.users["team_leader"])
    response = client.post(f"/petitions/{petition.pk}/withdraw/", {"reason": "重复登记"}, follow=True)
    assert "信访件已撤销。" in html(response)
    petition.refresh_from_db()
    assert petition.is_withdrawn
    response = client.post(f"/petitions/{petition.pk}/withdraw/", {"reason": "再撤一次"}, follow=True)
    assert "已撤销" in html(response)


# --- A crawl of everything a liaison can open -----------------------------------------------------

SECRETS = ("举报人郑秘密", "反映镇长冯某某", "收受红包", "线索对象陈保密", "涉嫌挪用资金", "组织部线索林机密")


def confidential_inspection(w):
    """The liaison's own township, fed back, with a named petition, clues of both bodies
    (one with a sanction naming its subject) and a problem that came from the petition."""
    inspection = on_site(w)
    petition = fs.petition_register(
        user=w.team_member,
        inspection=inspection,
        channel=PetitionChannel.VISIT,
        received_on=D(2026, 3, 12),
        subject="反映镇长冯某某",
        content="收受红包",
        petitioner="举报人郑秘密",
    )
    problem = fs.problem_draft(
        user=w.team_member,
        inspection=inspection,
        title="低保评定不规范",
        description="评定程序不公开",
        category=category("A04"),
        method="petition",
        source_petition=petition,
    )
    approve(w, problem)
    approve(w, draft_problem(w, inspection, title="村务公开不及时"))
    clue = fs.clue_register(
        user=w.team_member,
        inspection=inspection,
        subject_name="线索对象陈保密",
        summary="涉嫌挪用资金",
        destination=ClueDestination.DISCIPLINE,
        source_petition=petition,
    )
    org_clue = fs.clue_register(
        user=w.team_member,
        inspection=inspection,
        subject_name="组织部线索林机密",
        summary="选人用人问题",
        destination=ClueDestination.ORG_DEPT,
    )
    fs.clue_transfer(user=w.team_leader, clue=clue, transferred_on=D(2026, 3, 20))
    fs.clue_transfer(user=w.team_leader, clue=org_clue, transferred_on=D(2026, 3, 20))
    inspection = cs.inspection_leave(user=w.team_leader, inspection=inspection, on=D(2026, 4, 10))
    inspection = rs.inspection_feed_back(user=w.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    clue = fs.clue_dispose(user=w.discipline, clue=clue, disposition=Disposition.CASE_OPENED, disposed_on=D(2026, 5, 1))
    fs.sanction_record(
        user=w.discipline,
        inspection=inspection,
        source="clue",
        clue=clue,
        kind=SanctionKind.PARTY_DISCIPLINE,
        person_name="线索对象陈保密",
        decided_on=D(2026, 6, 1),
    )
    common = fs.common_problem_create(user=w.office, title="低保评定", category=problem.category)
    fs.problems_link_common(user=w.office, problems=[problem], common=common)
    for p in inspection.problems.all():
        measure = rs.measure_add(
            user=w.liaison,
            problem=p,
            content=f"{p.title}的整改",
            responsible_unit=w.township,
            responsible_person="王主任",
            deadline=D(2026, 6, 30),
        )
        rs.measure_report(user=w.liaison, measure=measure, progress="已整改", files=[pdf()])
    rs.supervision_record(user=w.office, inspection=inspection, kind="reminder", acted_on=D(2026, 6, 1), content="督办")
    return inspection


def pdf():
    return SimpleUploadedFile("佐证.pdf", b"%PDF-1.4\n", content_type="application/pdf")


LINK = re.compile(r'href="([/?][^"#]*)"')  # absolute paths and "?tab=…" links
SKIP = ("/static/", "/admin/", "/i18n/", "/logout/", "/login/")


def crawl(client, user, start: list[str], limit: int = 300) -> dict[str, int]:
    """Every page reachable by links from `start`, as `user`; each HTML page and Excel file is
    checked for the secrets. Returns the status of every URL visited."""
    login(client, user)
    seen: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200:
            continue
        content_type = response["Content-Type"]
        if content_type.startswith("text/html"):
            page = html(response)
        elif "spreadsheet" in content_type:  # the unit's Excel lists: the cells' XML
            body = b"".join(response.streaming_content) if response.streaming else response.content
            with zipfile.ZipFile(io.BytesIO(body)) as xlsx:
                page = "".join(xlsx.read(name).decode() for name in xlsx.namelist() if name.endswith(".xml"))
        else:
            continue
        for secret in SECRETS:
            assert secret not in page, f"{user} reads {secret!r} on {url}"
        if content_type.startswith("text/html"):
            queue.extend(urljoin(url, link.replace("&amp;", "&")) for link in LINK.findall(page))
    return seen


def test_nothing_a_liaison_can_open_names_a_petitioner_or_a_clue_subject(world, client):
    inspection = confidential_inspection(world)
    hub = f"/inspections/{inspection.pk}/"
    tabs = [f"{hub}?tab={tab}" for tab in ("petitions", "clues", "notices", "history", "handover", "evaluation")]
    problems = [f"/problems/{p.pk}/" for p in inspection.problems.all()]
    forms = [f"/problems/{p.pk}/measures/new/" for p in inspection.problems.all()]
    seen = crawl(client, world.liaison, ["/", "/my-unit/", hub, *tabs, *problems, *forms])
    opened = {url for url, status in seen.items() if status == 200}
    assert "/my-unit/" in opened and hub in opened and set(problems) <= opened
    assert any(url.startswith("/measures/") for url in opened)
    assert any(url.startswith("/evidence/") for url in opened)
    assert any(url.startswith("/common-problems/") for url in opened)
    assert not any(status >= 500 for status in seen.values())
    # What a liaison is refused comes back as 403/404, never as the page.
    for url in ["/petitions/", "/clues/", *[f"/clues/{c.pk}/" for c in inspection.clues.all()]]:
        login(client, world.liaison)
        assert client.get(url).status_code in (403, 404)
    for p in inspection.petitions.all():
        assert client.get(PETITION.format(pk=p.pk)).status_code == 404


def test_a_handler_reads_the_clue_but_never_the_petition_behind_it(world, client):
    inspection = confidential_inspection(world)
    clue = inspection.clues.get(destination=ClueDestination.DISCIPLINE)
    login(client, world.discipline)
    page = html(client.get(CLUE.format(pk=clue.pk)))
    assert "线索对象陈保密" in page and "涉嫌挪用资金" in page
    for secret in ("举报人郑秘密", "反映镇长冯某某", "收受红包", "组织部线索林机密"):
        assert secret not in page
    assert client.get(PETITION.format(pk=inspection.petitions.get().pk)).status_code == 404
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 404


def test_no_other_outsider_reaches_a_petition_either(scene, client):
    for key in ("other_inspector", "discipline", "discipline_b", "orgdept", "nobody"):
        login(client, scene.users[key])
        for pk in scene.pks["petitions"].values():
            assert client.get(PETITION.format(pk=pk)).status_code == 404, key
