"""Writing to the transactional outbox, and waking its relay after the commit.

`enqueue` adds a row to the `outbox` app's table in the caller's transaction: the job exists
exactly when the change does. After the commit the relay is woken — in-process with no broker
(the embedded default), else by a message to the worker. Waking it is only an accelerator: if
Redis or the broker is down the write still succeeds, and the sweeper (beat, every
OUTBOX_SWEEP_SECONDS) runs the job when they are back. Nothing here may raise because of them.

The model is found in the app registry by label, and the relay's task in Celery's registry by
name: the project package imports no app.
"""

import logging
import time

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

DRAIN_TASK = "outbox.drain"

log = logging.getLogger(__name__)


def job_model():
    return apps.get_model("outbox", "Job")


def enqueue(task: str, args: list, *, coalesce: bool = False):
    """Record that `task(*args)` must run once this transaction commits; wake the relay then."""
    job = job_model().objects.create(task=task, args=args, coalesce=coalesce)
    connection = transaction.get_connection()
    # One wake-up per transaction. A wake-up registered inside a savepoint that rolls back
    # goes with it, but so does every job written inside that savepoint.
    if not any(isinstance(f, _Wake) and not f.done for _s, f, _r in connection.run_on_commit):
        transaction.on_commit(_Wake())
    return job


class _Wake:
    done = False

    def __call__(self) -> None:
        self.done = True  # a test's captured callbacks stay in the list after running
        wake()


# After the broker refused a wake-up, the next ones are not even tried for this long: with
# Redis down a save costs one refused connect at most, not a connect (and kombu's retries) each.
WAKE_PAUSE_SECONDS = 10.0
_broker_down_until = 0.0


def wake() -> None:
    """Ask for a drain soon. Called after commit: it must never fail the request, nor wait on a
    broker that is down (issue 22: a save took 6 s then, in kombu's connection retries)."""
    global _broker_down_until
    from xuncha.celery import app  # the Celery app, not an app module: no upward import

    task = app.tasks[DRAIN_TASK]
    try:
        if app.conf.task_always_eager:
            task.apply()  # in-process; each job's own error is kept on its row by the relay
            return
    except Exception:  # noqa: BLE001 - the change is committed: say so in the log, not with a 500
        log.exception("outbox: the in-process relay failed; the next commit or sweep runs the jobs")
        return
    if time.monotonic() < _broker_down_until:
        return  # the job waits in the table; the sweeper or a wake-up after the pause runs it
    try:
        with app.producer_or_acquire() as producer:
            # One attempt to connect, of at most CELERY_BROKER_CONNECTION_TIMEOUT seconds; none of
            # kombu's retries with their sleeps.
            producer.connection.ensure_connection(max_retries=0)
            # One message per commit, no "already queued" marker in Redis: the first drain to run
            # claims every job written so far, so a burst still costs one recompute per inspection.
            task.apply_async(countdown=settings.ROLLUP_REFRESH_DELAY_SECONDS, retry=False, producer=producer)
    except Exception:  # noqa: BLE001 - kombu and redis raise many kinds; the job is safe in the table
        _broker_down_until = time.monotonic() + WAKE_PAUSE_SECONDS
        log.warning(
            "outbox: the broker is unreachable; wake-ups pause %d s, the sweeper runs the jobs later",
            WAKE_PAUSE_SECONDS,
            exc_info=True,
        )


def backlog(task: str | None = None) -> dict:
    """Jobs waiting (of one task, or all) and the age of the oldest: /healthz, the dashboard."""
    jobs = job_model().objects.all()
    if task is not None:
        jobs = jobs.filter(task=task)
    oldest = jobs.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"jobs": jobs.count(), "oldest_seconds": round(age, 1)}
