from django.db import migrations

# UPDATE and DELETE are refused row by row (0002); TRUNCATE fires no row triggers, so it needs
# a statement trigger of its own.  SQLite has no TRUNCATE: its "DELETE FROM" without a WHERE
# still fires the row trigger from 0002 and is refused.
FORWARD = """
CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""
BACKWARD = "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audit_action_reveal_refused")]
    operations = [migrations.RunPython(forward, backward)]
