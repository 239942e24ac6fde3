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
