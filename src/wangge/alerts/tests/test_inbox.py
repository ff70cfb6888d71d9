"""The alert inbox: scoped by role and reach, unread first, kind filter, mark read, badge, API."""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.accounts.services import api_token_issue
from wangge.alerts.models import AlertRead
from wangge.alerts.services import alert_raise
from wangge.core.testing import login

pytestmark = pytest.mark.django_db

GRID_A = "420106001001001"
GRID_C = "420106002001001"


def raise_for(role, grid_code, key, kind="missed_report", link="/people/residents/1/"):
    alert, _ = alert_raise(kind=kind, role=role, grid_code=grid_code, title=f"预警 {key}", dedupe_key=key, link=link)
    return alert


def test_the_inbox_lists_alerts_for_the_users_role_in_reach_unread_first(city, grid_worker):
    old = raise_for("grid_worker", GRID_A, "a1")
    new = raise_for("grid_worker", GRID_A, "a2")
    raise_for("grid_worker", GRID_C, "other-street")
    raise_for("cdc", GRID_A, "other-role")
    AlertRead.objects.create(alert=new, user=grid_worker)
    alerts = login(grid_worker).get(reverse("alerts:inbox")).context["alerts"]
    assert [a.pk for a in alerts] == [old.pk, new.pk]


def test_the_inbox_filters_by_kind(city, street_officer):
    raise_for("command", GRID_A, "late", kind="transfer_late")
    raise_for("command", GRID_A, "missed", kind="missed_report")
    alerts = login(street_officer).get(reverse("alerts:inbox"), {"kind": "transfer_late"}).context["alerts"]
    assert [a.dedupe_key for a in alerts] == ["late"]


def test_opening_an_alert_marks_it_read_and_goes_to_the_record(city, grid_worker):
    alert = raise_for("grid_worker", GRID_A, "a1", link="/people/residents/7/")
    response = login(grid_worker).get(reverse("alerts:open", args=[alert.pk]))
    assert response.status_code == 302 and response["Location"] == "/people/residents/7/"
    assert AlertRead.objects.filter(alert=alert, user=grid_worker).exists()


def test_another_streets_alert_is_404_when_opened_or_marked(city, outsider):
    alert = raise_for("community_worker", GRID_A, "a1")
    client = login(outsider)
    assert client.get(reverse("alerts:open", args=[alert.pk])).status_code == 404
    assert client.post(reverse("alerts:read", args=[alert.pk])).status_code == 404


def test_marking_read_with_htmx_returns_the_row(city, grid_worker):
    alert = raise_for("grid_worker", GRID_A, "a1")
    response = login(grid_worker).post(reverse("alerts:read", args=[alert.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="alert-{alert.pk}"' in response.content.decode()
    assert response["HX-Trigger"] == "alerts-changed"
    assert AlertRead.objects.filter(alert=alert, user=grid_worker).exists()


def test_the_badge_shows_the_unread_count_and_nothing_when_all_read(city, grid_worker):
    alert = raise_for("grid_worker", GRID_A, "a1")
    raise_for("grid_worker", GRID_A, "a2")
    client = login(grid_worker)
    assert ">2<" in client.get(reverse("alerts:badge")).content.decode()
    AlertRead.objects.create(alert=alert, user=grid_worker)
    assert ">1<" in client.get(reverse("alerts:badge")).content.decode()
    AlertRead.objects.create(alert_id=raise_for("grid_worker", GRID_A, "a2").pk, user=grid_worker)
    assert client.get(reverse("alerts:badge")).content == b""


def test_the_api_lists_the_callers_alerts_and_marks_one_read(city, grid_worker):
    alert = raise_for("grid_worker", GRID_A, "a1")
    raise_for("grid_worker", GRID_C, "foreign")
    client = Client(headers={"Authorization": f"Bearer {api_token_issue(user=grid_worker)}"})
    items = client.get("/api/v1/alerts").json()["items"]
    assert [(i["id"], i["is_read"]) for i in items] == [(alert.pk, False)]
    response = client.post(f"/api/v1/alerts/{alert.pk}/read")
    assert response.status_code == 200 and response.json()["is_read"] is True


def test_the_api_answers_404_for_an_alert_out_of_reach(city, outsider):
    alert = raise_for("community_worker", GRID_A, "a1")
    client = Client(headers={"Authorization": f"Bearer {api_token_issue(user=outsider)}"})
    assert client.post(f"/api/v1/alerts/{alert.pk}/read").status_code == 404
    assert client.get("/api/v1/alerts").json()["items"] == []


def test_the_inbox_pages_past_any_cap_and_counts_every_alert(city, grid_worker):
    from wangge.alerts.selectors import inbox_list
    from wangge.core.testing import login
    from wangge.core.testing.factories import make_alert
    from wangge.core.testing.pages import forged_cursor_restarts, walk_pages

    for i in range(5):
        make_alert(title=f"预警{i}")
    client = login(grid_worker)
    expected = list(inbox_list(user=grid_worker).values_list("pk", flat=True))
    assert len(expected) == 5
    assert walk_pages(client, "/alerts/", rows=lambda c: c["alerts"]) == expected
    assert forged_cursor_restarts(client, "/alerts/", rows=lambda c: c["alerts"]) == expected[:2]
    response = client.get("/alerts/", {"size": 2})
    assert response.context["total"] == 5 and "共 5 条" in response.content.decode()


def test_mark_all_read_marks_the_inbox_as_filtered_and_nothing_else(city, grid_worker):
    late = raise_for("grid_worker", GRID_A, "late", kind="transfer_late")
    missed = [raise_for("grid_worker", GRID_A, f"m{i}") for i in range(3)]
    other_street = raise_for("grid_worker", GRID_C, "other-street")
    other_role = raise_for("cdc", GRID_A, "other-role")
    AlertRead.objects.create(alert=missed[0], user=grid_worker)
    client = login(grid_worker)
    assert client.get(reverse("alerts:inbox")).context["unread"] == 3
    response = client.post(reverse("alerts:read_all"), {"kind": "missed_report"})
    assert response.status_code == 302 and response["Location"] == reverse("alerts:inbox") + "?kind=missed_report"
    read = set(AlertRead.objects.filter(user=grid_worker).values_list("alert_id", flat=True))
    assert read == {a.pk for a in missed}
    assert late.pk not in read and other_street.pk not in read and other_role.pk not in read
    client.post(reverse("alerts:read_all"))
    assert client.get(reverse("alerts:badge")).content == b""
    assert not AlertRead.objects.filter(alert__in=[other_street, other_role]).exists()


def test_mark_all_read_is_a_post(city, grid_worker):
    assert login(grid_worker).get(reverse("alerts:read_all")).status_code == 405
