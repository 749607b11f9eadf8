"""Time the figures page (数据研判) against the configured database, as bench does for the case desk.

Each request goes through Django's test Client (the whole server side), on a new database connection as in
production when CONN_MAX_AGE is 0. Rows: a township leader and the county supervisor, each for the last whole
year and for this year to date. Prints median, p95, CPU time and SQL queries; target p95 ≤ 200 ms.
"""

import datetime as dt
import math
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from jiefen.cases.models import Case
from jiefen.demo import synthetic
from jiefen.figures.models import DailyFigure
from jiefen.org.models import Role, Unit, User

TARGET_MS = 200


class Command(BaseCommand):
    help = "Median and p95 server time and SQL query count of the figures page, township and county, per year."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=50, help="timed runs per row (default 50)")
        parser.add_argument("--warmup", type=int, default=5, help="untimed runs before timing (default 5)")

    def handle(self, *args, repeat, warmup, **options):
        if not synthetic.is_loaded():
            raise CommandError("no synthetic data in this database: run load_synthetic first")
        if not DailyFigure.objects.exists():
            raise CommandError("the figure aggregates are empty: run rebuild_figures after load_synthetic")
        towns = list(Unit.objects.filter(parent__code=synthetic.COUNTY_CODE, kind=Unit.Kind.TOWNSHIP))
        counts = dict(Case.objects.filter(centre__in=towns).values_list("centre").annotate(n=Count("id")).order_by())
        busiest = max(towns, key=lambda t: counts.get(t.pk, 0))
        leader = User.objects.filter(role=Role.LEADER, unit=busiest).order_by("id").first()
        supervisor = User.objects.get(username=synthetic.SUPERVISOR)
        today = timezone.localdate()
        last_year = (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))
        this_year = (dt.date(today.year, 1, 1), today)
        total = Case.objects.count()
        self.stdout.write(
            f"{total:,} cases, {DailyFigure.objects.count():,} daily rows, {connection.vendor}; "
            f"township {busiest.name} ({counts.get(busiest.pk, 0):,} cases); "
            f"{repeat} runs per row, p95 target {TARGET_MS} ms"
        )
        self.stdout.write(f"{'row':<34}{'median ms':>10}{'p95 ms':>9}{'cpu ms':>8}{'queries':>9}  target")
        failed = False
        for who, user in (("township", leader), ("county", supervisor)):
            client = Client()
            client.force_login(user)
            for label, (start, end) in (("last year", last_year), ("year to date", this_year)):
                path = f"{reverse('figures:dashboard')}?start={start}&end={end}"
                times, cpus, queries = self._time(client, path, repeat, warmup)
                ordered = sorted(times)
                p95 = ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]
                ok = p95 <= TARGET_MS
                failed |= not ok
                self.stdout.write(
                    f"{who + ' ' + label:<34}{statistics.median(times):>10.1f}{p95:>9.1f}"
                    f"{statistics.median(cpus):>8.1f}{queries:>9}  {'ok' if ok else 'MISSED'}"
                )
        if failed:
            self.stdout.write("some rows missed the p95 target")

    def _time(self, client, path, repeat, warmup):
        times, cpus, queries = [], [], 0
        reconnect = connection.settings_dict.get("CONN_MAX_AGE") == 0
        with override_settings(ALLOWED_HOSTS=["*"]):
            for i in range(warmup + repeat):
                if reconnect:
                    connection.close()
                started, cpu = time.perf_counter(), time.process_time()
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
                elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code}")
                if i >= warmup:
                    times.append(elapsed)
                    cpus.append(cpu)
                    queries = len(captured)
        return times, cpus, queries
