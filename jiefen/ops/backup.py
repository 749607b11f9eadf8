"""Backup and restore of the whole database, consistent while writers run, with a manifest to verify against.

`manage.py backup PATH` writes PATH and PATH.manifest.json:
- SQLite: the online backup API copies every page inside one read transaction (WAL: writers are not blocked),
  then `PRAGMA integrity_check` runs on the copy, and the rows of every table are counted in the copy.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the rows are counted in that transaction and
  `pg_dump -Fc --snapshot` dumps exactly the same snapshot, so the counts describe the dump.
The manifest holds the engine, the time, the SHA-256 of the file and the row count of every table.

`manage.py restore PATH` checks the SHA-256 first, refuses a database that already holds cases, accounts or audit
records unless --force, copies the backup in (SQLite: the backup API; PostgreSQL: pg_restore --clean in one
transaction), then counts the rows again and compares them with the manifest.

Uploaded files (MEDIA_ROOT) are not in the database: back that directory up with the same schedule.
"""

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connection

MANIFEST_SUFFIX = ".manifest.json"
# Rows in any of these mean the database is in use: restore refuses to overwrite it without --force.
OWN_DATA_TABLES = ("cases_case", "org_user", "audit_auditrecord")


class BackupError(Exception):
    pass


def manifest_path(path):
    return Path(f"{path}{MANIFEST_SUFFIX}")


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine():
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database: {vendor}")
    return vendor


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------------- backup


def backup(path):
    """Back the configured database up to `path`; write and return the manifest."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    # Write beside the target and rename at the end: a crash mid-backup never leaves a half file under PATH.
    tmp = Path(tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")[1])
    try:
        counts = _backup_sqlite(tmp) if engine == "sqlite" else _backup_postgresql(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent)  # the rename itself
    finally:
        tmp.unlink(missing_ok=True)
    manifest = {
        "format": 1,
        "engine": engine,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "sha256": sha256_of(path),
        "bytes": path.stat().st_size,
        "tables": counts,
    }
    if engine == "sqlite":
        manifest["integrity_check"] = "ok"
    target = manifest_path(path)
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    _fsync(target)
    return manifest


def _backup_sqlite(tmp):
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    copy = sqlite3.connect(tmp)
    try:
        # pages=-1: the whole database in one step, i.e. one read transaction, one consistent snapshot.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check_integrity(copy)
        return _count_sqlite(copy)
    finally:
        copy.close()
        source.close()


def _check_integrity(db):
    result = [row[0] for row in db.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError("integrity_check failed: " + "; ".join(result[:5]))
    if problems := db.execute("PRAGMA foreign_key_check").fetchall():
        raise BackupError(f"foreign_key_check failed: {problems[:5]}")


def _count_sqlite(db):
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _pg_env():
    s = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    env["PGDATABASE"] = s["NAME"]
    return env


def _pg_tool(name):
    from shutil import which

    found = which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client)")
    return found


def _count_postgresql(cursor):
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [r[0] for r in cursor.fetchall()]
    counts = {}
    for t in tables:
        cursor.execute(f'SELECT count(*) FROM "{t}"')
        counts[t] = cursor.fetchone()[0]
    return counts


def _backup_postgresql(tmp):
    pg_dump = _pg_tool("pg_dump")
    with connection.cursor() as cursor:
        # Hold one snapshot: count in it, and let pg_dump dump exactly it.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_postgresql(cursor)
            result = subprocess.run(
                [pg_dump, "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(tmp)],
                check=False, env=_pg_env(), capture_output=True, text=True,
            )
        finally:
            cursor.execute("ROLLBACK")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


# ------------------------------------------------------------------------------------------------- restore


def read_manifest(path):
    """The manifest of backup `path`, after checking the file is the one it describes."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    try:
        manifest = json.loads(manifest_path(path).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable manifest at {manifest_path(path)}: {error}") from None
    if sha256_of(path) != manifest.get("sha256"):
        raise BackupError("the backup file does not match its manifest (SHA-256 differs): it is damaged or replaced")
    if manifest.get("engine") != _engine():
        raise BackupError(f"a {manifest.get('engine')} backup cannot be restored into {_engine()}")
    return manifest


def database_in_use():
    """Whether the configured database holds cases, accounts or audit records of its own."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in OWN_DATA_TABLES:
            if table in existing:
                cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')
                if cursor.fetchone():
                    return True
    return False


def restore(path, *, force=False):
    """Restore backup `path` into the configured database; return (manifest, counts found afterwards)."""
    manifest = read_manifest(path)
    if not force and database_in_use():
        raise BackupError(
            "the database already holds cases, accounts or audit records; refusing to overwrite it (use --force)"
        )
    if _engine() == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgresql(path)
    counts = verify_database(manifest)
    return manifest, counts


def _restore_sqlite(path):
    target = connection.settings_dict["NAME"]
    connection.close()
    source = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    copy = sqlite3.connect(target, timeout=30)
    try:
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=WAL")
    finally:
        copy.close()
        source.close()


def _restore_postgresql(path):
    pg_restore = _pg_tool("pg_restore")
    connection.close()
    result = subprocess.run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
         "-d", connection.settings_dict["NAME"], str(path)],
        check=False, env=_pg_env(), capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def verify_database(manifest):
    """Check the configured database against `manifest`: integrity (SQLite) and every table's row count."""
    connection.close()
    if _engine() == "sqlite":
        db = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            _check_integrity(db)
            counts = _count_sqlite(db)
        finally:
            db.close()
    else:
        with connection.cursor() as cursor:
            counts = _count_postgresql(cursor)
    expected = manifest["tables"]
    wrong = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"row counts differ from the manifest (table: expected, found): {wrong}")
    return counts
