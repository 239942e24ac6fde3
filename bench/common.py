"""What every measurement shares: the environment it runs in, the users it acts as, and how a
measurement runs in a fresh process and hands its numbers back as JSON."""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/xuncha_province"
RESULT_MARK = "BENCH-RESULT "


def bench_env(**extra: str) -> dict[str, str]:
    """Production-like settings: DEBUG off, a Redis broker and cache (db 12), static files collected."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        PLAIN_HTTP="true",  # over http://127.0.0.1: the explicit opt-out of HTTPS
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789"),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CELERY_BROKER_URL=REDIS_URL,
        CACHE_URL=REDIS_URL,
        STATIC_ROOT=os.environ.get("BENCH_STATIC_ROOT", "/tmp/xuncha-bench-static"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def setup() -> None:
    """Django, inside a measurement process started by `run_measurement`."""
    os.environ.update({k: v for k, v in bench_env().items() if k not in os.environ or k == "DJANGO_SETTINGS_MODULE"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def emit(result: dict) -> None:
    """The one line the orchestrator reads from a measurement's output."""
    print(RESULT_MARK + json.dumps(result, default=str, ensure_ascii=False), flush=True)


def run_measurement(module: str, *args: str, timeout: int = 3600, **env: str) -> dict:
    """`python -m bench.<module> args…` in a fresh process; its numbers, or the error it died with."""
    started = time.monotonic()
    proc = subprocess.run(
        [PYTHON, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env=bench_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK) :])
            result.setdefault("wall_s", round(time.monotonic() - started, 2))
            return result
    return {"error": f"exit {proc.returncode}", "stderr": proc.stderr[-3000:], "stdout": proc.stdout[-1000:]}


def maxrss_mb() -> float:
    """This process's resident-set high-water mark (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def widest(role: str):
    """The active user holding `role` on the organization nearest the root (the province view)."""
    from django.db.models.functions import Length

    from accounts.models import RoleAssignment

    assignment = (
        RoleAssignment.objects.filter(role=role, user__is_active=True)
        .select_related("user", "organization")
        .annotate(depth=Length("organization__path"))
        .order_by("depth", "pk")
        .first()
    )
    if assignment is None:
        raise SystemExit(f"no active user holds {role}")
    return assignment.user


def session_cookie(user) -> str:
    """A signed-in session for `user`, made the way `login()` makes it but without the
    last_login write: the key goes in the `sessionid` cookie."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cache import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def signed_in_client(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie(user)
    return client


def forget_session(key: str) -> None:
    """Remove what signing in left behind: the cache session, and the row the app's session
    list (accounts.UserSession, where it exists) writes on the first request of a session."""
    from django.apps import apps
    from django.contrib.sessions.backends.cache import SessionStore

    SessionStore(session_key=key).delete()
    try:
        model = apps.get_model("accounts", "UserSession")
    except LookupError:
        return
    model.objects.filter(session_key=key).delete()
