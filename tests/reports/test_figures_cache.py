"""The figures cache (reports.figures_cache): an answer is kept per grants and scope until the
rollup changes, and the embedded default (no Redis) does not cache at all."""

import pytest
from django.core.cache import cache

from reports import figures_cache, rollup
from reports.figures import Scope, figures
from tests.world import approve, draft_problem, on_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def caching(settings):
    settings.FIGURES_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_it_keeps_an_answer_until_the_rollup_changes(world, caching):
    calls, compute = counting()
    assert figures_cache.cached(world.leader, "n", Scope(), compute) == 1
    assert figures_cache.cached(world.leader, "n", Scope(), compute) == 1
    figures_cache.figures_changed()
    assert figures_cache.cached(world.leader, "n", Scope(), compute) == 2


def test_it_keys_by_grants_and_scope(world, caching):
    calls, compute = counting()
    figures_cache.cached(world.leader, "n", Scope(), compute)
    figures_cache.cached(world.leader_b, "n", Scope(), compute)  # another subtree
    figures_cache.cached(world.leader, "n", Scope(level="village"), compute)
    figures_cache.cached(world.office, "n", Scope(), compute)  # same subtree, another role
    assert len(calls) == 4


def test_a_rollup_refresh_shows_at_once(world, caching, django_capture_on_commit_callbacks):
    inspection = on_site(world)
    rollup.refresh([inspection.pk])
    assert figures_cache.cached_figures(world.leader, Scope())["problems_found"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, draft_problem(world, inspection))
        rollup.refresh([inspection.pk])
    assert figures_cache.cached_figures(world.leader, Scope())["problems_found"] == 1
    assert figures_cache.cached_figures(world.leader, Scope()) == figures(world.leader, Scope())


def test_it_is_off_in_the_embedded_default(world, settings):
    settings.FIGURES_CACHE_SECONDS = 0
    calls, compute = counting()
    figures_cache.cached(world.leader, "n", Scope(), compute)
    figures_cache.cached(world.leader, "n", Scope(), compute)
    assert len(calls) == 2


def test_the_dashboard_body_is_cached_per_grants_scope_and_language_until_the_rollup_changes(
    client, world, caching, settings, django_capture_on_commit_callbacks
):
    """The dashboard's body (everything below the navigation) is cached whole; a second leader
    of the same subtree gets it from the cache, another subtree or language never does, and an
    edit that reaches the rollup shows on the next load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role
    from tests.world import make_user

    inspection = on_site(world)
    rollup.refresh([inspection.pk])
    url = f"/dashboard/?term={world.term.pk}"

    def body(user, language="zh-hans"):
        client.force_login(user)
        client.cookies["django_language"] = language
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        return page[page.index("<main") :]

    settings.FIGURES_CACHE_SECONDS = 0
    fresh_b = body(world.leader_b)  # what another subtree's leader sees, rendered without the cache
    settings.FIGURES_CACHE_SECONDS = 60

    first = body(world.leader)
    twin = make_user("leader_twin", Role.LEADER, world.leader.active_assignments()[0].organization)
    client.force_login(twin)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert not any("reports_inspectionrollup" in q["sql"] for q in ctx.captured_queries)  # from the cache
    assert body(twin) == first
    assert body(world.leader_b) == fresh_b != first  # another subtree: its own body
    assert body(world.leader, "en") != first  # another language

    with django_capture_on_commit_callbacks(execute=True):
        approve(world, draft_problem(world, inspection))
        rollup.refresh([inspection.pk])
    assert body(world.leader) != first
