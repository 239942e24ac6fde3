"""Configuration comes from the environment; a bad value stops start-up with a clear message."""

import subprocess

import pytest

from tests.processes import manage


def _start(**env) -> subprocess.CompletedProcess:
    return manage("check", **env)


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


STRONG_KEY = "a-production-secret-key-of-sufficient-length-and-randomness-0123456789"


def _deploy_check(**env) -> subprocess.CompletedProcess:
    env = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "xuncha.example.gov", **env}
    return manage("check", "--deploy", "--fail-level", "WARNING", **env)


def test_production_defaults_pass_the_deploy_check():
    """`make serve`'s settings (DEBUG off) with nothing about HTTPS said: `check --deploy` warns
    about nothing — secure cookies, HSTS and the redirect are the default (issue 22: W004, W008,
    W012, W016 were raised unless SECURE_SSL was set)."""
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_plain_http_is_an_explicit_opt_out_that_the_deploy_check_names():
    result = _deploy_check(PLAIN_HTTP="true")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


@pytest.mark.parametrize(
    "key",
    [
        "abc",  # issue 22: make serve started with it
        "x" * 49 + "y",  # long enough, two different characters
        "django-insecure-" + STRONG_KEY,  # Django's placeholder
        STRONG_KEY[:49],  # one character short
    ],
)
def test_production_refuses_a_weak_secret_key(key):
    result = _start(DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr  # and says how to make one


def test_plain_http_and_https_at_once_is_refused():
    result = _start(DEBUG="false", SECRET_KEY=STRONG_KEY, PLAIN_HTTP="true", SECURE_SSL="true")
    assert result.returncode != 0
    assert "PLAIN_HTTP=true and SECURE_SSL=true contradict each other" in result.stderr
