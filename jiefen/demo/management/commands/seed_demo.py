"""manage.py seed_demo: a demo township with a year of cases and one login per role (see jiefen/demo/county.py)."""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from jiefen.cases.models import Channel, Status
from jiefen.demo import DemoError, county, township


def _width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text, width):
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    help = "生成演示数据：青山县青山镇矛调中心一年的案件和各角色演示账号；已生成过则只列出账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=township.DEFAULT_SEED, help="随机数种子（同一天同一种子，数据相同）"
        )
        parser.add_argument(
            "--reset", action="store_true",
            help="删除演示乡镇的案件后重新生成，并把演示账号的密码恢复为初始密码（单位和账号保留，审计记录不删除）",
        )

    def handle(self, *args, seed, reset, **options):
        started = time.monotonic()
        try:
            written = county.seed(seed=seed, reset=reset)
        except DemoError as e:
            raise CommandError(str(e))
        if written:
            self.stdout.write(
                self.style.SUCCESS(f"已生成演示数据：{written} 件案件，用时 {time.monotonic() - started:.1f} 秒。")
            )
        else:
            self.stdout.write("演示数据已存在，未重复生成（需要重建请加 --reset）。")
        self.write_figures()
        self.write_accounts()

    def write_figures(self):
        f = county.figures()
        statuses = "，".join(f"{Status(s).label} {n}" for s, n in f["by_status"].items())
        channels = "，".join(f"{Channel(c).label} {n}" for c, n in f["by_channel"].items())
        self.stdout.write(
            f"\n青山镇：案件 {f['cases']} 件（其中矛盾纠纷 {f['disputes']} 件）；来访 {f['visit_cases']} 件 "
            f"{f['visit_person_times']} 人次，已化解 {f['visits_resolved']} 件；超期 {f['overdue']} 件，"
            f"三日内到期 {f['due_soon']} 件。\n  按状态：{statuses}\n  按渠道：{channels}"
        )

    def write_accounts(self):
        rows = [("用户名", "姓名", "角色", "单位", "说明")] + township.accounts()
        widths = [max(_width(r[i]) for r in rows) + 2 for i in range(4)]
        self.stdout.write(f"\n演示账号（密码均为 {township.DEMO_PASSWORD}，如未改过）：")
        for row in rows:
            self.stdout.write("  " + "".join(_pad(v, w) for v, w in zip(row, widths)) + row[4])
