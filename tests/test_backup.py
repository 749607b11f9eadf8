"""Backup under write load, restore into a fresh database, verify; and the restore command's refusals.

The backup is taken by `manage.py backup` while four clients keep registering and moving cases through the real
server over HTTP; it is restored with `manage.py restore` into a new database (a new SQLite file, or a new
PostgreSQL database when DATABASE_URL is PostgreSQL) and checked: integrity, every table's rows as the manifest
says, every case with its timeline and audit records, every change acknowledged before the backup started present
and intact, and the audit hash chain still verifying.
"""

import json
import time

import pytest

from .live import LiveDatabase, LiveSite, lost_changes, prepared_database, start_clients, stop_clients

pytestmark = pytest.mark.crash


def test_a_backup_taken_under_write_load_restores_into_a_fresh_database_complete_and_consistent(tmp_path):
    (source, ids), target = prepared_database(tmp_path, "backup_source"), LiveDatabase(tmp_path, "backup_target")
    site, restored = LiveSite(source, tmp_path), LiveSite(target, tmp_path)
    backup = tmp_path / "jiefen.backup"
    try:
        site.start()
        clients, ledger, stop = start_clients(site, ids, seed=7, prefix="B")
        while len(ledger.acked) < 20:
            time.sleep(0.1)
        acked_before = list(ledger.acked)
        taken = site.manage("backup", str(backup))
        acked_after = len(ledger.acked)
        time.sleep(1.0)
        stop_clients(clients, stop)
        site.kill()

        answer = restored.manage("restore", str(backup))
        assert "row counts match the manifest" in answer.stdout
        manifest = json.loads((tmp_path / "jiefen.backup.manifest.json").read_text())
        for table, rows in manifest["tables"].items():
            assert target.query(f'SELECT count(*) FROM "{table}"')[0][0] == rows, table
        if not target.postgres:
            assert target.query("PRAGMA integrity_check") == [("ok",)]
        assert lost_changes(target, acked_before) == []
        cases_without_registration = target.query(
            "SELECT number FROM cases_case c WHERE NOT EXISTS "
            "(SELECT 1 FROM cases_event e WHERE e.case_id = c.id AND e.kind = 'register')"
        )
        assert cases_without_registration == []
        assert manifest["tables"]["cases_case"] >= len({n for a, _m, n, _p in acked_before if a == "register"})
        assert restored.manage("verify_audit", check=False).returncode == 0
    finally:
        site.kill()
        source.drop()
        target.drop()
    print(
        f"\nbackup under load ({'PostgreSQL' if source.postgres else 'SQLite'}): {len(acked_before)} changes "
        f"acknowledged before the backup, {acked_after - len(acked_before)} while it ran; restored "
        f"{manifest['tables']['cases_case']} cases, {manifest['tables']['cases_event']} events, "
        f"{manifest['tables']['audit_auditrecord']} audit records; {taken.stdout.splitlines()[0]}"
    )


def test_restore_refuses_a_database_in_use_and_a_damaged_backup(tmp_path):
    source, _ids = prepared_database(tmp_path, "refusals")  # accounts exist: the database is in use
    site = LiveSite(source, tmp_path)
    backup = tmp_path / "b.backup"
    try:
        site.manage("backup", str(backup))
        refused = site.manage("restore", str(backup), check=False)
        assert refused.returncode != 0 and "refusing to overwrite" in refused.stderr
        assert "row counts match" in site.manage("restore", str(backup), "--force").stdout

        damaged = tmp_path / "damaged.backup"
        data = bytearray(backup.read_bytes())
        data[len(data) // 2] ^= 0xFF
        damaged.write_bytes(bytes(data))
        (tmp_path / "damaged.backup.manifest.json").write_text((tmp_path / "b.backup.manifest.json").read_text())
        answer = site.manage("restore", str(damaged), "--force", check=False)
        assert answer.returncode != 0 and "does not match its manifest" in answer.stderr
        missing = site.manage("restore", str(tmp_path / "nothing.backup"), check=False)
        assert missing.returncode != 0 and "no backup file" in missing.stderr
    finally:
        source.drop()
