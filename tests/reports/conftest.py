"""For every test under tests/reports: tasks run in-process (as with no broker) unless a test
asks for the broker path or starts a worker, and each test has its own "refresh already
queued" markers.

The markers live in the shared cache (Redis when CELERY_BROKER_URL is a Redis URL). A marker
left by an earlier test for an inspection id that a later test reuses would silently swallow
that test's refresh, so every test gets its own key prefix.
"""

import uuid

import pytest
from pytest_django.plugin import blocking_manager_key

from tests.world import ensure_taxonomy


@pytest.fixture(autouse=True)
def own_cache_keys(settings):
    default = dict(settings.CACHES["default"])
    default["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "default": default}


@pytest.fixture(autouse=True)
def reports_tasks_in_process(tasks_in_process):
    """Every test here runs its tasks in-process (tests/conftest.py) unless it asks for the
    broker path with `tasks_to_broker` or starts a worker."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, the migrations' rows (the problem
    taxonomy) included, and a later test would find none: put the taxonomy back (the flush's
    post_migrate has already put back content types and permissions). Not after the last test:
    its teardown has dropped the test database."""
    try:
        return (yield)
    finally:
        marker = item.get_closest_marker("django_db")
        if nextitem is not None and marker is not None and marker.kwargs.get("transaction"):
            with item.config.stash[blocking_manager_key].unblock():
                ensure_taxonomy()
