"""The worker's consumer, surviving a broker that goes away (issue 22).

Celery 5.7.0, on losing its Redis connection, empties the connection (`collect()`) and then
closes it; closing the channel restores the unacknowledged messages through that emptied
connection, which raises AttributeError ("'NoneType' object has no attribute 'hostname'",
kombu/transport/redis.py) — not a connection error, so the worker exits ("Unrecoverable error")
and, under honcho, takes the web and beat with it. Reproduced by
tests/reports/test_outbox_worker.py::test_redis_down_during_a_save_then_back_….

Here that failure to close the dead connection is logged and the consumer goes on to reconnect,
as it does for every other connection error. The messages it could not restore are not lost
work: every job is a row in the outbox until it has run, and the sweeper runs it again.
"""

import logging

from celery.worker.consumer import Consumer

log = logging.getLogger(__name__)


class TolerantConsumer(Consumer):
    def on_connection_error_after_connected(self, exc):
        try:
            super().on_connection_error_after_connected(exc)
        except AttributeError:
            self.connection = None  # already dropped by Celery before the failing close
            log.warning(
                "worker: the lost broker connection could not be closed cleanly; reconnecting "
                "(unacknowledged messages come back from the outbox's sweep)",
                exc_info=True,
            )
