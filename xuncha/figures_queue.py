"""Telling the figures that an inspection changed, without any app importing `reports`.

`record_save` calls `inspection_changed` for every domain record it writes. After the
transaction commits, a refresh of that inspection's rollup is queued once: a burst of edits
to one inspection (a bulk action, a busy afternoon) costs one recompute, because the pending
marker in the shared cache is only set again after the task has started. The task is found
by name in Celery's registry; with no broker it runs in-process at once.
"""

from django.core.cache import cache
from django.db import transaction

TASK = "reports.refresh_rollups"
PENDING_SECONDS = 60  # a lost task blocks refreshes of that inspection at most this long
DELAY_SECONDS = 2  # gathers a burst of edits into one refresh


def pending_key(inspection_id: int) -> str:
    return f"xuncha:rollup-pending:{inspection_id}"


def inspection_changed(inspection_id: int | None) -> None:
    if inspection_id is None:
        return
    transaction.on_commit(lambda: _enqueue(inspection_id))


def _enqueue(inspection_id: int) -> None:
    if not cache.add(pending_key(inspection_id), 1, PENDING_SECONDS):
        return  # a refresh is already queued and has not started yet
    from xuncha.celery import app  # the Celery app, not an app module: no upward import

    task = app.tasks[TASK]
    if app.conf.task_always_eager:
        task.apply(args=[[inspection_id]])
    else:
        task.apply_async(args=[[inspection_id]], countdown=DELAY_SECONDS)
