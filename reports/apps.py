from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计报表"

    def ready(self):
        # Register the Celery tasks in every process, not only in the worker (whose
        # autodiscovery imports them): services queue them by name, and with no broker they
        # run here, in the web process.
        from . import tasks  # noqa: F401
