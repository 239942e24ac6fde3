"""Edit → dashboard: how long after an edit commits until figures.json shows it.

    python -m bench.edit_latency

A real Celery worker runs against Redis (db 12). One approved problem is moved from a category
under 党的领导弱化 to one under 党的建设缺失 through the service layer (problems_set_category),
as an office user would; figures.json (the leader's, whole jurisdiction) is polled every 20 ms
until its by-category counts show the move. The edit is then undone the same way, polled
again, and the problem's version, timestamp and history rows are put back as they were.
"""

import os
import signal
import subprocess
import time

from bench.common import ROOT, emit, forget_session, setup, signed_in_client, widest

POLL_SECONDS = 0.02
TIMEOUT = 60


def start_worker() -> subprocess.Popen:
    log = open("/tmp/xuncha-bench-celery.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "xuncha", "worker", "--concurrency", "1", "-l", "warning"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    from xuncha.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            return proc
    stop(proc)
    raise SystemExit("the Celery worker did not answer a ping within 60 s; see /tmp/xuncha-bench-celery.log")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def by_category(client) -> dict:
    response = client.get("/reports/figures.json")
    assert response.status_code == 200, response.status_code
    return response.json()["problems_by_category"]


def wait_for(client, expected: dict, started: float) -> float | None:
    while time.perf_counter() - started < TIMEOUT:
        if by_category(client) == expected:
            return round(time.perf_counter() - started, 3)
        time.sleep(POLL_SECONDS)
    return None


def pick(office):
    """An approved problem under 党的领导弱化 that the office user manages, and a category to move it to."""
    from findings.models import ProblemCategory, ProblemStatus
    from findings.selectors import problems_visible_to

    problem = (
        problems_visible_to(office)
        .live()
        .filter(status=ProblemStatus.APPROVED, category__parent__code="A")
        .select_related("inspection__organization", "category")
        .order_by("-pk")
        .first()
    )
    target = ProblemCategory.objects.filter(parent__code="B", is_active=True).order_by("code").first()
    if problem is None or target is None:
        raise SystemExit("no approved problem under category A, or no active category under B")
    return problem, target


def main() -> dict:
    setup()
    from findings.models import Problem
    from findings.services import problems_set_category

    office, leader = widest("office_admin"), widest("leader")
    client = signed_in_client(leader)
    problem, target = pick(office)
    original = problem.category
    kept = Problem.objects.filter(pk=problem.pk).values("version", "updated_at").get()
    worker = start_worker()
    result = {"problem": problem.pk}
    marked = time.time()
    try:
        before = by_category(client)
        moved = dict(before, 党的领导弱化=before["党的领导弱化"] - 1, 党的建设缺失=before["党的建设缺失"] + 1)
        started = time.perf_counter()
        problems_set_category(user=office, problems=[problem], category=target)
        committed = time.perf_counter()
        result["edit_s"] = round(committed - started, 3)
        result["latency_s"] = wait_for(client, moved, committed)
        problem.refresh_from_db()
        started = time.perf_counter()
        problems_set_category(user=office, problems=[problem], category=original)
        result["undo_latency_s"] = wait_for(client, before, time.perf_counter())
    finally:
        stop(worker)
        forget_session(client.cookies["sessionid"].value)
        # Put the row back exactly: the service bumped its version and wrote two history rows.
        Problem.objects.filter(pk=problem.pk, category=original).update(**kept)
        Problem.history.filter(id=problem.pk, history_date__gte=_aware(marked)).delete()
    return result


def _aware(timestamp: float):
    import datetime

    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


if __name__ == "__main__":
    emit(main())
