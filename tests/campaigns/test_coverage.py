import pytest

from campaigns.models import OrgLevel
from campaigns.selectors import coverage_by_level, organizations_in_scope
from tests.world import on_site

pytestmark = pytest.mark.django_db


def test_a_terms_scope_stops_at_the_next_committee(world):
    scope = set(organizations_in_scope(world.term))
    # The districts are committees: they are in the city's scope, their townships are not.
    assert scope == {world.district_a, world.district_b, world.bureau}


def test_a_district_terms_scope_covers_its_whole_subtree(world):
    from campaigns.models import Term
    from tests.world import D

    term = Term.objects.create(
        committee=world.district_a, name="东城区委十届", start_date=D(2022, 1, 1), end_date=D(2026, 12, 31)
    )
    assert set(organizations_in_scope(term)) == {world.district_a_unit, world.township, world.village, world.community}


def test_dissolved_organizations_leave_the_scope(world):
    world.bureau.is_active = False
    world.bureau.dissolved_on = world.term.start_date
    world.bureau.save()
    assert world.bureau not in organizations_in_scope(world.term)


def test_coverage_counts_organizations_inspected_on_site_by_level(world):
    on_site(world, world.district_a)
    rows = {r["level"]: (r["inspected"], r["in_scope"]) for r in coverage_by_level(world.term)}
    assert rows == {OrgLevel.DISTRICT: (1, 2), OrgLevel.MUNICIPAL_UNIT: (0, 1)}
