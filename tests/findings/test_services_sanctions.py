"""sanction_record: from a clue (by its handler), from a handover item or rectification (by the office)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from findings import services as fs
from findings.models import ClueDestination, Sanction, SanctionKind, SanctionSource
from tests.world import D, fed_back, on_site

pytestmark = pytest.mark.django_db


def clue_of(world, inspection, transferred=True, destination=ClueDestination.DISCIPLINE):
    clue = fs.clue_register(
        user=world.team_member, inspection=inspection, subject_name="李某", summary="虚报冒领", destination=destination
    )
    if transferred:
        clue = fs.clue_transfer(user=world.team_leader, clue=clue, transferred_on=D(2026, 4, 1))
    return clue


def record(world, inspection, user=None, **kw):
    fields = {
        "source": SanctionSource.CLUE,
        "kind": SanctionKind.PARTY_DISCIPLINE,
        "person_name": "李某",
        "person_position": "村支书",
        "decided_on": D(2026, 8, 1),
    }
    fields.update(kw)
    return fs.sanction_record(user=user or world.discipline, inspection=inspection, **fields)


# --- from a clue -----------------------------------------------------------------------------


def test_the_discipline_commission_records_a_sanction_from_its_clue(world):
    inspection = on_site(world)
    clue = clue_of(world, inspection)
    sanction = record(world, inspection, clue=clue, person_name="  李某 ")
    assert sanction.clue == clue
    assert sanction.person_name == "李某"
    assert sanction.source == SanctionSource.CLUE
    assert sanction.history.get().history_user == world.discipline


def test_a_sanction_may_be_decided_the_day_the_clue_was_transferred(world):
    inspection = on_site(world)
    assert record(world, inspection, clue=clue_of(world, inspection), decided_on=D(2026, 4, 1)).pk


def test_a_clue_sanction_needs_a_clue(world):
    with pytest.raises(ValidationError, match="请选择本次巡察移交的问题线索"):
        record(world, on_site(world), clue=None)


def test_a_clue_sanction_needs_a_clue_of_the_same_inspection(world):
    elsewhere = clue_of(world, on_site(world, world.village_b))
    with pytest.raises(ValidationError, match="请选择本次巡察移交的问题线索"):
        record(world, on_site(world), clue=elsewhere)


def test_a_district_discipline_handler_may_not_record_a_sanction_on_another_districts_clue(world):
    inspection = on_site(world)
    with pytest.raises(PermissionDenied, match="无权登记其处置情况"):
        record(world, inspection, clue=clue_of(world, inspection), user=world.discipline_b)
    assert not Sanction.objects.exists()


def test_the_organization_department_may_not_record_a_sanction_on_a_discipline_clue(world):
    inspection = on_site(world)
    with pytest.raises(PermissionDenied, match="该线索移交纪委监委办理"):
        record(world, inspection, clue=clue_of(world, inspection), user=world.orgdept, kind=SanctionKind.ORGANIZATIONAL)


def test_the_office_may_not_record_a_sanction_from_a_clue(world):
    inspection = on_site(world)
    with pytest.raises(PermissionDenied, match="无权登记其处置情况"):
        record(world, inspection, clue=clue_of(world, inspection), user=world.office)


def test_no_sanction_on_a_clue_not_yet_transferred(world):
    inspection = on_site(world)
    with pytest.raises(ValidationError, match="线索尚未移交，不能登记处理处分"):
        record(world, inspection, clue=clue_of(world, inspection, transferred=False))


def test_a_sanction_is_not_decided_before_the_clue_was_transferred(world):
    inspection = on_site(world)
    with pytest.raises(ValidationError, match="决定日期不能早于线索移交日期"):
        record(world, inspection, clue=clue_of(world, inspection), decided_on=D(2026, 3, 31))


# --- from a handover item or rectification ---------------------------------------------------


def test_the_office_records_a_rectification_sanction_on_a_problem(world):
    inspection = fed_back(world, problems=1)
    problem = inspection.problems.get()
    sanction = record(
        world,
        inspection,
        user=world.office_a,
        source=SanctionSource.RECTIFICATION,
        kind=SanctionKind.ORGANIZATIONAL,
        problem=problem,
    )
    assert sanction.problem == problem
    assert sanction.history.get().history_user == world.office_a


def test_the_office_records_a_sanction_from_a_handover_item(world):
    sanction = record(world, on_site(world), user=world.office, source=SanctionSource.HANDOVER)
    assert sanction.source == SanctionSource.HANDOVER
    assert sanction.clue is None


@pytest.mark.parametrize("username", ["office_b", "discipline", "team_leader"])
def test_only_the_office_over_the_unit_records_other_sanctions(world, username):
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的巡察办工作人员"):
        record(world, on_site(world), user=world.users[username], source=SanctionSource.HANDOVER)


def test_a_rectification_sanction_needs_a_problem(world):
    with pytest.raises(ValidationError, match="整改问责须选择本次巡察的问题"):
        record(world, on_site(world), user=world.office, source=SanctionSource.RECTIFICATION, problem=None)


def test_a_rectification_sanction_needs_a_problem_of_the_same_inspection(world):
    elsewhere = fed_back(world, world.village_b, problems=1).problems.get()
    with pytest.raises(ValidationError, match="整改问责须选择本次巡察的问题"):
        record(world, on_site(world), user=world.office, source=SanctionSource.RECTIFICATION, problem=elsewhere)


# --- for every source ------------------------------------------------------------------------


def test_a_sanction_names_the_person(world):
    with pytest.raises(ValidationError, match="请填写被处理人姓名"):
        record(world, on_site(world), user=world.office, source=SanctionSource.HANDOVER, person_name=" ")


def test_a_sanction_is_not_decided_in_the_future(world):
    inspection = on_site(world)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="决定日期不能晚于今天"):
        record(world, inspection, clue=clue_of(world, inspection), decided_on=tomorrow)
