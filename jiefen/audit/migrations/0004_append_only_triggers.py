"""On PostgreSQL, refuse UPDATE and DELETE of audit records in the database itself.

The one exception is manage.py purge_audit, which sets `jiefen.audit_purge` for its own transaction and may then
delete records older than 180 days (by the database's clock), never younger ones. The chain head may move forward
only, and never be deleted. TRUNCATE is not a row operation and is not caught here: production runs the application
as a database role without the TRUNCATE privilege (and tests empty tables with it between transactional tests).
SQLite has no equivalent of the purge switch; there the chain and the head (see jiefen.audit.chain) detect changes.
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('jiefen.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit records are append-only: % refused on record %', TG_OP, OLD.seq
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();

CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.last_seq < OLD.last_seq OR NEW.first_seq < OLD.first_seq THEN
        RAISE EXCEPTION 'the audit chain head only moves forward: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_record_append_only();
DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_head_forward_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(INSTALL)  # no parameters: the % in RAISE are PL/pgSQL's, not placeholders


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(REMOVE)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_hash_chain"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
