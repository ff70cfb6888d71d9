"""The resident detail page and the audited reveal of a masked field."""

import pytest
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import force_login

pytestmark = pytest.mark.django_db


# Every reveal says why (the purpose's own tests are in test_reveal_purpose.py).
PURPOSE = {"purpose": "tracing"}


def detail_url(resident):
    return reverse("people:resident_detail", args=[resident.pk])


def reveal_url(resident, field):
    return reverse("people:resident_reveal", args=[resident.pk, field])


def test_anonymous_user_is_sent_to_login(client, city):
    response = client.get(detail_url(city["residents"]["A"]))
    assert response.status_code == 302


def test_detail_shows_masked_values_and_breadcrumb(client, city, grid_worker):
    resident = city["residents"]["A"]
    response = force_login(client, grid_worker).get(detail_url(resident))
    html = response.content.decode()
    assert response.status_code == 200
    assert resident.id_number_masked in html and resident.id_number not in html
    assert resident.phone_masked in html and resident.phone not in html
    assert [c.name for c in response.context["crumbs"]][-2:] == [resident.household.door_number, "张伟"]
    assert reverse("grid:household", args=[resident.household_id]) in html


def test_detail_writes_a_view_audit_entry(client, city, grid_worker):
    resident = city["residents"]["A"]
    force_login(client, grid_worker).get(detail_url(resident), REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.actor_username, entry.object_id, entry.ip_address) == ("gw_a", str(resident.pk), "10.1.2.3")


def test_detail_outside_reach_is_404_and_not_audited(client, city, outsider):
    response = force_login(client, outsider).get(detail_url(city["residents"]["A"]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_detail_offers_reveal_buttons_to_roles_that_may_reveal(client, city, grid_worker):
    html = force_login(client, grid_worker).get(detail_url(city["residents"]["A"])).content.decode()
    assert 'data-testid="reveal-id_number"' in html
    assert 'data-testid="reveal-phone"' in html


def test_volunteer_gets_no_reveal_button(client, city, volunteer):
    html = force_login(client, volunteer).get(detail_url(city["residents"]["A"])).content.decode()
    assert "reveal-id_number" not in html


def test_reveal_returns_the_plain_value_and_is_audited(client, city, grid_worker):
    resident = city["residents"]["A"]
    response = force_login(client, grid_worker).post(reveal_url(resident, "id_number"), PURPOSE, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="id-number"' in response.content.decode()
    assert resident.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.actor_username, entry.object_id, entry.field) == ("gw_a", str(resident.pk), "id_number")


def test_reveal_of_phone_returns_the_phone(client, city, grid_worker):
    resident = city["residents"]["A"]
    response = force_login(client, grid_worker).post(reveal_url(resident, "phone"), PURPOSE, HTTP_HX_REQUEST="true")
    assert resident.phone in response.content.decode()
    assert AuditEntry.objects.get(action=AuditAction.REVEAL).field == "phone"


def test_reveal_without_javascript_shows_the_page_with_the_value(client, city, grid_worker):
    resident = city["residents"]["A"]
    response = force_login(client, grid_worker).post(reveal_url(resident, "id_number"), PURPOSE)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="id-number">{resident.id_number}<' in html
    assert resident.phone not in html


def test_volunteer_cannot_reveal(client, city, volunteer):
    resident = city["residents"]["A"]
    response = force_login(client, volunteer).post(reveal_url(resident, "id_number"), PURPOSE, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "不能查看完整的证件号码" in response.content.decode()
    assert resident.id_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_outside_reach_is_404(client, city, outsider):
    response = force_login(client, outsider).post(reveal_url(city["residents"]["A"], "id_number"), PURPOSE)
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_of_another_field_is_refused(client, city, grid_worker):
    response = force_login(client, grid_worker).post(reveal_url(city["residents"]["A"], "name"), PURPOSE)
    assert response.status_code == 400


def test_reveal_needs_a_post(client, city, grid_worker):
    response = force_login(client, grid_worker).get(reveal_url(city["residents"]["A"], "id_number"))
    assert response.status_code == 405
