"""The inbox's filters are declared once (``AlertFilters``): the page and the API apply them alike."""

import pytest
from django.urls import reverse

from wangge.alerts.models import AlertRead
from wangge.alerts.services import alert_raise, alert_resolve
from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import GRID_A, Api, login, rows_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(city, street_officer):
    for key, kind in (("late", "transfer_late"), ("missed", "missed_report"), ("done", "transfer_late")):
        alert_raise(kind=kind, role="command", grid_code=GRID_A, title=f"预警 {key}", dedupe_key=key)
    alert_resolve(dedupe_key="done")
    read, _ = alert_raise(kind="missed_report", role="command", grid_code=GRID_A, title="预警 read",
                          dedupe_key="read")
    AlertRead.objects.create(alert=read, user=street_officer)


@pytest.mark.parametrize("query", [
    {}, {"kind": "transfer_late"}, {"include_resolved": "1"}, {"include_resolved": "true", "kind": "transfer_late"},
    {"unread_only": "1"}, {"kind": ""}, {"include_resolved": "0"},
])
def test_the_page_and_the_api_list_the_same_alerts(alerts, street_officer, query):
    page = login(street_officer).get(reverse("alerts:inbox"), query)
    api = Api(street_officer).get("/alerts", **query)
    assert api.status_code == 200
    assert sorted(a.pk for a in page.context["alerts"]) == sorted(a["id"] for a in api.json()["items"])


@pytest.mark.parametrize("query, field", [({"kind": "nonsense"}, "kind"), ({"include_resolved": "maybe"},
                                                                          "include_resolved")])
def test_a_bad_filter_is_a_422_in_the_api_and_a_message_on_the_page(alerts, street_officer, query, field):
    api = Api(street_officer).get("/alerts", **query)
    assert api.status_code == 422
    assert field in api.json()["errors"]
    page = login(street_officer).get(reverse("alerts:inbox"), query)
    assert page.status_code == 200
    assert api.json()["errors"][field] in page.content.decode()
    assert len(page.context["alerts"]) == 3  # the bad filter left out


def test_a_bad_filter_is_left_out_of_the_export_and_its_audit_entry(alerts, street_officer):
    rows = rows_of(login(street_officer).get(reverse("alerts:export"), {"kind": "nonsense", "unread_only": "1"}))
    assert len(rows) == 1 + 2
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="alerts.alert")
    assert entry.changes["filters"] == {"unread_only": True}
