"""manage.py restore PATH: put a backup back, verified against its manifest; never over live data by accident."""

from django.core.management.base import BaseCommand, CommandError

from jiefen.ops import backup


class Command(BaseCommand):
    help = "Restore the backup at PATH into the configured database and verify it against PATH.manifest.json."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that already holds cases, accounts or audit"
        )
        parser.add_argument("--verify-only", action="store_true", help="only check the backup file and its manifest")

    def handle(self, *args, path, force, verify_only, **options):
        try:
            if verify_only:
                manifest = backup.read_manifest(path)
                self.stdout.write(f"{path}: matches its manifest (sha256 {manifest['sha256'][:16]}…)")
                return
            manifest, counts = backup.restore(path, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"restored {path} (taken {manifest['created_at']}): {len(counts)} tables, "
            f"{counts.get('cases_case', 0)} cases, {counts.get('cases_event', 0)} events; row counts match the manifest"
            + ("; integrity_check ok" if manifest["engine"] == "sqlite" else "")
        )
