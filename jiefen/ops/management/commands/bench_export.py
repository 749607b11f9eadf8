"""Benchmark of the 信访事项办理台账 export: --rows cases of the synthetic county written to .xlsx as a real export
job (jiefen.excel.forms_ledgers.run_export: the case list's filters, the scope, the masking, the audit record).

    manage.py load_synthetic --cases 100000 && manage.py bench_export --rows 50000

Exports as the county supervisor the newest cases registered since the day that gives at least --rows of them
(filter 登记自, as a person would set it on the case list), then prints the time and the peak memory against the
targets (issue 14: at most 30 s and 300 MB for 50,000 cases) and deletes the job and its file.
"""

import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from openpyxl import load_workbook

from jiefen.demo import synthetic
from jiefen.excel import forms_ledgers
from jiefen.excel.models import ExportJob
from jiefen.org.models import User

from .bench_import import _max_rss_mb, _start_tracing, _stop_tracing

TARGET_SECONDS = 30
TARGET_MB = 300


class Command(BaseCommand):
    help = "导出基准测试：以县级督办账号导出信访事项办理台账（.xlsx），打印耗时和峰值内存"

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50_000, help="至少导出的案件数（默认50000）")
        parser.add_argument("--tracemalloc", action="store_true", help="同时用tracemalloc统计Python分配的峰值（较慢）")
        parser.add_argument("--check", action="store_true", help="导出后用openpyxl读回并核对行数")

    def handle(self, *, rows, tracemalloc: bool = False, check=False, **options):
        if not synthetic.is_loaded():
            raise CommandError("库中没有合成数据：请先运行 load_synthetic --cases 100000")
        user = User.objects.select_related("unit").get(username=synthetic.SUPERVISOR)
        since = self._since(user, rows)
        params = QueryDict(mutable=True)
        params["date_from"] = since.isoformat()
        rss_before = _max_rss_mb()
        if tracemalloc:
            _start_tracing()
        started, cpu_started = time.perf_counter(), time.process_time()
        job = forms_ledgers.do_queue_case_export(user, params, reveal=False)
        forms_ledgers.claim(job)
        job = forms_ledgers.run_export(job)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        traced = _stop_tracing() if tracemalloc else None
        peak = _max_rss_mb()
        try:
            if job.status != ExportJob.Status.DONE:
                raise CommandError(f"导出未完成：{job.message}")
            size_mb = job.file.size / 2**20
            self.stdout.write(
                f"导出 {job.total_rows:,} 件（登记自 {since}），文件 {size_mb:.1f} MB，数据库 {connection.vendor}"
            )
            self.stdout.write(
                f"耗时 {seconds:.1f} s（目标 ≤ {TARGET_SECONDS} s）{'✓' if seconds <= TARGET_SECONDS else '✗'}；"
                f"{job.total_rows / seconds:,.0f} 行/秒；其中本进程CPU {cpu:.1f} s，系统负载 {os.getloadavg()[0]:.1f}"
            )
            self.stdout.write(
                f"峰值内存（进程RSS）{peak:.0f} MB（导出前 {rss_before:.0f} MB；目标 ≤ {TARGET_MB} MB）"
                f"{'✓' if peak <= TARGET_MB else '✗'}"
            )
            if traced is not None:
                self.stdout.write(f"tracemalloc 峰值 {traced:.0f} MB")
            if check:
                with job.file.open("rb") as handle:
                    sheet = load_workbook(handle, read_only=True).active
                    data_rows = sum(1 for _row in sheet.iter_rows(min_row=4, values_only=True))
                if data_rows != job.total_rows:
                    raise CommandError(f"读回 {data_rows} 行，应为 {job.total_rows} 行")
                self.stdout.write(f"openpyxl 读回 {data_rows:,} 行 ✓")
        finally:
            if job.file:
                job.file.delete(save=False)
            job.delete()

    def _since(self, user, rows):
        """The registration day from which the supervisor's case list holds at least `rows` cases."""
        cases, _form, _printed, _audited = forms_ledgers.case_list_filters(user, QueryDict(""))
        last = cases.values_list("received_at", flat=True)[rows - 1: rows].first()
        if last is None:
            raise CommandError(f"合成数据不足{rows}件：请用 load_synthetic --cases 加载更多")
        return timezone.localdate(last)
