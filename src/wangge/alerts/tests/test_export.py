"""The alert inbox's Excel export: the user's alerts (role and reach), the page's filters, audited."""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.alerts.models import AlertRead
from wangge.alerts.services import alert_raise, alert_resolve
from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import login, rows_of

pytestmark = pytest.mark.django_db

GRID_A = "420106001001001"
GRID_C = "420106002001001"


def raise_for(role, grid_code, key, kind="missed_report"):
    alert, _ = alert_raise(kind=kind, role=role, grid_code=grid_code, title=f"预警 {key}", dedupe_key=key)
    return alert


def test_the_export_holds_the_users_alerts_unread_first_and_not_the_others(city, grid_worker):
    old = raise_for("grid_worker", GRID_A, "a1")
    new = raise_for("grid_worker", GRID_A, "a2")
    raise_for("grid_worker", GRID_C, "other-street")
    raise_for("cdc", GRID_A, "other-role")
    AlertRead.objects.create(alert=new, user=grid_worker)
    rows = rows_of(login(grid_worker).get(reverse("alerts:export")))
    assert rows[0][:3] == ["预警编号", "类型", "标题"]
    assert [(r[0], r[6]) for r in rows[1:]] == [(old.pk, None), (new.pk, "是")]


def test_the_export_follows_the_kind_and_resolved_filters(city, street_officer):
    raise_for("command", GRID_A, "late", kind="transfer_late")
    raise_for("command", GRID_A, "missed", kind="missed_report")
    raise_for("command", GRID_A, "late-done", kind="transfer_late")
    alert_resolve(dedupe_key="late-done")
    client = login(street_officer)
    titles = [r[2] for r in rows_of(client.get(reverse("alerts:export"), {"kind": "transfer_late"}))[1:]]
    assert titles == ["预警 late"]
    response = client.get(reverse("alerts:export"), {"kind": "transfer_late", "include_resolved": "1"})
    titles = [r[2] for r in rows_of(response)[1:]]
    assert sorted(titles) == ["预警 late", "预警 late-done"]


def test_the_export_writes_one_audit_entry_with_the_row_count(city, grid_worker):
    raise_for("grid_worker", GRID_A, "a1")
    raise_for("grid_worker", GRID_A, "a2", kind="fever")
    b"".join(login(grid_worker).get(reverse("alerts:export"), {"kind": "fever"}).streaming_content)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="alerts.alert")
    assert entry.changes["rows"] == 1 and entry.changes["filters"] == {"kind": "fever"}


def test_an_outsider_exports_none_of_the_alerts_out_of_reach(city, outsider):
    raise_for("community_worker", GRID_A, "a1")
    assert rows_of(login(outsider).get(reverse("alerts:export")))[1:] == []


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_exported(city):
    response = Client().get(reverse("alerts:export"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_inbox_links_to_the_export_with_its_filters(city, grid_worker):
    body = login(grid_worker).get(reverse("alerts:inbox"), {"kind": "fever"}).content.decode()
    assert reverse("alerts:export") + "?kind=fever" in body
