"""`manage.py rollup_dashboards [--rebuild]`: bring the dashboards' figures up to date now."""

import time

from django.core.management.base import BaseCommand

from dashboards.services import rollup_rebuild, rollup_refresh


class Command(BaseCommand):
    help = "Refresh the dashboards' rollup (or rebuild it whole with --rebuild)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute every day")

    def handle(self, *args, rebuild: bool, **options):
        start = time.perf_counter()
        result = rollup_rebuild() if rebuild else rollup_refresh()
        action = "rebuilt" if result.rebuilt else "refreshed"
        self.stdout.write(
            f"dashboards {action}: {result.days} days in {time.perf_counter() - start:.1f} s"
        )
