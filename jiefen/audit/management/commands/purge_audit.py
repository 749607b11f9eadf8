import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiefen.audit.purge import PurgeRefused, do_purge_audit


class Command(BaseCommand):
    help = "Delete audit records made before DATE (local midnight); refused for anything younger than 180 days."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, type=dt.date.fromisoformat, metavar="YYYY-MM-DD")

    def handle(self, *args, before, **options):
        cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
        try:
            deleted = do_purge_audit(cutoff)
        except PurgeRefused as e:
            raise CommandError(str(e), returncode=2) from e
        self.stdout.write(f"已清理 {before.isoformat()} 之前的审计记录 {deleted} 条；审计链仍可校验。")
