"""A save's latency with Redis up and with Redis down, side by side in one process (issue 22).

    python -m bench.save_redis_down [SAVES]

SAVES (default 30) edits of one working paper through its edit form (Django's test client, the
office account, POST /problems/<pk>/edit/ and the page it redirects to), each with its after-
commit work run — the outbox's wake-up of the worker through the broker — first with the broker
and the cache on the benchmark's Redis, then with both on a port where nothing listens (Redis
down: a refused connection). Before issue 22 a save took 6.2 s with Redis down: kombu retried
the connection with sleeps. Everything runs inside a transaction that is rolled back.

Needs a database with a draft working paper (`seed_demo`) and Redis (BENCH_REDIS_URL).
"""

import os
import statistics
import sys
import time

from bench.common import REDIS_URL, bench_env, emit

DOWN = "redis://127.0.0.1:1/0"


class Undo(Exception):
    pass


def _point_at(url: str) -> None:
    """Broker and cache of this process at `url` (Celery reads the variable before its setting)."""
    from django.test import override_settings

    from xuncha import outbox
    from xuncha.celery import app

    os.environ["CELERY_BROKER_URL"] = app.conf.broker_url = url
    app.close()
    app.amqp._producer_pool = None
    outbox._broker_down_until = 0.0
    cache = {"BACKEND": "xuncha.cache.TolerantRedisCache", "LOCATION": url}
    cache["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    override_settings(CACHES={"default": cache}).enable()  # its signal resets the cache handlers


def _saves(client, problem, n: int) -> list[float]:
    from django.test import TestCase

    timings = []
    version = problem.version
    for i in range(n):
        data = {
            "title": f"{problem.title[:40]}（测{i}）",
            "description": problem.description or "表现",
            "category": problem.category_id,
            "method": problem.method,
            "version": version,
        }
        started = time.perf_counter()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(f"/problems/{problem.pk}/edit/", data)
        page = client.get(response.headers.get("Location", f"/problems/{problem.pk}/"))
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
        assert page.status_code == 200, page.status_code
        version += 1
    return timings


def _summary(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {
        "saves": len(ms),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(n: int) -> dict:
    from django.db import transaction
    from django.test import Client

    from accounts.models import Role, User
    from findings.models import Problem, ProblemStatus
    from xuncha.celery import app

    app.conf.task_always_eager = False  # the wake-up goes to the broker, as in production
    office = User.objects.filter(role_assignments__role=Role.OFFICE_ADMIN, is_active=True).order_by("pk").first()
    problem = Problem.objects.filter(status=ProblemStatus.DRAFT, withdrawn_at__isnull=True).order_by("pk").first()
    if office is None or problem is None:
        return {"error": "needs an office account and a draft working paper (seed_demo)"}
    client = Client()
    client.force_login(office)
    out: dict = {"problem": problem.pk}
    try:
        with transaction.atomic():
            for name, url in (("redis_up", REDIS_URL), ("redis_down", DOWN)):
                _point_at(url)
                problem.refresh_from_db()
                _saves(client, problem, 3)  # warm: templates, connections
                problem.refresh_from_db()
                out[name] = _summary(_saves(client, problem, n))
            raise Undo
    except Undo:
        pass
    out["down_over_up_p95"] = round(out["redis_down"]["p95_ms"] / out["redis_up"]["p95_ms"], 2)
    return out


def main() -> None:
    # The project's own settings, not bench.settings: sessions in the database, since the cache
    # goes down with Redis here and a session in it would sign the user out.
    os.environ.update({k: v for k, v in bench_env().items() if k not in os.environ})
    os.environ["DJANGO_SETTINGS_MODULE"] = "xuncha.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: pages need the manifest
    emit(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 30))


if __name__ == "__main__":
    main()
