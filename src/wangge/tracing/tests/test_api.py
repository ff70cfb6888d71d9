"""The /api/v1/tracing endpoints: scoped, audited, contacts all or nothing."""

from wangge.core.testing import api_client
from wangge.core.testing.factories import valid_id_number
from wangge.tracing.models import Contact


def post(user, path, body):
    return api_client(user).post(f"/api/v1{path}", body, content_type="application/json")


def test_the_list_is_scoped(cdc, outsider, investigation):
    assert [i["case_name"] for i in api_client(cdc).get("/api/v1/tracing/investigations").json()["items"]] == ["王芳"]
    assert api_client(outsider).get("/api/v1/tracing/investigations").json()["items"] == []


def test_the_detail_out_of_reach_is_404(outsider, investigation):
    assert api_client(outsider).get(f"/api/v1/tracing/investigations/{investigation.pk}").status_code == 404


def test_a_cdc_system_adds_trajectory_and_contacts(city, street_officer, investigation, site):
    base = f"/tracing/investigations/{investigation.pk}"
    response = post(street_officer, f"{base}/trajectory", {"place": "菜市场", "start": "2022-03-01T08:00:00+08:00"})
    assert response.status_code == 201
    known = city["residents"]["A"]
    response = post(street_officer, f"{base}/contacts", {
        "regime_code": "5+3", "place": "central", "site_id": site.pk, "contacts": [
            {"resident_id": city["residents"]["A2"].pk},
            {"name": "张伟", "id_number": known.id_number, "household_id": city["households"]["A"][1].pk},
            {"name": "赵敏", "id_number": valid_id_number(male=False), "household_id": city["households"]["A"][1].pk},
        ]})
    assert response.status_code == 201, response.json()
    added = response.json()
    assert [c["room_number"] for c in added] == ["101", "102", "103"]
    assert [c["matched_by_id_number"] for c in added] == [False, True, False]
    detail = api_client(street_officer).get(f"/api/v1{base}").json()
    assert len(detail["trajectory"]) == 1 and len(detail["contacts"]) == 3
    assert all(c["quarantine_status"] == "active" for c in detail["contacts"])


def test_contacts_out_of_reach_investigation_is_404(city, outsider, investigation):
    response = post(outsider, f"/tracing/investigations/{investigation.pk}/contacts",
                    {"regime_code": "7+3", "contacts": [{"resident_id": city["residents"]["C"].pk}]})
    assert response.status_code == 404
    assert Contact.objects.count() == 0
