"""A sampling device's batches: idempotent by the device's batch id, repeats flagged, problems reported."""

from wangge.core.testing import Api
from wangge.testing.models import DeviceBatch, Sample, Tube


def _batch(point, city, batch_id="dev-1", barcodes=("B0001",)):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    return {"batch_id": batch_id, "point_id": point.pk, "tubes": [
        {"barcode": code, "samples": [{"resident_id": a.pk}, {"id_number": a2.id_number}]} for code in barcodes]}


def test_a_batch_records_its_tubes_and_people(city, point, grid_worker):
    response = Api(grid_worker).post("/testing/batches", _batch(point, city))
    assert response.status_code == 201, response.json()
    assert response.json() | {"problems": []} == {"batch_id": "dev-1", "created": True, "tubes": 1, "samples": 2,
                                                  "repeats": 0, "problems": []}
    tube = Tube.objects.get(barcode="B0001")
    assert (tube.size, tube.status, tube.capacity) == (2, "closed", 10)


def test_a_batch_sent_twice_records_once(city, point, grid_worker):
    api = Api(grid_worker)
    api.post("/testing/batches", _batch(point, city))
    again = api.post("/testing/batches", _batch(point, city))
    assert again.status_code == 200 and again.json()["created"] is False
    assert (DeviceBatch.objects.count(), Tube.objects.count(), Sample.objects.count()) == (1, 1, 2)


def test_a_person_sampled_again_in_another_batch_is_a_flagged_repeat(city, point, grid_worker):
    api = Api(grid_worker)
    api.post("/testing/batches", _batch(point, city))
    second = api.post("/testing/batches", _batch(point, city, batch_id="dev-2", barcodes=("B0002",))).json()
    assert (second["samples"], second["repeats"]) == (0, 2)
    assert Sample.objects.filter(repeat=False).count() == 2


def test_a_person_twice_in_one_batch_is_counted_once(city, point, grid_worker):
    response = Api(grid_worker).post("/testing/batches", _batch(point, city, barcodes=("B0003", "B0004"))).json()
    assert (response["samples"], response["repeats"]) == (2, 2)


def test_a_used_barcode_and_an_unknown_person_are_reported_and_the_rest_recorded(city, point, grid_worker):
    api = Api(grid_worker)
    api.post("/testing/batches", _batch(point, city))
    body = _batch(point, city, batch_id="dev-3", barcodes=("B0001", "B0005"))
    body["tubes"][1]["samples"].append({"id_number": city["residents"]["C"].id_number})  # out of reach
    response = api.post("/testing/batches", body).json()
    assert sorted(p["code"] for p in response["problems"]) == ["barcode_used", "not_found"]
    assert response["tubes"] == 1
    assert city["residents"]["C"].id_number not in str(response)


def test_a_point_outside_the_reach_is_404(city, point, outsider):
    response = Api(outsider).post("/testing/batches", _batch(point, city))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_role_that_may_not_sample_is_refused(city, point, auditor):
    response = Api(auditor).post("/testing/batches", _batch(point, city))
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_a_batch_replayed_by_someone_out_of_reach_learns_nothing(city, point, grid_worker, outsider):
    Api(grid_worker).post("/testing/batches", _batch(point, city))
    response = Api(outsider).post("/testing/batches", _batch(point, city))
    assert response.status_code == 404
