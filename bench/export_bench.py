"""The problems ledger (reports.exports → xuncha.xlsx.LedgerWriter) against bare openpyxl and
django-import-export, writing the same values from the same rows.

    python -m bench.export_bench MODE ROWS      MODE: read | ledger | bare | import_export

One mode per process, so memory is that mode's alone. Memory is the growth of the process's
RSS high-water mark (resource.getrusage) over the export, measured from just before it starts:
it counts what openpyxl, lxml and psycopg allocate in C, which tracemalloc would miss, and
costs nothing while rows are written (tracemalloc slows Python code two- to threefold).

Rows come from the problems ledger's own queryset for the office user with the widest
jurisdiction. When the database holds fewer than ROWS problems, the same rows are read again
from the start until ROWS were written (the ledger's number column counts on), so a small
database still exercises a million-row file.
"""

import os
import sys
import tempfile
import time

from bench.common import emit, maxrss_mb, setup, widest


class Repeating:
    """Quacks like a queryset for `exports.write`: .iterator() yields `rows` rows, reading
    `queryset` again from the start as often as needed."""

    def __init__(self, queryset, rows: int):
        self.queryset, self.rows = queryset, rows

    def iterator(self, chunk_size: int = 2000):
        left = self.rows
        while left > 0:
            before = left
            for obj in self.queryset[:left].iterator(chunk_size=chunk_size):
                yield obj
                left -= 1
            if left == before:
                return  # an empty table

    def __iter__(self):
        return self.iterator()


def source(rows: int):
    from reports.ledgers import LEDGERS

    user = widest("office_admin")
    ledger = LEDGERS["problems"]
    qs = ledger.queryset(user)
    available = qs.order_by().count()  # once, before timing: decides whether rows repeat
    return user, ledger, (qs[:rows] if available >= rows else Repeating(qs, rows)), available


def run_read(ledger, rows_source, target) -> int:
    n = 0
    for obj in rows_source.iterator(chunk_size=2000):
        [c.value(obj) for c in ledger.columns]
        n += 1
    return n


def run_ledger(ledger, rows_source, target, user) -> int:
    from reports import exports

    return exports.write(ledger, rows_source, target, user=user, params={})


def run_bare(ledger, rows_source, target) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ledger.title)
    ws.append([c.header for c in ledger.columns])
    n = 0
    for obj in rows_source.iterator(chunk_size=2000):
        ws.append([c.value(obj) for c in ledger.columns])
        n += 1
    wb.save(target)
    return n


def run_import_export(ledger, rows_source, target) -> int:
    from import_export import resources
    from import_export.fields import Field
    from import_export.formats.base_formats import XLSX

    from findings.models import Problem

    fields = {
        f"c{i}": Field(column_name=c.header, dehydrate_method=lambda obj, c=c: c.value(obj))
        for i, c in enumerate(ledger.columns)
    }
    meta = type("Meta", (), {"model": Problem, "fields": tuple(fields), "chunk_size": 2000})
    resource_class = type("ProblemLedgerResource", (resources.ModelResource,), {**fields, "Meta": meta})
    qs = rows_source if not isinstance(rows_source, Repeating) else list(rows_source)
    dataset = resource_class().export(queryset=qs)
    with open(target, "wb") as fh:
        fh.write(XLSX().export_data(dataset))
    return len(dataset)


def main(mode: str, rows: int) -> dict:
    setup()
    user, ledger, rows_source, available = source(rows)
    fd, target = tempfile.mkstemp(suffix=".xlsx", prefix="xuncha-bench-")
    os.close(fd)
    baseline = maxrss_mb()
    started = time.perf_counter()
    if mode == "ledger":
        written = run_ledger(ledger, rows_source, target, user)
    else:
        written = {"read": run_read, "bare": run_bare, "import_export": run_import_export}[mode](
            ledger, rows_source, target
        )
    elapsed = time.perf_counter() - started
    size = os.path.getsize(target)
    os.unlink(target)
    return {
        "mode": mode,
        "rows": written,
        "distinct_rows_in_db": available,
        "s": round(elapsed, 2),
        "rows_per_s": round(written / elapsed),
        "memory_growth_mb": round(maxrss_mb() - baseline, 1),
        "file_mb": round(size / 2**20, 1),
    }


if __name__ == "__main__":
    emit(main(sys.argv[1], int(sys.argv[2])))
