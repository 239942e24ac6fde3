"""What the tests that talk to a real broker or worker share."""

import time

import pytest

from xuncha.celery import app


def forget_connections() -> None:
    """Connect anew to whatever broker_url now names. app.close() drops the connection pool but
    not the producer pool bound to it: after any .delay() run eagerly earlier in the session (an
    export in a browser test), this test's messages went to the broker of that time, and the
    worker here never saw them."""
    app.close()
    app.amqp._producer_pool = None


def wait_for(condition, what: str, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"after {seconds} s: {what}")
