"""The transfer API: facilities with occupancy, transfers and their steps, admissions, scoping."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.testing import Api
from wangge.core.testing.factories import make_vehicle
from wangge.transfer.models import Admission

pytestmark = pytest.mark.django_db


def body(residents, destination, *, vehicle=None, **extra):
    start = timezone.now() + dt.timedelta(hours=1)
    vehicle = vehicle or make_vehicle(seats=4)
    return {"resident_ids": [r.pk for r in residents], "origin": "社区门口", "destination_id": destination.pk,
            "vehicles": [{"vehicle_id": vehicle.pk, "driver": "张师傅",
                          "escorts": [{"name": "王医生", "phone": "13900000000"}]}],
            "planned_departure": start.isoformat(), "planned_arrival": (start + dt.timedelta(hours=1)).isoformat(),
            **extra}


def test_facilities_list_shows_capacity_and_occupancy(city, street_officer, fangcang):
    response = Api(street_officer).get("/facilities")
    assert response.status_code == 200
    [row] = response.json()
    assert (row["name"], row["capacity"], row["occupied"], row["free"]) == ("洪山体育馆方舱", 3, 0, 3)


def test_a_facility_of_another_district_is_not_listed(city, street_officer):
    from wangge.transfer.models import Facility

    Facility.objects.create(name="江岸方舱", tier=2, capacity=10, grid_code="420102")
    assert Api(street_officer).get("/facilities").json() == []


def test_a_transfer_is_created_stepped_and_handed_over_through_the_api(city, street_officer, fangcang):
    api = Api(street_officer)
    created = api.post("/transfers", body([city["residents"]["A"]], fangcang))
    assert created.status_code == 201, created.json()
    tid = created.json()["id"]
    assert created.json()["patients"][0]["id_number_masked"].count("*") > 0
    assert api.post(f"/transfers/{tid}/depart").json()["code"] == "not_acknowledged"
    assert api.post(f"/transfers/{tid}/acknowledge", {"name": "李护士长"}).json()["acknowledged_name"] == "李护士长"
    assert api.post(f"/transfers/{tid}/depart").json()["status"] == "en_route"
    assert api.post(f"/transfers/{tid}/arrive").json()["status"] == "arrived"
    done = api.post(f"/transfers/{tid}/handover", {"received_by": "李护士长"})
    assert done.json()["status"] == "handed_over"
    assert Admission.objects.filter(transfer_id=tid).count() == 1
    assert AuditEntry.objects.filter(object_id=str(tid), channel="api", action="update").count() == 4


def test_a_step_out_of_order_answers_409_with_a_chinese_message(city, street_officer, fangcang):
    api = Api(street_officer)
    tid = api.post("/transfers", body([city["residents"]["A"]], fangcang)).json()["id"]
    response = api.post(f"/transfers/{tid}/arrive")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert "不能标记为" in response.json()["message"]


def test_a_full_destination_answers_409(city, street_officer, fangcang):
    fangcang.capacity = 0
    fangcang.save()
    response = Api(street_officer).post("/transfers", body([city["residents"]["A"]], fangcang))
    assert response.status_code == 409


def test_transfers_out_of_reach_are_not_listed_and_their_detail_is_404(city, street_officer, outsider, fangcang):
    tid = Api(street_officer).post("/transfers", body([city["residents"]["A"]], fangcang)).json()["id"]
    api = Api(outsider)
    assert api.get("/transfers").json()["items"] == []
    assert api.get(f"/transfers/{tid}").status_code == 404
    assert api.post(f"/transfers/{tid}/depart").status_code == 404


def test_transfer_list_pages_with_a_cursor(city, street_officer, fangcang):
    fangcang.capacity = 10
    fangcang.save()
    api = Api(street_officer)
    for key in ("A", "A2", "B"):
        api.post("/transfers", body([city["residents"][key]], fangcang))
    first = api.get("/transfers", limit=2).json()
    second = api.get("/transfers", limit=2, cursor=first["next_cursor"]).json()
    ids = [t["id"] for t in first["items"] + second["items"]]
    assert len(ids) == 3 == len(set(ids))


def test_a_hospital_system_pushes_an_admission(city, cdc, fangcang):
    resident = city["residents"]["A"]
    response = Api(cdc).post("/admissions", {"resident_id": resident.pk, "facility_id": fangcang.pk,
                                                  "admitted_at": timezone.now().isoformat()})
    assert response.status_code == 201, response.json()
    assert response.json()["facility_id"] == fangcang.pk
    assert AuditEntry.objects.filter(object_type="transfer.admission", channel="api").exists()


def test_an_admission_of_a_resident_out_of_reach_is_404(city, outsider, fangcang):
    outsider.role = "cdc"
    outsider.save()
    response = Api(outsider).post("/admissions", {"resident_id": city["residents"]["A"].pk,
                                                  "facility_id": fangcang.pk,
                                                  "admitted_at": timezone.now().isoformat()})
    assert response.status_code == 404
