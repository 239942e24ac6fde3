"""Refusals added after the first review of the services: scope of a round, dates in the
future, dependents that block a withdrawal or a dissolution."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns import services as cs
from findings import services as fs
from findings.models import ClueDestination, Disposition
from rectification import services as rs
from tests.world import D, category, create_inspection, on_site

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def test_a_committee_does_not_inspect_itself(world):
    with pytest.raises(ValidationError, match="不在清河市委的巡察范围内"):
        create_inspection(world, world.city)


def test_a_district_office_cannot_schedule_into_the_citys_round(world):
    with pytest.raises(PermissionDenied, match="清河市委"):
        cs.inspection_create(
            user=world.office_a, round=world.round, team=world.team, organization=world.township, mode="regular"
        )


def test_entering_the_site_tomorrow_is_refused(world):
    inspection = create_inspection(world)
    with pytest.raises(ValidationError, match="进驻日期不能晚于今天"):
        cs.inspection_enter(user=world.team_leader, inspection=inspection, on=TOMORROW)


def test_an_organization_under_inspection_cannot_be_dissolved(world):
    on_site(world, world.village)
    with pytest.raises(ValidationError, match="仍有未结束的巡察"):
        cs.organization_dissolve(user=world.office, organization=world.village, dissolved_on=D(2026, 6, 1))


def test_a_live_handover_item_blocks_withdrawing_the_inspection(world):
    inspection = on_site(world)
    rs.handover_item_create(
        user=world.team_leader,
        inspection=inspection,
        title="道路修缮",
        department="交通局",
        handed_over_on=D(2026, 3, 20),
    )
    with pytest.raises(ValidationError, match="转交办事项"):
        cs.inspection_withdraw(user=world.office, inspection=inspection, reason="误录")


def test_a_clue_cannot_be_disposed_in_the_future_or_without_a_disposition(world):
    inspection = on_site(world)
    clue = fs.clue_register(
        user=world.team_member,
        inspection=inspection,
        subject_name="张某",
        summary="违规发放补贴",
        destination=ClueDestination.DISCIPLINE,
    )
    clue = fs.clue_transfer(user=world.team_leader, clue=clue, transferred_on=D(2026, 3, 20))
    with pytest.raises(ValidationError, match="办结日期不能晚于今天"):
        fs.clue_dispose(user=world.discipline, clue=clue, disposition=Disposition.CLOSED, disposed_on=TOMORROW)
    with pytest.raises(ValidationError, match="请选择处置方式"):
        fs.clue_dispose(user=world.discipline, clue=clue, disposition="", disposed_on=D(2026, 4, 1))


def test_a_common_problem_needs_an_active_category(world):
    retired = category("A02")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError, match="已停用"):
        fs.common_problem_create(user=world.office, title="饮水安全", category=retired)
