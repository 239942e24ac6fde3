"""The full rollup rebuild (reports.rollup.rebuild) against the same counts as bare SQL.

    python -m bench.rollup_bench

The rebuild runs inside a transaction that is rolled back, so the database is left as it was
(its batches become savepoints; the writes are made and timed, then undone). The bare SQL is one
GROUP BY per table over the whole table, the rows fetched to the client — the floor any
rollup built from those tables can reach — plus the inspections with their round, term and
organization.
"""

import time

from bench.common import emit, setup

SQL = {
    "inspections": """
        SELECT i.id, i.round_id, r.term_id, t.committee_id, i.organization_id, o.path, o.level, i.mode,
               i.status, i.status = ANY(%(on_site)s), i.feedback_date, i.rectification_deadline
        FROM campaigns_inspection i JOIN campaigns_round r ON r.id = i.round_id
        JOIN campaigns_term t ON t.id = r.term_id JOIN campaigns_organization o ON o.id = i.organization_id
        WHERE i.withdrawn_at IS NULL""",
    "problems": """
        SELECT p.inspection_id,
               count(*) FILTER (WHERE p.status = ANY(%(approved)s)),
               count(*) FILTER (WHERE p.status = ANY(%(approved)s) AND coalesce(pc.code, c.code) = 'A'),
               count(*) FILTER (WHERE p.status = ANY(%(approved)s) AND coalesce(pc.code, c.code) = 'B'),
               count(*) FILTER (WHERE p.status = ANY(%(approved)s) AND coalesce(pc.code, c.code) = 'C'),
               count(*) FILTER (WHERE p.status = ANY(%(fed_back)s)),
               count(*) FILTER (WHERE p.status = ANY(%(rectified)s)),
               count(*) FILTER (WHERE p.status = %(ongoing)s)
        FROM findings_problem p JOIN findings_problemcategory c ON c.id = p.category_id
        LEFT JOIN findings_problemcategory pc ON pc.id = c.parent_id
        WHERE p.withdrawn_at IS NULL GROUP BY p.inspection_id""",
    "immediate_notices": """
        SELECT p.inspection_id, count(*) FROM findings_immediatenotice n
        JOIN findings_problem p ON p.id = n.problem_id
        WHERE n.withdrawn_at IS NULL AND p.withdrawn_at IS NULL GROUP BY p.inspection_id""",
    "petitions": """
        SELECT inspection_id, count(*) FROM findings_petition WHERE withdrawn_at IS NULL GROUP BY inspection_id""",
    "clues": """
        SELECT inspection_id,
               count(*) FILTER (WHERE status <> %(draft)s AND destination = %(discipline)s),
               count(*) FILTER (WHERE status <> %(draft)s AND destination = %(org_dept)s),
               count(*) FILTER (WHERE status = %(disposed)s),
               count(*) FILTER (WHERE status = %(disposed)s AND disposition = 'preliminary'),
               count(*) FILTER (WHERE status = %(disposed)s AND disposition = 'letter_inquiry'),
               count(*) FILTER (WHERE status = %(disposed)s AND disposition = 'case_opened'),
               count(*) FILTER (WHERE status = %(disposed)s AND disposition = 'closed'),
               count(*) FILTER (WHERE status = %(disposed)s AND disposition = 'shelved'),
               count(*) FILTER (WHERE status = %(disposed)s AND disposition = 'org_handling')
        FROM findings_clue WHERE withdrawn_at IS NULL GROUP BY inspection_id""",
    "sanctions": """
        SELECT inspection_id,
               count(DISTINCT person_name) FILTER (WHERE kind = ANY(%(discipline_kinds)s)),
               count(*) FILTER (WHERE kind = %(organizational)s),
               count(*) FILTER (WHERE kind = %(judicial)s),
               count(*) FILTER (WHERE source = 'clue'),
               count(*) FILTER (WHERE source = 'handover'),
               count(*) FILTER (WHERE source = 'rectification')
        FROM findings_sanction WHERE withdrawn_at IS NULL GROUP BY inspection_id""",
    "handover_items": """
        SELECT inspection_id, count(*), count(*) FILTER (WHERE status = %(closed)s)
        FROM rectification_handoveritem WHERE withdrawn_at IS NULL GROUP BY inspection_id""",
    "rules": """
        SELECT inspection_id, count(*) FROM rectification_ruleestablished
        WHERE withdrawn_at IS NULL GROUP BY inspection_id""",
    "measures": """
        SELECT p.inspection_id, count(*), count(*) FILTER (WHERE m.status = ANY(%(done)s)),
               count(*) FILTER (WHERE m.deadline < %(today)s AND NOT m.status = ANY(%(done)s))
        FROM rectification_measure m JOIN findings_problem p ON p.id = m.problem_id
        WHERE m.withdrawn_at IS NULL AND p.withdrawn_at IS NULL GROUP BY p.inspection_id""",
}


def params() -> dict:
    from django.utils import timezone

    from campaigns.models import WENT_ON_SITE
    from findings.models import ClueDestination, ClueStatus, ProblemStatus, SanctionKind
    from findings.selectors import APPROVED_STATUSES
    from rectification.models import MEASURE_DONE, HandoverStatus
    from reports.rollup import FED_BACK, RECTIFIED

    def values(choices):
        return [str(c) for c in choices]

    return {
        "on_site": values(WENT_ON_SITE),
        "approved": values(APPROVED_STATUSES),
        "fed_back": values(FED_BACK),
        "rectified": values(RECTIFIED),
        "ongoing": str(ProblemStatus.ONGOING),
        "draft": str(ClueStatus.DRAFT),
        "disposed": str(ClueStatus.DISPOSED),
        "discipline": str(ClueDestination.DISCIPLINE),
        "org_dept": str(ClueDestination.ORG_DEPT),
        "discipline_kinds": values([SanctionKind.PARTY_DISCIPLINE, SanctionKind.GOVERNMENT]),
        "organizational": str(SanctionKind.ORGANIZATIONAL),
        "judicial": str(SanctionKind.JUDICIAL),
        "closed": str(HandoverStatus.CLOSED),
        "done": values(MEASURE_DONE),
        "today": timezone.localdate(),
    }


def bare_sql() -> dict:
    from django.db import connection

    p = params()
    per_query = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name, sql in SQL.items():
            t = time.perf_counter()
            cursor.execute(sql, p)
            rows = cursor.fetchall()
            per_query[name] = {"s": round(time.perf_counter() - t, 3), "rows": len(rows)}
    return {"s": round(time.perf_counter() - started, 3), "queries": per_query}


class Undo(Exception):
    pass


def rebuild() -> dict:
    from django.db import transaction

    from reports import rollup

    started = time.perf_counter()
    try:
        with transaction.atomic():
            written = rollup.rebuild()
            elapsed = time.perf_counter() - started
            raise Undo
    except Undo:
        pass
    return {"s": round(elapsed, 3), "inspections": written}


def main() -> dict:
    setup()
    bare_sql()  # warm the cache: both runs below read the tables from shared buffers
    first = bare_sql()
    built = rebuild()
    second = bare_sql()
    bare = min(first["s"], second["s"])
    return {
        "rebuild_s": built["s"],
        "inspections": built["inspections"],
        "bare_sql_s": bare,
        "bare_sql_queries": first["queries"],
        "ratio": round(built["s"] / bare, 2) if bare else None,
    }


if __name__ == "__main__":
    emit(main())
