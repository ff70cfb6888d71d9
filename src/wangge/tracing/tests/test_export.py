"""The investigation list's Excel export: the investigations in reach, cases masked, audited."""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import login, rows_of
from wangge.tracing.models import Investigation

pytestmark = pytest.mark.django_db


@pytest.fixture
def outside_investigation(city):
    case = city["residents"]["C"]
    return Investigation.objects.create(case=case, grid_code=case.grid_code)


def test_the_export_holds_the_investigations_in_reach_and_not_the_others(cdc, investigation, outside_investigation):
    rows = rows_of(login(cdc).get(reverse("tracing:investigation_export")))
    assert rows[0][:2] == ["流调编号", "病例"]
    assert [r[0] for r in rows[1:]] == [investigation.pk]


def test_the_export_masks_the_cases_id_number_and_phone(cdc, investigation):
    case = investigation.case
    row = rows_of(login(cdc).get(reverse("tracing:investigation_export")))[1]
    assert row[1:4] == [case.name, case.id_number_masked, case.phone_masked]
    assert case.id_number not in row and case.phone not in row


def test_the_export_follows_the_status_filter(cdc, investigation):
    Investigation.objects.filter(pk=investigation.pk).update(status=Investigation.Status.CLOSED)
    response = login(cdc).get(reverse("tracing:investigation_export"), {"status": "open"})
    assert rows_of(response)[1:] == []


def test_the_export_writes_one_audit_entry_with_the_row_count(cdc, investigation):
    b"".join(login(cdc).get(reverse("tracing:investigation_export"), {"status": "open"}).streaming_content)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="tracing.investigation")
    assert entry.changes["rows"] == 1 and entry.changes["filters"] == {"status": "open"}
    assert entry.actor_id == cdc.pk


def test_an_outsider_exports_none_of_the_investigations_out_of_reach(outsider, investigation):
    assert rows_of(login(outsider).get(reverse("tracing:investigation_export")))[1:] == []


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_exported(investigation):
    response = Client().get(reverse("tracing:investigation_export"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_list_links_to_the_export(cdc, investigation):
    body = login(cdc).get(reverse("tracing:investigation_list"), {"status": "open"}).content.decode()
    assert reverse("tracing:investigation_export") + "?status=open" in body
