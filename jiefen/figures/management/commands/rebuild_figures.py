"""Recount the daily figures from the cases and replace the aggregate tables (after a bulk load, or a repair)."""

import time

from django.core.management.base import BaseCommand

from jiefen.figures import rebuild


class Command(BaseCommand):
    help = "Rebuild the figure aggregates (DailyFigure, MonthFigure, HandlingDays, HandlingMonth) from the cases."

    def handle(self, *args, **options):
        started = time.monotonic()
        written = rebuild.rebuild()
        self.stdout.write(
            "rebuilt " + ", ".join(f"{n:,} {table} rows" for table, n in written.items())
            + f" in {time.monotonic() - started:.1f} s"
        )
