"""Telling the figures that an inspection changed, without any app importing `reports`.

`record_save` calls `inspection_changed` for every domain record it writes. The inspections a
transaction touched are gathered into one outbox job (xuncha.outbox), written in that same
transaction: the refresh is owed exactly when the change is saved, whatever Redis or the
worker are doing. The relay runs the task found by name, merging the jobs of many
transactions into one recompute per inspection.
"""

from django.db import transaction

from .outbox import enqueue

TASK = "reports.refresh_rollups"


class _Changed(set):
    """The inspections one transaction changed, and the outbox job that holds them.

    The job is written at the first edit and rewritten when a new inspection joins, so a
    bulk action over one inspection writes one row, not one per record. The instance is
    registered as an on-commit callback only to be found again within the transaction."""

    done = False

    def __init__(self, ids, job):
        super().__init__(ids)
        self.job = job

    def __call__(self) -> None:
        self.done = True  # a test's captured callbacks stay in the list after running

    def add_id(self, inspection_id: int) -> None:
        if inspection_id in self:
            return
        self.add(inspection_id)
        if not type(self.job).objects.filter(pk=self.job.pk).update(args=[sorted(self)]):
            self.job = enqueue(TASK, [sorted(self)], coalesce=True)  # deleted by hand meanwhile


def inspection_changed(inspection_id: int | None) -> None:
    if inspection_id is None:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Joining a job written earlier in this transaction is safe: Django drops a callback
        # only when a savepoint that was open when it was registered rolls back, and the job
        # written inside that savepoint rolls back with it. At worst an inspection whose edit
        # was rolled back is recomputed for nothing.
        pending = next((f for _s, f, _r in reversed(connection.run_on_commit) if isinstance(f, _Changed)), None)
        if pending is not None and not pending.done:
            pending.add_id(inspection_id)
            return
    job = enqueue(TASK, [[inspection_id]], coalesce=True)
    if connection.in_atomic_block:
        transaction.on_commit(_Changed([inspection_id], job))
