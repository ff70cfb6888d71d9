"""The /api/v1/screening endpoints: scoped (out of reach is 404), audited, keyset-paginated."""

from wangge.audit.models import AuditEntry
from wangge.core.testing import Api
from wangge.health.models import EpidemicStatus, PersonStatus
from wangge.screening.models import SelfDeclaration, Visit
from wangge.screening.services import declaration_link_for


def test_the_campaign_list_includes_the_street_campaign_for_a_grid_worker(campaign, grid_worker):
    response = Api(grid_worker).get("/screening/campaigns")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [campaign.pk]


def test_an_outsider_lists_no_campaigns(campaign, outsider):
    assert Api(outsider).get("/screening/campaigns").json() == {"items": [], "next_cursor": None}


def test_a_campaign_is_created_through_the_api(city, street_officer, today):
    response = Api(street_officer).post("/screening/campaigns", {
        "name": "API排查", "area_code": "420106001001001", "start_date": str(today), "end_date": str(today),
        "frequency": "once"})
    assert response.status_code == 201, response.content
    assert response.json()["area_prefix"] == "420106001001001"
    assert AuditEntry.objects.filter(object_type="screening.campaign", channel="api").exists()


def test_creating_a_campaign_outside_reach_is_404(city, outsider, today):
    response = Api(outsider).post("/screening/campaigns", {
        "name": "x", "area_code": "420106001000", "start_date": str(today), "end_date": str(today)})
    assert response.status_code == 404


def test_a_visit_with_a_fever_is_recorded_and_the_person_becomes_a_lead(campaign, city, grid_worker):
    a = city["residents"]["A"]
    response = Api(grid_worker).post("/screening/visits", {
        "campaign_id": campaign.pk, "household_id": city["households"]["A"][0].pk, "outcome": "visited",
        "members": [{"resident_id": a.pk, "temperature": "38.2"}]})
    assert response.status_code == 201, response.content
    assert response.json()["leads"] == [a.pk]
    assert PersonStatus.objects.get(resident=a).status == EpidemicStatus.FEVER


def test_a_bad_temperature_is_422_in_chinese_and_nothing_is_written(campaign, city, grid_worker):
    response = Api(grid_worker).post("/screening/visits", {
        "campaign_id": campaign.pk, "household_id": city["households"]["A"][0].pk, "outcome": "visited",
        "members": [{"resident_id": city["residents"]["A"].pk, "temperature": 45}]})
    assert response.status_code == 422
    assert "34.0 至 43.0" in response.json()["errors"]["members.0.temperature"]
    assert not Visit.objects.exists()


def test_a_visit_to_a_household_outside_reach_is_404(campaign, city, grid_worker):
    response = Api(grid_worker).post("/screening/visits", {
        "campaign_id": campaign.pk, "household_id": city["households"]["B"][0].pk, "outcome": "nobody_home"})
    assert response.status_code == 404


def test_coverage_of_a_campaign(campaign, city, street_officer):
    api = Api(street_officer)
    api.post("/screening/visits", {"campaign_id": campaign.pk, "household_id": city["households"]["B"][0].pk,
                                   "outcome": "visited",
                                   "members": [{"resident_id": city["residents"]["B"].pk, "temperature": 36.5}]})
    body = api.get(f"/screening/campaigns/{campaign.pk}/coverage", within="420106001001").json()
    assert (body["area"]["households_covered"], body["area"]["households_total"]) == (1, 4)
    assert len(body["children"]) == 2 and len(body["history"]) == 2


def test_coverage_and_missing_are_404_for_an_outsider(campaign, outsider):
    api = Api(outsider)
    assert api.get(f"/screening/campaigns/{campaign.pk}/coverage").status_code == 404
    assert api.get(f"/screening/campaigns/{campaign.pk}/missing").status_code == 404


def test_coverage_of_an_area_outside_reach_is_404(campaign, grid_worker):
    response = Api(grid_worker).get(f"/screening/campaigns/{campaign.pk}/coverage", within="420106001001002")
    assert response.status_code == 404


def test_the_missing_list_follows_its_cursor(campaign, city, street_officer):
    api = Api(street_officer)
    first = api.get(f"/screening/campaigns/{campaign.pk}/missing", limit=3).json()
    second = api.get(f"/screening/campaigns/{campaign.pk}/missing", limit=3, cursor=first["next_cursor"]).json()
    assert len(first["items"]) == 3 and len(second["items"]) == 1 and second["next_cursor"] is None


def test_a_resident_declares_without_logging_in(campaign, city, grid_worker, actor):
    link = declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)
    response = Api().post(f"/screening/declare/{link.token}", {
        "resident_id": city["residents"]["A"].pk, "temperature": "36.6", "symptoms": []})
    assert response.status_code == 201, response.content
    assert SelfDeclaration.objects.count() == 1


def test_an_unknown_token_is_404(city):
    response = Api().post("/screening/declare/nope", {"resident_id": 1, "temperature": "36.6"})
    assert response.status_code == 404
