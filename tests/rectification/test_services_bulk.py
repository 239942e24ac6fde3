"""measures_assign_unit: the office makes one unit responsible for many measures at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rectification import services as rs
from tests.world import D, fed_back

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.4\n%evidence\n"


def add(world, problem, unit=None):
    return rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="整改",
        responsible_unit=unit or world.township,
        responsible_person="王",
        deadline=D(2026, 6, 30),
    )


@pytest.fixture
def problem(world):
    return fed_back(world, problems=1).problems.get()


def test_office_reassigns_many_measures_each_with_its_own_history(world, problem):
    first, second, already = add(world, problem), add(world, problem), add(world, problem, world.village)
    count = rs.measures_assign_unit(user=world.office, measures=[first, second, already], unit=world.village)
    assert count == 2
    for measure in (first, second):
        measure.refresh_from_db()
        assert measure.responsible_unit == world.village
        assert measure.version == 2
        row = measure.history.first()
        assert (row.history_user, row.history_change_reason) == (world.office, "批量调整责任单位：青石村党支部")
    already.refresh_from_db()
    assert already.version == 1


def test_the_unit_must_lie_inside_the_inspected_unit(world, problem):
    measure = add(world, problem)
    with pytest.raises(ValidationError, match="西山村党支部不是青石镇党委或其下属组织"):
        rs.measures_assign_unit(user=world.office, measures=[measure], unit=world.village_b)


@pytest.mark.parametrize("verdict", [rs.Verdict.ACCEPT, rs.Verdict.ONGOING])
def test_an_accepted_measure_is_not_reassigned(world, problem, verdict):
    measure = add(world, problem)
    measure = rs.measure_report(
        user=world.liaison, measure=measure, progress="完成", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    rs.measure_verify(user=world.office, measure=measure, verdict=verdict)
    with pytest.raises(ValidationError, match="已验收，不能调整责任单位"):
        rs.measures_assign_unit(user=world.office, measures=[measure], unit=world.village)


def test_a_withdrawn_measure_stops_the_whole_reassignment(world, problem):
    live, gone = add(world, problem), add(world, problem)
    rs.measure_withdraw(user=world.office, measure=gone, reason="合并")
    with pytest.raises(ValidationError, match="整改措施已撤销"):
        rs.measures_assign_unit(user=world.office, measures=[live, gone], unit=world.village)
    live.refresh_from_db()
    assert live.responsible_unit == world.township  # all or nothing


@pytest.mark.parametrize("username", ["liaison", "office_b", "team_leader"])
def test_only_the_office_over_the_unit_reassigns(world, problem, username):
    measure = add(world, problem)
    with pytest.raises(PermissionDenied, match="您不是青石镇党委的巡察办工作人员"):
        rs.measures_assign_unit(user=world.users[username], measures=[measure], unit=world.village)
