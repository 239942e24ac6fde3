from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "后台任务"

    def ready(self):
        # Register the relay's task in every process: with no broker it runs in the web process.
        from . import tasks  # noqa: F401
