"""Celery tasks for the figures and reminders. Tasks take ids, are idempotent, have time limits.

The refresh and the exports are outbox jobs (xuncha.outbox): the relay runs them by name."""

from celery import shared_task

from . import exports, reminders, rollup


@shared_task(name="reports.refresh_rollups", soft_time_limit=120, time_limit=150, acks_late=True)
def refresh_rollups(inspection_ids: list[int]) -> int:
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
