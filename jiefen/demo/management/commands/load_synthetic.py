"""Fill the configured database with a synthetic county for the benchmark (see README, "Benchmark")."""

import time

from django.core.management.base import BaseCommand, CommandError

from jiefen.cases.models import Case
from jiefen.demo import synthetic


class Command(BaseCommand):
    help = "Load N synthetic cases (with parties, contacts, events, clocks and search rows) in K townships."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000, help="number of cases (default 100,000)")
        parser.add_argument("--townships", type=int, default=20, help="townships in the county (default 20)")
        parser.add_argument("--villages", type=int, default=20, help="villages per township (default 20)")
        parser.add_argument("--seed", type=int, default=1, help="random seed, for the same data every time")

    def handle(self, *args, cases, townships, villages, seed, **options):
        if cases < 1 or townships < 1 or villages < 4:
            raise CommandError("need at least 1 case, 1 township and 4 villages")
        if synthetic.is_loaded():
            raise CommandError(
                f"synthetic data is already loaded ({Case.objects.count():,} cases); load into a fresh database"
            )
        started = time.monotonic()
        step = max(synthetic.BATCH, cases // 20)

        def progress(done, elapsed):
            if done % step < synthetic.BATCH or done == cases:
                self.stdout.write(f"  {done:>10,} cases  {elapsed:7.1f} s  {done / elapsed:8,.0f}/s")

        counts = synthetic.load(cases, townships=townships, villages=villages, seed=seed, progress=progress)
        self.stdout.write(
            "loaded " + ", ".join(f"{n:,} {name}" for name, n in counts.items())
            + f" in {townships} townships, {time.monotonic() - started:.1f} s"
        )
