"""The relay as a Celery task: woken after each commit and swept by beat."""

from celery import shared_task

from . import relay


# Long limits: an export can be among the jobs it runs. Not acks_late: a drain lost with its
# worker loses nothing, the jobs stay in the table until their lease runs out.
@shared_task(name="outbox.drain", soft_time_limit=3000, time_limit=3300)
def drain() -> int:
    return relay.drain(seconds=600)
