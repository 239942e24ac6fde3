"""The outbox's drain rate: how many inspections' figures the relay refreshes per second.

    python -m bench.outbox_drain [JOBS] [HOT]

JOBS outbox jobs (default 2,000) are written as JOBS edits in as many transactions would write
them, each owing the refresh of one inspection: first one job per distinct inspection (a day's
edits spread over a province), then the same number of jobs over only HOT inspections (default
20: a busy afternoon on a few, which the relay coalesces). Each set is drained by
`outbox.relay.drain` exactly as the worker runs it. Everything happens inside a transaction that
is rolled back (the relay's own transactions become savepoints): the database is left as it was.
Runs against any database that holds inspections (`seed_demo --scale province --fraction …`);
the report says how many it holds.
"""

import sys
import time

from bench.common import emit, setup


class Undo(Exception):
    pass


def measure(jobs: int, hot: int) -> dict:
    from django.db import transaction

    from campaigns.models import Inspection
    from outbox import relay
    from outbox.models import Job
    from xuncha.figures_queue import TASK

    ids = list(Inspection.objects.live().order_by("?").values_list("pk", flat=True)[:jobs])
    out: dict = {"inspections_in_db": Inspection.objects.count(), "waiting_before": Job.objects.count()}
    try:
        with transaction.atomic():
            for name, owed in (("spread", ids), ("hot", [ids[i % hot] for i in range(len(ids))])):
                Job.objects.bulk_create(Job(task=TASK, args=[[pk]], coalesce=True) for pk in owed)
                started = time.perf_counter()
                done = relay.drain()
                seconds = time.perf_counter() - started
                distinct = len(set(owed))
                out[name] = {
                    "jobs": done,
                    "inspections": distinct,
                    "s": round(seconds, 3),
                    "jobs_per_s": round(done / seconds, 1),
                    "refreshes_per_s": round(distinct / seconds, 1),
                }
            raise Undo
    except Undo:
        pass
    return out


def main() -> None:
    setup()
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    hot = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    emit(measure(jobs, hot))


if __name__ == "__main__":
    main()
