"""Benchmark of the Excel import: a household-visit workbook of --rows rows, checked and written as a real job.

    manage.py bench_import --rows 100000

Builds a benchmark township (its own units, grids, households and visitors, kept between runs under the code
prefix BENCH-IMPORT), writes the workbook with openpyxl's write_only mode, submits it as the township's director
and runs the job inline, then prints the time and the peak memory against the targets (issue 4: under 60 s and
under 500 MB) and removes the imported rows again (--keep leaves them).
"""

import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from jiefen.excel.actions import do_submit_import, run_import
from jiefen.excel.models import ImportJob
from jiefen.grid.models import Household, HouseholdVisit, Visitor
from jiefen.org.models import Role, Unit, User

TARGET_SECONDS = 60
TARGET_MB = 500
PREFIX = "BENCH-IMPORT"
VILLAGES, GRIDS_PER_VILLAGE = 10, 5
HEADER = ["网格", "户主姓名", "住址", "走访日期", "走访人", "走访情况", "情况记录"]
FINDINGS = ["未发现问题"] * 18 + ["发现隐患", "发现矛盾纠纷"]


class Command(BaseCommand):
    help = "导入基准测试：生成并导入一个入户走访工作簿，打印耗时和峰值内存"

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--households", type=int, default=0, help="默认为行数的十分之一")
        parser.add_argument("--keep", action="store_true", help="保留导入的数据")
        parser.add_argument("--tracemalloc", action="store_true", help="同时用tracemalloc统计Python分配的峰值（较慢）")

    def handle(self, *, rows, households, keep, tracemalloc: bool = False, **options):
        if rows < 1:
            raise CommandError("--rows 至少为1")
        households = households or max(1, rows // 10)
        director, grids, visitors = self._township()
        self._clear(director.unit)
        self._households(director.unit, grids, households)
        path = self._workbook(rows, households, grids, visitors)
        size_mb = os.path.getsize(path) / 2**20
        self.stdout.write(f"工作簿 {rows} 行（{households} 户），{size_mb:.1f} MB")
        rss_before = _max_rss_mb()
        if tracemalloc:
            _start_tracing()
        started, cpu_started = time.perf_counter(), time.process_time()
        with open(path, "rb") as handle:
            job = do_submit_import(director, kind=ImportJob.Kind.VISITS, file=File(handle, name="bench.xlsx"))
        job = run_import(job)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        traced = _stop_tracing() if tracemalloc else None
        os.unlink(path)
        peak = _max_rss_mb()
        if job.status != ImportJob.Status.DONE:
            raise CommandError(f"导入未完成：{job.message} {job.errors[:3]}")
        written = HouseholdVisit.objects.filter(centre=director.unit).count()
        self.stdout.write(f"导入 {job.written_rows} 行（库中 {written} 行），数据库 {connection.vendor}")
        self.stdout.write(
            f"耗时 {seconds:.1f} s（目标 < {TARGET_SECONDS} s）{'✓' if seconds < TARGET_SECONDS else '✗'}；"
            f"{rows / seconds:,.0f} 行/秒；其中本进程CPU {cpu:.1f} s，系统负载 {os.getloadavg()[0]:.1f}"
        )
        self.stdout.write(
            f"峰值内存（进程RSS）{peak:.0f} MB（导入前 {rss_before:.0f} MB；目标 < {TARGET_MB} MB）"
            f"{'✓' if peak < TARGET_MB else '✗'}"
        )
        if traced is not None:
            self.stdout.write(f"tracemalloc 峰值 {traced:.0f} MB")
        if not keep:
            self._clear(director.unit)

    def _township(self):
        """The benchmark township with its villages, grids, visitors and director (created once)."""
        with transaction.atomic():
            county, _c = Unit.objects.get_or_create(
                code=f"{PREFIX}-C", defaults={"name": "基准县", "kind": Unit.Kind.COUNTY}
            )
            town, _t = Unit.objects.get_or_create(
                code=f"{PREFIX}-T", defaults={"name": "基准镇", "kind": Unit.Kind.TOWNSHIP, "parent": county}
            )
            grids = []
            for v in range(VILLAGES):
                village, _v = Unit.objects.get_or_create(
                    code=f"{PREFIX}-V{v}", defaults={"name": f"基准{v}村", "kind": Unit.Kind.VILLAGE, "parent": town}
                )
                for g in range(GRIDS_PER_VILLAGE):
                    grid, _g = Unit.objects.get_or_create(
                        code=f"{PREFIX}-V{v}G{g}",
                        defaults={"name": f"基准{v}村第{g + 1}网格", "kind": Unit.Kind.GRID, "parent": village},
                    )
                    grids.append(grid)
            director = User.objects.filter(username="bench_import").first() or User.objects.create_user(
                username="bench_import", password=None, role=Role.DIRECTOR, unit=town, full_name="基准测试"
            )
            visitors = [
                Visitor.objects.get_or_create(
                    centre=town, name=f"网格员{i}", phone="", defaults={"kind": Visitor.Kind.GRID_WORKER}
                )[0]
                for i in range(len(grids))
            ]
        return director, grids, visitors

    def _clear(self, town):
        with transaction.atomic():
            HouseholdVisit.objects.filter(centre=town).delete()
            Household.objects.filter(centre=town).delete()
            ImportJob.objects.filter(centre=town).delete()

    def _households(self, town, grids, count):
        batch = []
        for i in range(count):
            grid = grids[i % len(grids)]
            batch.append(Household(grid=grid, village_id=grid.parent_id, centre=town, head_name=f"户主{i}",
                                   address=f"{grid.name}{i}号", members=1 + i % 6))
        Household.objects.bulk_create(batch, batch_size=2000)

    def _workbook(self, rows, households, grids, visitors):
        book = Workbook(write_only=True)
        sheet = book.create_sheet("入户走访")
        sheet.append(HEADER)
        today = timezone.localdate()
        for i in range(rows):
            h = i % households
            grid_index = h % len(grids)
            # Each household visited once per round, a day apart per round: no two rows are the same visit.
            day = today - dt.timedelta(days=1 + i // households)
            sheet.append([
                grids[grid_index].name, f"户主{h}", f"{grids[grid_index].name}{h}号", day, visitors[grid_index].name,
                FINDINGS[i % len(FINDINGS)], "" if i % 20 else "家庭和睦，无矛盾",
            ])
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        book.save(path)
        return path


def _max_rss_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _start_tracing():
    tracemalloc.start()


def _stop_tracing():
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20
