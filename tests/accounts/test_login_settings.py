"""The login settings come from the environment like the rest; the client address for the
lockout and the session list honours TRUSTED_PROXY_COUNT."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from accounts.network import client_ip

ROOT = Path(__file__).resolve().parents[2]


def check(**env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG")}
    environ.update(env)
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.SESSION_COOKIE_AGE)",
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_environment_sets_the_limits():
    result = check(LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_MINUTES="45", SESSION_ABSOLUTE_HOURS="8")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["3", "0:45:00", str(8 * 3600)]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SESSION_IDLE_MINUTES": "half an hour"}, "SESSION_IDLE_MINUTES must be a whole number"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT must be at least 1"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must not be negative"),
    ],
)
def test_a_bad_value_fails_loudly(env, message):
    result = check(**env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1"),  # no proxy: the header is the client's own claim
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the left entry was forged by the client
        (2, "6.6.6.6, 1.2.3.4, 172.16.0.5", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.1"),  # fewer entries than proxies: not through them
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
