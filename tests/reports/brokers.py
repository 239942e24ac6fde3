"""What the tests that talk to a real broker or worker share."""

import os
import time
from contextlib import contextmanager

import pytest

from xuncha.celery import app


def forget_connections() -> None:
    """Connect anew to whatever broker_url now names. app.close() drops the connection pool but
    not the producer pool bound to it: after any .delay() run eagerly earlier in the session (an
    export in a browser test), this test's messages went to the broker of that time, and the
    worker here never saw them."""
    app.close()
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """This process's Celery app publishes to `url` inside the block. Celery reads
    CELERY_BROKER_URL from the environment before its own setting (celery.app.utils.Settings.
    broker_url): setting app.conf.broker_url alone changed nothing in CI's second run, where
    the variable is set, and a "Redis down" test published to the Redis that was up."""
    before = app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    app.conf.broker_url = os.environ["CELERY_BROKER_URL"] = url
    forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url = before[0]
        if before[1] is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = before[1]
        forget_connections()


def wait_for(condition, what: str, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"after {seconds} s: {what}")
