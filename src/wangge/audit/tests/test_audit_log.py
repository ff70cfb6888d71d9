"""The audit log is append-only (in the ORM and in the database), records before/after, and is
read through one selector that narrows to the auditor's reach."""

import pytest
from django.db import DatabaseError, connection, transaction

from wangge.audit import services as audit
from wangge.audit.models import AuditEntry, AuditLogIsAppendOnly
from wangge.audit.selectors import AuditFilters, audit_entry_list
from wangge.core.testing import GRID_A, GRID_C
from wangge.people.services import resident_update


@pytest.fixture
def entry(city, grid_worker, actor):
    return audit.record(actor=actor(grid_worker), action="view", obj=city["residents"]["A"])


def test_an_entry_cannot_be_saved_again(entry):
    entry.note = "改写历史"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_queryset_update_is_refused(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(note="改写历史")


def test_a_queryset_delete_is_refused(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1


def test_raw_sql_update_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET note = %s WHERE id = %s", ["改写历史", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


def test_raw_sql_delete_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_change_records_before_and_after(city, grid_worker, actor):
    resident = city["residents"]["A"]
    resident_update(actor=actor(grid_worker), resident_id=resident.pk, data={"name": "张伟伟", "note": "新登记"})
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"name": ["张伟", "张伟伟"], "note": ["", "新登记"]}
    assert (entry.actor_username, entry.ip_address, entry.user_agent) == ("gw_a", "127.0.0.1", "pytest")
    assert entry.object_type == "people.resident"
    assert entry.object_id == str(resident.pk)


def test_an_entry_is_filed_under_the_records_grid(entry):
    assert entry.grid_code == GRID_A


def test_the_auditor_reads_only_entries_in_their_reach(city, grid_worker, outsider, auditor, actor):
    inside = audit.record(actor=actor(grid_worker), action="view", obj=city["residents"]["A"])
    outside = audit.record(actor=actor(outsider), action="view", obj=city["residents"]["C"])
    visible = set(audit_entry_list(user=auditor).values_list("pk", flat=True))
    assert inside.pk in visible
    assert outside.pk not in visible
    assert AuditEntry.objects.get(pk=outside.pk).grid_code == GRID_C


def test_the_auditor_can_filter_by_action_and_person(city, grid_worker, auditor, actor):
    resident = city["residents"]["A"]
    audit.record(actor=actor(grid_worker), action="view", obj=resident)
    audit.record(actor=actor(grid_worker), action="reveal", obj=resident, field="phone")
    reveals = audit_entry_list(user=auditor, filters=AuditFilters(action="reveal", object_id=str(resident.pk)))
    assert [e.field for e in reveals] == ["phone"]
    assert audit_entry_list(user=auditor, filters=AuditFilters(actor_username="nobody")).count() == 0


@pytest.mark.parametrize("role_fixture", ["grid_worker", "outsider", "volunteer"])
def test_roles_other_than_auditor_and_command_read_nothing(request, entry, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert audit_entry_list(user=user).count() == 0


def test_street_command_reads_its_street(entry, street_officer):
    assert list(audit_entry_list(user=street_officer)) == [entry]
