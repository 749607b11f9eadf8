"""Compare the figure aggregates, as the actions kept them, with a full recount from the cases."""

import time

from django.core.management.base import BaseCommand, CommandError

from jiefen.figures import counting


class Command(BaseCommand):
    help = "Check that the figure aggregates equal a full recount; exits non-zero and lists the rows that differ."

    def add_arguments(self, parser):
        parser.add_argument("--show", type=int, default=20, help="differing rows to print (default 20)")

    def handle(self, *args, show, **options):
        started = time.monotonic()
        found = counting.differences()
        took = time.monotonic() - started
        if not found:
            self.stdout.write(f"figures equal a full recount ({took:.1f} s)")
            return
        for table, key, stored, recounted in found[:show]:
            self.stdout.write(f"{table} {key}: stored {stored} recount {recounted}")
        raise CommandError(f"{len(found):,} aggregate rows differ from a full recount")
