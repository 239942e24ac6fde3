"""A real Celery worker (a thread of this process, celery.contrib.testing) keeps the figures
current: an edit through a service is committed, its refresh goes through the broker, and
the rollup — then the figures — change.

The worker has its own database connection, so it only sees committed data: these tests are
transactional (and run after the others). The test world puts back the problem taxonomy
the migrations seeded; tests/reports/conftest.py puts it back after the flush.

Brokers: the in-memory transport always; Redis when CELERY_BROKER_URL is a redis:// URL (CI's
second run sets redis://127.0.0.1:6379/15).
"""

import os

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.cache import cache
from django.db import connections

from reports.figures import Scope, figures
from reports.models import InspectionRollup
from tests.reports import brokers
from tests.reports import scene as sc
from tests.reports.brokers import broker
from tests.world import approve, draft_problem, on_site
from xuncha.celery import app

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 10


def _close_worker_connections(**kwargs):
    # The worker thread opens its own database connections; close them after each task so
    # that the end-of-test flush (and dropping the test database) finds none left open.
    connections.close_all()


@pytest.fixture(
    params=[
        pytest.param("memory://", id="memory"),
        pytest.param("redis", id="redis"),
    ]
)
def worker(request, tasks_to_broker):
    url = request.param
    if url == "redis":
        url = os.environ.get("CELERY_BROKER_URL", "")
        if not url.startswith("redis://"):
            pytest.skip("the Redis broker runs when CELERY_BROKER_URL=redis://… is set (CI's second run)")
    # Refresh markers of earlier transactional tests (whose inspection ids a flushed SQLite
    # hands out again) would make this test's edits look already queued.
    cache.clear()
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with broker(url):
            app.control.purge()  # messages left in the broker by runs without a worker
            with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
                yield app
    finally:
        task_postrun.disconnect(_close_worker_connections)


def wait_for(condition, what: str):
    brokers.wait_for(condition, f"the worker had not {what}", WAIT_SECONDS)


def found(inspection) -> int | None:
    return InspectionRollup.objects.filter(inspection=inspection).values_list("problems_found", flat=True).first()


def test_the_worker_updates_the_figures_after_an_edit(world, worker):
    inspection = on_site(world)  # committed: its refresh goes to the broker
    assert not app.conf.task_always_eager
    wait_for(lambda: found(inspection) == 0, "computed the new inspection's rollup")

    approve(world, draft_problem(world, inspection))
    wait_for(lambda: found(inspection) == 1, "counted the approved problem")
    got = figures(world.office, Scope(term=world.term))
    assert (got["inspections"], got["problems_found"], got["organizations_inspected"]) == (1, 1, 1)
    assert got["computed_at"] is not None

    sc.petition(world, inspection)
    wait_for(
        lambda: InspectionRollup.objects.filter(inspection=inspection, petitions=1).exists(),
        "counted the petition",
    )
