"""The relay: claims outbox jobs, runs their tasks, deletes them once done.

Claiming is `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer and ignores
it) followed by a conditional UPDATE that only takes rows still claimable, so two relays never
hold the same job. A claim is a lease of the task's hard time limit and a margin: a relay that
is killed mid-job (`kill -9`) leaves its rows, and a later drain — the worker's next wake-up or
beat's sweep — runs them again. Tasks are idempotent, so a job run twice does no harm; a job
is deleted only by the relay that still holds its claim.
"""

import logging
import time
import uuid
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from xuncha.celery import app

from .models import Job

BATCH = 500  # jobs claimed at a time
LEASE_MARGIN_SECONDS = 30

log = logging.getLogger(__name__)


def lease_seconds(task_name: str) -> float:
    if settings.OUTBOX_LEASE_SECONDS > 0:  # tests make a killed worker's jobs come back soon
        return settings.OUTBOX_LEASE_SECONDS
    task = app.tasks.get(task_name)
    limit = getattr(task, "time_limit", None) or settings.CELERY_TASK_TIME_LIMIT
    return limit + LEASE_MARGIN_SECONDS


def claim(limit: int = BATCH) -> tuple[str, list[Job]]:
    now = timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = list(
            Job.objects.claimable(now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "task")[:limit]
        )
        by_task: dict[str, list[int]] = defaultdict(list)
        for pk, task in rows:
            by_task[task].append(pk)
        for task, pks in by_task.items():
            until = now + timedelta(seconds=lease_seconds(task))
            Job.objects.claimable(now).filter(pk__in=pks).update(
                claim=token, locked_until=until, attempts=F("attempts") + 1
            )
    return token, list(Job.objects.filter(claim=token).order_by("pk"))


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
        done += run(token, jobs)
    return done
