"""Celery tasks for the figures and reminders. Tasks take ids, are idempotent, have time limits."""

from celery import shared_task
from django.core.cache import cache

from xuncha.figures_queue import pending_key

from . import exports, reminders, rollup


@shared_task(name="reports.refresh_rollups", soft_time_limit=120, time_limit=150, acks_late=True)
def refresh_rollups(inspection_ids: list[int]) -> int:
    # Clear the markers first: an edit made while this runs queues a fresh refresh.
    cache.delete_many([pending_key(i) for i in inspection_ids])
    return rollup.refresh(inspection_ids)


@shared_task(name="reports.rebuild_rollups", soft_time_limit=3000, time_limit=3300)
def rebuild_rollups() -> int:
    return rollup.rebuild()


@shared_task(name="reports.send_reminders", soft_time_limit=600, time_limit=660)
def send_reminders() -> int:
    return reminders.send_all()


@shared_task(name="reports.run_export", soft_time_limit=3000, time_limit=3300)
def run_export(job_id: int) -> None:
    exports.run_job(job_id)
