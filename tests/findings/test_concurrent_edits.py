"""Two people save the same record at the same moment (DESIGN.md §5): on PostgreSQL the row
lock makes one wait for the other, the second is told the record changed under it, and
nothing the first saved is lost. Real threads, real connections, real transactions.

SQLite has no row locks (one writer for the whole file), so these run on PostgreSQL — in CI,
the second `make test` run; the stale-copy refusal itself is tested on both databases in
tests/findings/test_services_problems.py and tests/web/test_problem_pages.py."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from findings import services as fs
from findings.models import Problem
from rectification import services as rs
from rectification.models import Measure, MeasureStatus
from tests.world import D, build_world, draft_problem, fed_back, on_site

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only (CI's second run)"),
]


def race(*calls):
    """Run each call in its own thread and connection, all starting together; return each
    call's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_simultaneous_edits_of_a_working_paper_one_wins_the_other_is_told():
    w = build_world()
    problem = draft_problem(w, on_site(w))
    version = problem.version

    def edit(title):
        # Each editor opened the page at `version` and saves from its own copy.
        copy = Problem.objects.get(pk=problem.pk)
        return lambda: fs.problem_update(user=w.team_member, problem=copy, expected_version=version, title=title)

    results = race(edit("甲的标题"), edit("乙的标题"))
    winners = [r for r in results if isinstance(r, Problem)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(refused) == 1, results
    assert "已被他人修改" in refused[0].messages[0]
    problem.refresh_from_db()
    assert problem.title == winners[0].title
    assert problem.version == version + 1
    # One change in history, by the winner: the loser wrote nothing.
    assert problem.history.filter(history_type="~").count() == 1


def test_two_simultaneous_verifications_of_a_measure_are_not_both_applied():
    w = build_world()
    inspection = fed_back(w, problems=1)
    problem = inspection.problems.get()
    measure = rs.measure_add(
        user=w.liaison,
        problem=problem,
        content="建立制度",
        responsible_unit=w.township,
        responsible_person="王主任",
        deadline=D(2026, 6, 30),
    )
    upload = SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    measure = rs.measure_report(user=w.liaison, measure=measure, progress="已完成", files=[upload])
    version = measure.version

    def verify(verdict):
        copy = Measure.objects.get(pk=measure.pk)
        return lambda: rs.measure_verify(
            user=w.office, measure=copy, verdict=verdict, note="请补充材料", expected_version=version
        )

    results = race(verify(rs.Verdict.ACCEPT), verify(rs.Verdict.SEND_BACK))
    winners = [r for r in results if isinstance(r, Measure)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(refused) == 1, results
    # The loser finds the measure no longer waiting (or its copy stale): refused either way.
    assert any(text in refused[0].messages[0] for text in ("已被他人修改", "待验收")), refused[0].messages
    measure.refresh_from_db()
    assert measure.status == winners[0].status
    assert measure.status in (MeasureStatus.ACCEPTED, MeasureStatus.SENT_BACK)
