"""The problem and measure lists (xuncha.listing): page 1 and a deep page, filtered and not.

    python -m bench.lists [repeats]

Through the Django test client, signed in as the office user with the widest jurisdiction (the
biggest lists). For each case: the queries one request makes (every SQL statement captured),
p50/p95 over `repeats` requests, and any COUNT over a whole large table.
"""

import re
import sys
import time

from bench.common import emit, forget_session, percentile, setup, signed_in_client, widest

BIG_TABLES = ("findings_problem", "rectification_measure")
BUDGET_SECONDS = 30  # per case, after at least five requests
COUNT = re.compile(r"\bCOUNT\s*\(", re.IGNORECASE)


def cases(deep_problems: int, deep_measures: int) -> list[tuple[str, str]]:
    return [
        ("problems, page 1", "/problems/"),
        ("problems, deep page", f"/problems/?page={deep_problems}"),
        ("problems, filtered, page 1", "/problems/?stage=fed_back&level=village"),
        ("problems, filtered, deep page", f"/problems/?stage=fed_back&level=village&page={deep_problems // 2}"),
        ("problems, keyword, page 1", "/problems/?q=%E5%85%AC%E5%BC%80"),
        ("measures, page 1", "/measures/"),
        ("measures, deep page", f"/measures/?page={deep_measures}"),
        ("measures, filtered, page 1", "/measures/?overdue=true&level=village"),
        ("measures, filtered, deep page", f"/measures/?overdue=true&level=village&page={deep_measures // 2}"),
    ]


def whole_table_counts(statements: list[str]) -> list[str]:
    """COUNT statements that read one of the big tables (a list must never count one)."""
    return [s[:300] for s in statements if COUNT.search(s) and any(t in s for t in BIG_TABLES)]


def measure(client, path: str, repeats: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    queries = list(captured.captured_queries)
    statements = [q["sql"] for q in queries]
    times = []
    budget = time.perf_counter() + BUDGET_SECONDS
    for _ in range(repeats):
        if len(times) >= 5 and time.perf_counter() > budget:
            break  # a slow deep page: fewer repeats (counted in "requests")
        reset_queries()
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    return {
        "path": path,
        "status": response.status_code,
        "queries": len(statements),
        "requests": len(times),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "whole_table_counts": whole_table_counts(statements),
        "slowest_sql_ms": round(float(slowest["time"]) * 1000, 1) if slowest else None,
        "slowest_sql": slowest["sql"][:1500] if slowest else None,
    }


def main(repeats: int) -> dict:
    setup()
    from xuncha.listing import last_page

    user = widest("office_admin")
    client = signed_in_client(user)
    # Deep: the deepest page a list shows (LIST_MAX_ROWS rows at 20 a page, xuncha.listing.last_page);
    # a deeper ?page= shows that one. Filtered cases go to the middle of that range.
    deep = last_page(20)
    deep_p = deep_m = deep
    result = {"user": user.username, "repeats": repeats, "cases": {}}
    try:
        for name, path in cases(deep_p, deep_m):
            result["cases"][name] = measure(client, path, repeats)
    finally:
        forget_session(client.cookies["sessionid"].value)
    return result


if __name__ == "__main__":
    emit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
