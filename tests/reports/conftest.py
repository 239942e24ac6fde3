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
from xuncha.celery import app


@pytest.fixture(autouse=True)
def own_cache_keys(settings):
    default = dict(settings.CACHES["default"])
    default["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "default": default}


@pytest.fixture(autouse=True)
def tasks_in_process():
    """What the embedded default does (no broker): a queued task runs at once, in-process.
    With CELERY_BROKER_URL set (CI's second run) tasks would otherwise go to a broker that no
    worker reads; tests that want the broker path say so with `tasks_to_broker`."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def tasks_to_broker(tasks_in_process):
    app.conf.task_always_eager = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, the migrations' rows (the problem
    taxonomy) included, and a later run with --reuse-db would find none: put the taxonomy back
    (the flush's post_migrate has already put back content types and permissions)."""
    try:
        return (yield)
    finally:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            with item.config.stash[blocking_manager_key].unblock():
                ensure_taxonomy()
