"""manage.py backup PATH: a consistent copy of the database while it is in use, with a manifest to verify."""

from django.core.management.base import BaseCommand, CommandError

from jiefen.ops import backup


class Command(BaseCommand):
    help = "Back the database up to PATH (SQLite online backup / pg_dump -Fc) and write PATH.manifest.json."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            manifest = backup.backup(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        tables = manifest["tables"]
        self.stdout.write(
            f"backup {path}: {manifest['engine']}, {manifest['bytes']} bytes, sha256 {manifest['sha256'][:16]}…, "
            f"{len(tables)} tables, {tables.get('cases_case', 0)} cases, {tables.get('cases_event', 0)} events"
            + (", integrity_check ok" if manifest.get("integrity_check") == "ok" else "")
        )
        self.stdout.write(f"manifest {backup.manifest_path(path)}")
