"""The audit log holds against the database account itself: nobody may TRUNCATE it, and the
platform can run as a role that may only read and append to it (``wangge grant_app_role``)."""

from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from wangge.audit import services as audit
from wangge.audit.models import AuditEntry
from wangge.core.testing.factories import valid_id_number
from wangge.people.services import resident_create

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="TRUNCATE, database roles and grants exist only on PostgreSQL (SQLite has one file and no users)",
)
APP_ROLE = "wangge_app_role_test"


@pytest.fixture
def entry(city, grid_worker, actor):
    return audit.record(actor=actor(grid_worker), action="view", obj=city["residents"]["A"])


def refused(sql: str) -> DatabaseError:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return caught.value


INSUFFICIENT_PRIVILEGE = "42501"  # also "must be owner of table"


@pytest.fixture
def app_role(db):
    """A login role created inside the test's transaction, so the rollback removes it again."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER")
    return APP_ROLE


@contextmanager
def acting_as(role: str):
    """Every statement in the block is checked against ``role``'s privileges, as if it had logged in."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def test_sqlite_refuses_deleting_every_audit_row(entry):
    # SQLite has no TRUNCATE; its nearest, DELETE without WHERE, meets the row trigger.
    refused("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@postgres_only
def test_truncate_is_refused_even_for_the_owner(entry):
    refused("TRUNCATE audit_auditentry")
    refused("TRUNCATE audit_auditentry RESTART IDENTITY CASCADE")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@postgres_only
def test_the_app_role_can_append_and_read_the_audit_log(entry, app_role, grid_worker, actor, city):
    call_command("grant_app_role", app_role)
    with acting_as(app_role):
        written = audit.record(actor=actor(grid_worker), action="view", obj=city["residents"]["B"])
        assert set(AuditEntry.objects.values_list("pk", flat=True)) == {entry.pk, written.pk}


@postgres_only
@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditentry SET note = 'rewritten'",
    "DELETE FROM audit_auditentry",
    "TRUNCATE audit_auditentry",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_entry_append_only ON audit_auditentry",
    "DROP TRIGGER audit_entry_no_truncate ON audit_auditentry",
    "DROP TABLE audit_auditentry",
    "SELECT setval('audit_auditentry_id_seq', 1)",
])
def test_the_app_role_cannot_rewrite_the_audit_log(entry, app_role, sql):
    call_command("grant_app_role", app_role)
    with acting_as(app_role):
        error = refused(sql)
    # Refused for want of the privilege, not only by the triggers the owner could switch off.
    assert error.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE
    assert AuditEntry.objects.filter(pk=entry.pk, note="").exists()


@postgres_only
def test_the_app_role_does_the_platforms_ordinary_work(city, grid_worker, actor, app_role):
    call_command("grant_app_role", app_role)
    with acting_as(app_role):
        resident = resident_create(actor=actor(grid_worker), household_id=city["households"]["A"][1].pk,
                                   data={"name": "周老太", "id_number": valid_id_number(male=False)})
        assert AuditEntry.objects.filter(action="create", object_id=str(resident.pk)).exists()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE people_resident SET note = 'ok' WHERE id = %s", [resident.pk])


@postgres_only
def test_grant_app_role_refuses_a_role_that_does_not_exist(db):
    with pytest.raises(CommandError, match="不存在"):
        call_command("grant_app_role", "wangge_no_such_role")


@postgres_only
def test_grant_app_role_refuses_the_owner_of_the_audit_table(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditentry'")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError):
        call_command("grant_app_role", owner)


@postgres_only
def test_grant_app_role_can_print_the_sql_instead(db, app_role, capsys):
    call_command("grant_app_role", app_role, "--print")
    sql = capsys.readouterr().out
    assert f'GRANT SELECT, INSERT ON TABLE "audit_auditentry" TO "{app_role}";' in sql
    with acting_as(app_role):  # printed, not run
        refused("INSERT INTO audit_auditentry (at, actor_username, user_agent, channel, action, object_type,"
                " object_id, object_repr, grid_code, field, changes, note)"
                " VALUES (now(), 'x', '', 'web', 'view', 'x', '', '', '', '', '{}', '')")


def test_grant_app_role_is_for_postgresql_only(db):
    if connection.vendor == "postgresql":
        pytest.skip("checks the SQLite answer")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("grant_app_role", "someone")
