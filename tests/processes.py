"""`manage.py` in a fresh process, as an operator would run it: the test process's environment
less what points at the test's own databases, broker and settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not inherited: the browser tests allow async-unsafe calls for themselves.
TEST_ONLY = ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL", "PLAIN_HTTP")


def manage(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in TEST_ONLY and not k.startswith("PYTEST")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=timeout
    )
