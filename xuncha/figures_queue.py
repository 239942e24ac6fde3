"""Telling the figures that an inspection changed, without any app importing `reports`.

`record_save` calls `inspection_changed` for every domain record it writes. The inspections a
transaction touched are gathered into one set, and after it commits a refresh of them is
queued once: a burst of edits to one inspection (a bulk action, a busy afternoon) costs one
recompute, because the pending marker in the shared cache is only set again after the task
has started. The task is found by name in Celery's registry; with no broker it runs in-process
at once.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

TASK = "reports.refresh_rollups"
PENDING_SECONDS = 60  # a lost task blocks refreshes of that inspection at most this long


def pending_key(inspection_id: int) -> str:
    return f"xuncha:rollup-pending:{inspection_id}"


class _Changed(set):
    """The inspections one transaction changed: one on-commit callback for all of them.

    Without it each edit registered its own callback; with no broker the first one ran the
    task, which clears the markers, so the next callback of the same commit ran it again —
    one recompute per edit instead of one per burst."""

    done = False

    def __call__(self) -> None:
        self.done = True  # a test's captured callbacks stay in the list after running
        _enqueue(sorted(self))


def inspection_changed(inspection_id: int | None) -> None:
    if inspection_id is None:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Joining a set registered earlier in this transaction is safe: Django drops a
        # callback only when a savepoint that was open when it was registered rolls back, and
        # an edit made inside that savepoint rolls back with it. At worst an inspection whose
        # edit was rolled back is recomputed for nothing.
        pending = next((f for _s, f, _r in reversed(connection.run_on_commit) if isinstance(f, _Changed)), None)
        if pending is not None and not pending.done:
            pending.add(inspection_id)
            return
    transaction.on_commit(_Changed([inspection_id]))


def _enqueue(inspection_ids: list[int]) -> None:
    # A refresh already queued and not yet started will see these edits too.
    ids = [i for i in inspection_ids if cache.add(pending_key(i), 1, PENDING_SECONDS)]
    if not ids:
        return
    from xuncha.celery import app  # the Celery app, not an app module: no upward import

    task = app.tasks[TASK]
    if app.conf.task_always_eager:
        task.apply(args=[ids])
    else:
        task.apply_async(args=[ids], countdown=settings.ROLLUP_REFRESH_DELAY_SECONDS)
