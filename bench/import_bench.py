"""Importing a 10,000-row problems file (reports.imports) into one inspection.

    python -m bench.import_bench [rows] [validate|commit]

The file is made with the import's own template writer, every row valid. The timed run parses,
plans and writes every row through the service layer (problems_draft_many) inside a
transaction that is rolled back afterwards, so the database is left as it was (the after-commit
rollup refresh therefore does not run). Memory is the growth of the RSS high-water mark from
just before the import starts.
"""

import sys
import time
from io import BytesIO

from bench.common import emit, maxrss_mb, setup


class Undo(Exception):
    pass


def importer_and_inspection():
    """An inspection on site or just left, and someone allowed to draft problems in it."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from campaigns.models import Inspection, InspectionStatus
    from findings.services import problem_draft_check

    candidates = (
        Inspection.objects.live()
        .filter(status__in=[InspectionStatus.ON_SITE, InspectionStatus.LEFT])
        .select_related("organization", "team")
        .order_by("-pk")[:50]
    )
    for inspection in candidates:
        for member in inspection.team.members.select_related("person__user"):
            user = getattr(member.person, "user", None)
            if user is None or not user.is_active:
                continue
            try:
                problem_draft_check(user=user, inspection=inspection)
            except (PermissionDenied, ValidationError):
                continue
            return user, inspection
    raise SystemExit("no inspection on site with a member who may draft problems")


def workbook(rows: int, inspection) -> bytes:
    from findings.models import DiscoveryMethod, ProblemCategory
    from reports.imports.kinds import KINDS
    from reports.imports.template import write_template

    codes = list(
        ProblemCategory.objects.filter(parent__isnull=False, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    methods = [str(label) for _value, label in DiscoveryMethod.choices]
    found = inspection.onsite_start
    data = [
        [
            f"B-{i}",
            f"基准测试问题{i}：村务公开不及时，财务公开流于形式",
            f"第{i}条具体表现：2025年以来村务公开栏更新不及时，\n财务收支明细未按季度公开，群众反映强烈。",
            codes[i % len(codes)],
            methods[i % len(methods)],
            inspection.organization.code if i % 10 == 0 else None,
            found if i % 3 == 0 else None,
        ]
        for i in range(1, rows + 1)
    ]
    buf = BytesIO()
    write_template(KINDS["problems"], buf, data)
    return buf.getvalue()


def main(rows: int, mode: str) -> dict:
    setup()
    from django.db import transaction

    from reports.imports.engine import run_import
    from reports.imports.kinds import KINDS

    user, inspection = importer_and_inspection()
    content = workbook(rows, inspection)
    baseline = maxrss_mb()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            outcome = run_import(
                KINDS["problems"], BytesIO(content), user=user, inspection=inspection, commit=mode == "commit"
            )
            elapsed = time.perf_counter() - started
            raise Undo
    except Undo:
        pass
    return {
        "mode": mode,
        "rows": rows,
        "file_kb": len(content) // 1024,
        "s": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed),
        "memory_growth_mb": round(maxrss_mb() - baseline, 1),
        "saved": outcome.saved,
        "errors": [f"{e.row}/{e.column}: {e.message}" for e in outcome.errors[:5]],
        "counts": outcome.counts,
    }


if __name__ == "__main__":
    emit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, sys.argv[2] if len(sys.argv) > 2 else "commit"))
