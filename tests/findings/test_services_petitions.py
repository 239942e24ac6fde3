"""petition_register and petition_withdraw."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns import services as cs
from findings import services as fs
from findings.models import Petition, PetitionChannel, PetitionHandling
from tests.world import D, create_inspection, on_site

pytestmark = pytest.mark.django_db


def register(world, inspection, user=None, **kw):
    fields = {
        "channel": PetitionChannel.LETTER,
        "received_on": D(2026, 3, 12),
        "subject": "村主任",
        "content": "反映村集体资金使用不公开",
        "petitioner": "张三",
    }
    fields.update(kw)
    return fs.petition_register(user=user or world.team_member, inspection=inspection, **fields)


# --- petition_register ---------------------------------------------------------------------


def test_a_team_member_registers_a_named_petition(world):
    petition = register(world, on_site(world))
    assert petition.number == 1
    assert petition.petitioner == "张三"
    assert not petition.is_anonymous
    assert petition.handling == PetitionHandling.PENDING
    assert petition.history.get().history_user == world.team_member


def test_an_anonymous_petition_keeps_no_name(world):
    petition = register(world, on_site(world), petitioner="  李四 ", is_anonymous=True)
    assert petition.is_anonymous
    assert petition.petitioner == ""


def test_petitions_are_numbered_per_inspection(world):
    inspection = on_site(world)
    other = on_site(world, world.village_b)
    assert [register(world, inspection).number for _ in range(2)] == [1, 2]
    assert register(world, other).number == 1


def test_the_office_may_register_a_petition(world):
    assert register(world, on_site(world), user=world.office_a).pk


@pytest.mark.parametrize("username", ["other_inspector", "office_b", "liaison", "leader", "nobody"])
def test_outsiders_may_not_register_petitions(world, username):
    inspection = on_site(world)
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        register(world, inspection, user=world.users[username])
    assert not Petition.objects.exists()


def test_no_petition_before_the_team_is_on_site(world):
    with pytest.raises(ValidationError, match="只有进驻期间才能受理信访"):
        register(world, create_inspection(world))


def test_no_petition_after_the_team_has_left(world):
    inspection = cs.inspection_leave(user=world.team_leader, inspection=on_site(world), on=D(2026, 4, 10))
    with pytest.raises(ValidationError, match="当前状态为“已撤离”，只有进驻期间才能受理信访"):
        register(world, inspection, received_on=D(2026, 4, 9))


def test_a_petition_is_not_received_before_entering(world):
    with pytest.raises(ValidationError, match="受理日期不能早于进驻日期2026-03-10"):
        register(world, on_site(world), received_on=D(2026, 3, 9))


def test_a_named_petition_needs_the_petitioners_name(world):
    with pytest.raises(ValidationError, match="请填写信访人姓名，或勾选匿名"):
        register(world, on_site(world), petitioner="  ")


def test_a_withdrawn_inspection_takes_no_petitions(world):
    inspection = on_site(world)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="计划调整")
    with pytest.raises(ValidationError, match="巡察已撤销"):
        register(world, inspection)
    assert not Petition.objects.exists()


# --- petition_withdraw ---------------------------------------------------------------------


def test_the_team_leader_withdraws_a_petition_with_a_reason(world):
    petition = register(world, on_site(world))
    petition = fs.petition_withdraw(user=world.team_leader, petition=petition, reason="重复登记")
    petition.refresh_from_db()
    assert petition.is_withdrawn
    assert petition.withdrawn_by == world.team_leader
    assert petition.withdrawn_reason == "重复登记"


def test_a_member_may_not_withdraw_a_petition(world):
    petition = register(world, on_site(world))
    with pytest.raises(PermissionDenied, match="此操作须由组长进行"):
        fs.petition_withdraw(user=world.team_member, petition=petition, reason="重复登记")


def test_office_b_may_not_withdraw_a_petition_of_district_a(world):
    petition = register(world, on_site(world))
    with pytest.raises(PermissionDenied, match="您不是本巡察组成员"):
        fs.petition_withdraw(user=world.office_b, petition=petition, reason="重复登记")


def test_a_petition_withdrawal_needs_a_reason(world):
    petition = register(world, on_site(world))
    with pytest.raises(ValidationError, match="请填写撤销原因"):
        fs.petition_withdraw(user=world.team_leader, petition=petition, reason="")


def test_a_petition_is_not_withdrawn_twice(world):
    petition = register(world, on_site(world))
    fs.petition_withdraw(user=world.team_leader, petition=petition, reason="重复登记")
    with pytest.raises(ValidationError, match="已.*撤销"):
        fs.petition_withdraw(user=world.team_leader, petition=petition, reason="重复登记")
