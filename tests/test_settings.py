"""Configuration comes from the environment; a bad value stops start-up with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start(**env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


def test_the_embedded_default_starts():
    result = _start()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "mysql://x@localhost/db"}, "DATABASE_URL must name SQLite or PostgreSQL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": "http://localhost"}, "CELERY_BROKER_URL must be"),
        ({"UPLOAD_MAX_BYTES": "20MB"}, "UPLOAD_MAX_BYTES must be a whole number"),
        ({"PUBLIC_BASE_URL": "xuncha.example.gov"}, "PUBLIC_BASE_URL must start with http:// or https://"),
        ({"PUBLIC_RATE_PER_ADDRESS": "ten"}, "PUBLIC_RATE_PER_ADDRESS must be a whole number"),
    ],
)
def test_a_bad_value_fails_loudly(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check():
    """`manage.py check --deploy` with production settings (DEBUG off, HTTPS) warns about nothing."""
    # Not inherited from the test process: the browser tests allow async-unsafe calls for themselves.
    dropped = ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environ = {k: v for k, v in os.environ.items() if k not in dropped}
    environ.update(
        DEBUG="false",
        SECRET_KEY="a-production-secret-key-of-sufficient-length-and-randomness-0123456789",
        SECURE_SSL="true",
        ALLOWED_HOSTS="xuncha.example.gov",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
