"""The relay: claims outbox jobs, runs their tasks, deletes them once done.

Claiming is `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer and ignores
it) followed by a conditional UPDATE that only takes rows still claimable, so two relays never
hold the same job. A claim is a short lease (OUTBOX_LEASE_SECONDS, 60 s) that the relay renews
while it works through its jobs, however long an export takes: a relay that is killed mid-job
(`kill -9`) stops renewing, and a later drain — the worker's next wake-up or beat's sweep —
runs its jobs again within a lease and a sweep (90 s by default; it was the task's time limit,
56 minutes for an export). A relay never keeps a claim longer than its drain task may run.
Tasks are idempotent, so a job run twice does no harm; a job is deleted only by the relay that
still holds its claim.
"""

import logging
import threading
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from xuncha.celery import app
from xuncha.outbox import DRAIN_TASK

from .models import Job

BATCH = 500  # jobs claimed at a time
LEASE_MARGIN_SECONDS = 30

log = logging.getLogger(__name__)


def lease_seconds() -> float:
    return settings.OUTBOX_LEASE_SECONDS


def longest_hold_seconds() -> float:
    """A claim is renewed at most this long: the drain task's hard time limit (the worker kills
    a drain that runs longer) and a margin. Without a worker's limits — a relay in a thread that
    hangs — its jobs are still run again one day."""
    limit = getattr(app.tasks.get(DRAIN_TASK), "time_limit", None) or settings.CELERY_TASK_TIME_LIMIT
    return limit + LEASE_MARGIN_SECONDS


def claim(limit: int = BATCH) -> tuple[str, list[Job]]:
    now = timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        pks = list(
            Job.objects.claimable(now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        Job.objects.claimable(now).filter(pk__in=pks).update(
            claim=token, locked_until=now + timedelta(seconds=lease_seconds()), attempts=F("attempts") + 1
        )
    return token, list(Job.objects.filter(claim=token).order_by("pk"))


@contextmanager
def held(token: str):
    """Renew the lease of the jobs claimed under `token` every third of a lease while the block
    runs, from a thread of its own (with its own database connection): the jobs are run in this
    one, and an export can take many minutes. A job whose run failed has left the claim (its
    retry time is kept); a killed process renews nothing."""
    stop = threading.Event()
    until_monotonic = time.monotonic() + longest_hold_seconds()

    def renew() -> None:
        try:
            while not stop.wait(lease_seconds() / 3) and time.monotonic() < until_monotonic:
                Job.objects.filter(claim=token).update(locked_until=timezone.now() + timedelta(seconds=lease_seconds()))
        except Exception:  # noqa: BLE001 - the jobs still run; at worst another relay repeats one
            log.exception("outbox: renewing the lease of claim %s failed", token)
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=renew, name=f"outbox-lease-{token[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def run(token: str, jobs: list[Job]) -> int:
    """Coalescing jobs first, one call per task with the union of their ids; then the rest."""
    merged: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        if job.coalesce:
            merged[job.task].append(job)
    done = 0
    for task, group in merged.items():
        ids = sorted({i for job in group for i in job.args[0]})
        done += _run_one(token, group, task, [ids])
    for job in jobs:
        if not job.coalesce:
            done += _run_one(token, [job], job.task, job.args)
    return done


def _run_one(token: str, jobs: list[Job], task_name: str, args: list) -> int:
    pks = [job.pk for job in jobs]
    try:
        app.tasks[task_name](*args)
    except Exception as exc:  # noqa: BLE001 - any failure: keep the job, try again later
        log.exception("outbox: %s%s failed", task_name, args)
        attempts = max(job.attempts for job in jobs)
        retry = timezone.now() + timedelta(seconds=min(60 * 2 ** (attempts - 1), 3600))
        Job.objects.filter(pk__in=pks, claim=token).update(
            claim="", locked_until=retry, last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        return 0
    Job.objects.filter(pk__in=pks, claim=token).delete()
    return len(jobs)


def drain(*, limit: int = BATCH, seconds: float | None = None) -> int:
    """Run claimable jobs until none is left (or `seconds` have passed); how many ran."""
    deadline = time.monotonic() + seconds if seconds else None
    done = 0
    while deadline is None or time.monotonic() < deadline:
        token, jobs = claim(limit)
        if not jobs:
            break
        with held(token):
            done += run(token, jobs)
    return done
