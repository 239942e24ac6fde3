"""Uncached figures of the widest scope (the province office's whole jurisdiction), side by side
with the cached answer and with a bare SUM over the rollup table, in one run (issue 11).

    python -m bench.figures_cold [runs]

Uncached: `reports.figures.figures()` itself, as figures.json computes it on a cache miss.
Cached: `cached_figures()` after one warm-up (the Redis round trip and unpickling).
Bare SUM: one `SELECT SUM(col) …` of every counted column over the whole rollup table, the
floor that any per-request aggregate over the rollup pays."""

import sys
import time

from bench.common import emit, percentile, setup, widest


def timed(fn, runs: int) -> dict:
    values = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        values.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1), "runs": runs}


def main() -> None:
    setup()
    from django.db.models import Sum

    from reports.figures import Scope, figures
    from reports.figures_cache import cached_figures
    from reports.models import COUNT_FIELDS, InspectionRollup

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    user = widest("office_admin")
    scope = Scope()
    figures(user, scope)  # connection and query-plan warm-up
    result = {
        "inspections": InspectionRollup.objects.count(),
        "uncached": timed(lambda: figures(user, scope), runs),
        "bare_sum": timed(lambda: InspectionRollup.objects.aggregate(**{c: Sum(c) for c in COUNT_FIELDS}), runs),
    }
    cached_figures(user, scope)
    result["cached"] = timed(lambda: cached_figures(user, scope), runs)
    emit(result)


if __name__ == "__main__":
    main()
