import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from jiefen.warning.actions import cases_to_refresh, refresh


class Command(BaseCommand):
    help = "重新研判所有在办案件的风险等级（预警），升为橙色、红色的告知中心领导班子"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天研判（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD")
        report = refresh(cases_to_refresh(), today)
        self.stdout.write(
            f"研判 {report.assessed} 件，等级变化 {report.changed} 件，升为橙色或红色并已告知领导 {report.raised} 件"
        )
