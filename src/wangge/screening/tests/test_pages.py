"""Screening pages: scoped (out of reach is 404), the visit form's save and next door, the public page."""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import login
from wangge.health.models import EpidemicStatus, PersonStatus
from wangge.screening.models import SelfDeclaration, Visit
from wangge.screening.services import declaration_link_for


def test_the_campaign_list_shows_the_street_campaign_to_a_grid_worker(campaign, grid_worker):
    response = login(grid_worker).get(reverse("screening:campaign_list"))
    assert response.status_code == 200 and campaign.name in response.content.decode()


def test_a_street_officer_creates_a_campaign_from_the_page(city, street_officer, today):
    response = login(street_officer).post(reverse("screening:campaign_new"), {
        "name": "新任务", "area_code": "420106001000", "start_date": today, "end_date": today, "frequency": "once"})
    assert response.status_code == 302


def test_a_grid_worker_may_not_open_the_create_page(city, grid_worker):
    assert login(grid_worker).get(reverse("screening:campaign_new")).status_code == 403


def test_the_dashboard_shows_coverage_children_and_missing(campaign, city, street_officer):
    response = login(street_officer).get(reverse("screening:campaign", args=[campaign.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="children-table"' in body and 'data-testid="missing-table"' in body
    assert "0 / 4" in body


def test_the_missing_list_exports_an_audited_xlsx(campaign, city, street_officer):
    response = login(street_officer).get(reverse("screening:missing", args=[campaign.pk]), {"export": "xlsx"})
    assert response.status_code == 200
    b"".join(response.streaming_content)  # the entry is written as the download completes
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["rows"] == 4


@pytest.mark.parametrize("name", ["campaign", "missing", "campaign_today"])
def test_campaign_pages_are_404_for_an_outsider(campaign, outsider, name):
    assert login(outsider).get(reverse(f"screening:{name}", args=[campaign.pk])).status_code == 404


def test_the_dashboard_of_an_area_outside_reach_is_404(campaign, grid_worker):
    response = login(grid_worker).get(reverse("screening:campaign", args=[campaign.pk]), {"within": "420106001001002"})
    assert response.status_code == 404


def test_the_visit_form_of_a_household_outside_reach_is_404(campaign, city, grid_worker):
    url = reverse("screening:visit", args=[campaign.pk, city["households"]["B"][0].pk])
    assert login(grid_worker).get(url).status_code == 404
    assert login(grid_worker).post(url, {"outcome": "nobody_home"}).status_code == 404


def test_the_declaration_link_page_of_a_household_outside_reach_is_404(city, grid_worker):
    url = reverse("screening:declaration_link", args=[city["households"]["B"][0].pk])
    assert login(grid_worker).get(url).status_code == 404


def test_my_grid_today_goes_to_the_one_running_campaign(campaign, city, grid_worker):
    client = login(grid_worker)
    response = client.get(reverse("screening:my_today"), follow=True)
    assert response.status_code == 200
    assert 'data-testid="unit-list"' in response.content.decode()
    assert "未覆盖 2 / 2 户" in response.content.decode()


def test_the_visit_form_is_light_and_uses_the_numeric_keypad(campaign, city, grid_worker):
    a = city["residents"]["A"]
    body = login(grid_worker).get(reverse("screening:visit", args=[campaign.pk, a.household_id])).content.decode()
    assert 'inputmode="decimal"' in body and f'name="temp_{a.pk}"' in body
    assert "echarts" not in body and "leaflet" not in body


def test_saving_the_visit_form_makes_a_lead_and_opens_the_next_household(campaign, city, grid_worker):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    households = city["households"]["A"]
    response = login(grid_worker).post(reverse("screening:visit", args=[campaign.pk, households[0].pk]), {
        f"present_{a.pk}": "on", f"temp_{a.pk}": "38.2", f"q_contact_case_{a.pk}": "on", "outcome": "visited"})
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:visit", args=[campaign.pk, households[1].pk]) + "?next=1"
    visit = Visit.objects.get()
    assert {c.resident_id: c.present for c in visit.members.all()} == {a.pk: True, a2.pk: False}
    assert visit.members.get(resident=a).answers == {"travel_risk_area": False, "contact_case": True,
                                                     "arrived_from": ""}
    assert PersonStatus.objects.get(resident=a).status == EpidemicStatus.FEVER


def test_a_bad_temperature_in_the_form_shows_the_error_and_writes_nothing(campaign, city, grid_worker):
    a = city["residents"]["A"]
    response = login(grid_worker).post(reverse("screening:visit", args=[campaign.pk, a.household_id]), {
        f"present_{a.pk}": "on", f"temp_{a.pk}": "3.8", "outcome": "visited"})
    assert response.status_code == 422
    assert "34.0 至 43.0" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_public_page_lists_members_by_masked_name_and_accepts_a_declaration(campaign, city, grid_worker, actor):
    link = declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)
    url = reverse("screening:declare", args=[link.token])
    body = Client().get(url).content.decode()
    assert "张*" in body and "张伟" not in body
    response = Client().post(url, {"resident_id": city["residents"]["A"].pk, "temperature": "36.7"})
    assert response.status_code == 302 and SelfDeclaration.objects.count() == 1


def test_an_unknown_declaration_token_is_404(city):
    assert Client().get(reverse("screening:declare", args=["x" * 32])).status_code == 404


def test_the_declaration_link_page_shows_a_qr_code(city, grid_worker):
    pytest.importorskip("segno")
    client = login(grid_worker)
    url = reverse("screening:declaration_link", args=[city["households"]["A"][0].pk])
    client.post(url)
    body = client.get(url).content.decode()
    assert "<svg" in body and "/screening/d/" in body
