"""Clues (问题线索): clue_register, clue_transfer, clue_dispose and clue_withdraw."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns import services as cs
from findings import services as fs
from findings.models import Clue, ClueDestination, ClueStatus, Disposition, PetitionChannel
from tests.world import D, create_inspection, fed_back, on_site

pytestmark = pytest.mark.django_db


def register(world, inspection, user=None, destination=ClueDestination.DISCIPLINE, **kw):
    return fs.clue_register(
        user=user or world.team_member,
        inspection=inspection,
        subject_name="李某",
        subject_position="村支书",
        summary="涉嫌虚报冒领补贴",
        destination=destination,
        **kw,
    )


def transfer(world, clue, on=D(2026, 4, 1), user=None):
    return fs.clue_transfer(user=user or world.team_leader, clue=clue, transferred_on=on)


def dispose(world, clue, user=None, on=D(2026, 6, 1), disposition=Disposition.CASE_OPENED):
    return fs.clue_dispose(
        user=user or world.discipline, clue=clue, disposition=disposition, disposed_on=on, note=" 已立案 "
    )


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


# --- clue_register -------------------------------------------------------------------------


def test_a_team_member_registers_a_clue_from_a_petition(world):
    inspection = on_site(world)
    petition = fs.petition_register(
        user=world.team_member,
        inspection=inspection,
        channel=PetitionChannel.VISIT,
        received_on=D(2026, 3, 12),
        subject="李某",
        content="虚报冒领",
        is_anonymous=True,
    )
    clue = register(world, inspection, source_petition=petition)
    assert clue.status == ClueStatus.DRAFT
    assert clue.number == 1
    assert clue.source_petition == petition
    assert clue.transferred_on is None
    assert clue.history.get().history_user == world.team_member


def test_clues_are_numbered_per_inspection(world):
    first, second = on_site(world), on_site(world, world.village_b)
    assert [register(world, first).number, register(world, first).number] == [1, 2]
    assert register(world, second).number == 1


def test_an_inspector_not_on_the_team_may_not_register_a_clue(world):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        register(world, on_site(world), user=world.other_inspector)


def test_no_clue_is_registered_before_entering(world):
    with pytest.raises(ValidationError, match="不能登记问题线索"):
        register(world, create_inspection(world))


def test_no_clue_is_registered_after_feedback(world):
    with pytest.raises(ValidationError, match="巡察当前状态为“已反馈·整改中”，不能登记问题线索"):
        register(world, fed_back(world, problems=0))


def test_the_source_petition_of_a_clue_must_belong_to_the_inspection(world):
    elsewhere = fs.petition_register(
        user=world.team_member,
        inspection=on_site(world, world.village_b),
        channel=PetitionChannel.LETTER,
        received_on=D(2026, 3, 12),
        subject="某",
        content="某事",
        is_anonymous=True,
    )
    with pytest.raises(ValidationError, match="来源信访件不属于本次巡察"):
        register(world, on_site(world), source_petition=elsewhere)


# --- clue_transfer -------------------------------------------------------------------------


def test_the_team_leader_transfers_a_clue(world):
    clue = transfer(world, register(world, on_site(world)))
    clue.refresh_from_db()
    assert clue.status == ClueStatus.TRANSFERRED
    assert clue.transferred_on == D(2026, 4, 1)
    assert clue.transferred_by == world.team_leader
    assert clue.history.first().history_change_reason == "移交纪委监委"


def test_the_office_may_transfer_a_clue_after_the_team_left(world):
    inspection = on_site(world)
    clue = register(world, inspection)
    cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    clue = transfer(world, clue, on=D(2026, 4, 20), user=world.office)
    assert clue.transferred_by == world.office


def test_a_transferred_clue_is_not_transferred_again(world):
    clue = transfer(world, register(world, on_site(world)))
    with pytest.raises(ValidationError, match="该线索已于2026-04-01移交纪委监委"):
        transfer(world, clue, on=D(2026, 4, 2))


def test_a_clue_is_not_transferred_before_entering(world):
    clue = register(world, on_site(world))
    with pytest.raises(ValidationError, match="移交日期不能早于进驻日期"):
        transfer(world, clue, on=D(2026, 3, 9))
    clue.refresh_from_db()
    assert clue.status == ClueStatus.DRAFT


def test_a_clue_is_not_transferred_in_the_future(world):
    with pytest.raises(ValidationError, match="移交日期不能晚于今天"):
        transfer(world, register(world, on_site(world)), on=tomorrow())


def test_a_withdrawn_clue_is_not_transferred(world):
    clue = register(world, on_site(world))
    fs.clue_withdraw(user=world.team_leader, clue=clue, reason="查无实据")
    with pytest.raises(ValidationError, match="问题线索已撤销"):
        transfer(world, clue)


def test_a_member_may_not_transfer_a_clue(world):
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        transfer(world, register(world, on_site(world)), user=world.team_member)


def test_office_b_may_not_transfer_a_clue_of_district_a(world):
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        transfer(world, register(world, on_site(world)), user=world.office_b)


# --- clue_dispose --------------------------------------------------------------------------


def test_the_discipline_commission_disposes_a_transferred_clue(world):
    clue = dispose(world, transfer(world, register(world, on_site(world))))
    clue.refresh_from_db()
    assert clue.status == ClueStatus.DISPOSED
    assert clue.disposition == Disposition.CASE_OPENED
    assert clue.disposed_on == D(2026, 6, 1)
    assert clue.disposition_note == "已立案"
    assert clue.disposed_by == world.discipline
    assert clue.history.first().history_user == world.discipline


def test_the_organization_department_disposes_its_own_clue(world):
    clue = transfer(world, register(world, on_site(world), destination=ClueDestination.ORG_DEPT))
    clue = dispose(world, clue, user=world.orgdept, disposition=Disposition.ORG_HANDLING)
    assert clue.disposed_by == world.orgdept


def test_a_clue_may_be_disposed_the_day_it_was_transferred(world):
    clue = transfer(world, register(world, on_site(world)))
    assert dispose(world, clue, on=D(2026, 4, 1)).status == ClueStatus.DISPOSED


def test_a_district_discipline_handler_may_not_dispose_a_clue_outside_the_district(world):
    # The clue comes from an inspection of 青石镇 (东城区); discipline_b handles 西山县 only.
    clue = transfer(world, register(world, on_site(world)))
    with pytest.raises(PermissionDenied, match="该线索移交纪委监委办理，您无权登记其处置情况"):
        dispose(world, clue, user=world.discipline_b)
    clue.refresh_from_db()
    assert clue.status == ClueStatus.TRANSFERRED


def test_a_district_discipline_handler_may_not_dispose_a_clue_from_the_city_inspecting_a_district(world):
    clue = transfer(world, register(world, on_site(world, world.district_a)))
    with pytest.raises(PermissionDenied, match="无权登记其处置情况"):
        dispose(world, clue, user=world.discipline_b)


def test_the_organization_department_may_not_dispose_a_discipline_clue(world):
    clue = transfer(world, register(world, on_site(world)))
    with pytest.raises(PermissionDenied, match="该线索移交纪委监委办理"):
        dispose(world, clue, user=world.orgdept, disposition=Disposition.ORG_HANDLING)


def test_the_discipline_commission_may_not_dispose_an_organization_department_clue(world):
    clue = transfer(world, register(world, on_site(world), destination=ClueDestination.ORG_DEPT))
    with pytest.raises(PermissionDenied, match="该线索移交组织部办理"):
        dispose(world, clue)


@pytest.mark.parametrize("username", ["office", "team_leader", "leader", "liaison"])
def test_the_office_and_the_team_do_not_dispose_clues(world, username):
    clue = transfer(world, register(world, on_site(world)))
    with pytest.raises(PermissionDenied, match="无权登记其处置情况"):
        dispose(world, clue, user=world.users[username])


def test_a_draft_clue_is_not_disposed(world):
    with pytest.raises(ValidationError, match="该线索尚未移交，不能登记处置情况"):
        dispose(world, register(world, on_site(world)))


def test_a_disposed_clue_is_not_disposed_again(world):
    clue = dispose(world, transfer(world, register(world, on_site(world))))
    with pytest.raises(ValidationError, match="该线索已于2026-06-01办结"):
        dispose(world, clue, on=D(2026, 6, 2), disposition=Disposition.CLOSED)


def test_a_clue_is_not_disposed_before_it_was_transferred(world):
    clue = transfer(world, register(world, on_site(world)))
    with pytest.raises(ValidationError, match="办结日期不能早于移交日期2026-04-01"):
        dispose(world, clue, on=D(2026, 3, 31))
    clue.refresh_from_db()
    assert clue.status == ClueStatus.TRANSFERRED


def test_a_withdrawn_clue_is_not_disposed(world):
    clue = register(world, on_site(world))
    fs.clue_withdraw(user=world.team_leader, clue=clue, reason="查无实据")
    with pytest.raises(ValidationError, match="问题线索已撤销"):
        dispose(world, clue)


# --- clue_withdraw -------------------------------------------------------------------------


def test_the_team_leader_withdraws_a_draft_clue(world):
    clue = fs.clue_withdraw(user=world.team_leader, clue=register(world, on_site(world)), reason="查无实据")
    assert clue.is_withdrawn
    assert clue.withdrawn_reason == "查无实据"
    assert not Clue.objects.live().exists()


def test_a_transferred_clue_is_not_withdrawn(world):
    clue = transfer(world, register(world, on_site(world)))
    with pytest.raises(ValidationError, match="线索已移交，不能撤销"):
        fs.clue_withdraw(user=world.office, clue=clue, reason="查无实据")


def test_a_member_may_not_withdraw_a_clue(world):
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        fs.clue_withdraw(user=world.team_member, clue=register(world, on_site(world)), reason="查无实据")


def test_a_clue_withdrawal_needs_a_reason(world):
    with pytest.raises(ValidationError, match="请填写撤销原因"):
        fs.clue_withdraw(user=world.team_leader, clue=register(world, on_site(world)), reason="")


def test_a_clue_is_not_withdrawn_twice(world):
    clue = register(world, on_site(world))
    fs.clue_withdraw(user=world.team_leader, clue=clue, reason="查无实据")
    with pytest.raises(ValidationError, match="已.*撤销"):
        fs.clue_withdraw(user=world.team_leader, clue=clue, reason="查无实据")
