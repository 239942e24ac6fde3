import time

from django.core.management.base import BaseCommand

from reports import rollup


class Command(BaseCommand):
    help = "Recompute the figures' rollup of every inspection (what the periodic task does)."

    def handle(self, *args, **options):
        started = time.monotonic()
        n = rollup.rebuild()
        self.stdout.write(f"已重算 {n} 个巡察的统计汇总，用时 {time.monotonic() - started:.1f} 秒。")
