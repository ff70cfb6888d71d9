"""The /api/v1/quarantine endpoints: scoped (out of reach is 404), audited, thin over the services."""

from wangge.audit.models import AuditEntry
from wangge.core.testing import api_client
from wangge.quarantine.tests.orders import make_order


def post(user, path, body):
    return api_client(user).post(f"/api/v1{path}", body, content_type="application/json")


def test_the_order_list_shows_only_orders_in_reach_with_masked_numbers(city, street_officer, outsider, actor):
    make_order(actor, street_officer, city["residents"]["A"])
    items = api_client(street_officer).get("/api/v1/quarantine/orders").json()["items"]
    assert len(items) == 1 and "*" in items[0]["id_number_masked"]
    assert api_client(outsider).get("/api/v1/quarantine/orders").json()["items"] == []


def test_an_order_out_of_reach_is_404(city, street_officer, outsider, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    assert api_client(outsider).get(f"/api/v1/quarantine/orders/{order.pk}").status_code == 404


def test_reading_an_order_is_audited_and_shows_its_schedule(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    body = api_client(street_officer).get(f"/api/v1/quarantine/orders/{order.pk}").json()
    assert [t["day"] for t in body["tests"]] == [1, 2, 3, 5, 7, 3]
    assert AuditEntry.objects.filter(action="view", object_id=str(order.pk), channel="api").exists()


def test_creating_a_central_order_takes_the_first_free_room(city, street_officer, site):
    response = post(street_officer, "/quarantine/orders", {
        "resident_id": city["residents"]["A"].pk, "regime_code": "5+3", "place": "central", "site_id": site.pk,
        "reason": "密切接触者"})
    assert response.status_code == 201, response.json()
    assert response.json()["room_number"] == "101"


def test_creating_an_order_for_someone_out_of_reach_is_404(city, outsider):
    response = post(outsider, "/quarantine/orders", {
        "resident_id": city["residents"]["A"].pk, "regime_code": "7+3", "place": "home", "reason": "密接"})
    assert response.status_code == 404


def test_a_lab_system_pushes_a_result(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = order.tests.order_by("due_date").first()
    response = post(cdc, f"/quarantine/tests/{test.pk}/result", {"result": "negative"})
    assert response.status_code == 200 and response.json()["result"] == "negative"


def test_a_result_for_a_test_out_of_reach_is_404(city, cdc, outsider, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = order.tests.first()
    assert post(outsider, f"/quarantine/tests/{test.pk}/result", {"result": "negative"}).status_code == 404


def test_release_refused_answers_422_in_chinese(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"], days_ago=10)
    response = post(street_officer, f"/quarantine/orders/{order.pk}/release", {})
    assert response.status_code == 422
    assert response.json()["code"] == "release_refused"
    assert "未出结果" in response.json()["message"]


def test_an_extension_through_the_api_needs_a_reason(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    assert post(street_officer, f"/quarantine/orders/{order.pk}/extend", {"days": 2, "reason": ""}).status_code == 422
    response = post(street_officer, f"/quarantine/orders/{order.pk}/extend", {"days": 2, "reason": "复核"})
    assert response.status_code == 200 and response.json()["extension_days"] == 2


def test_sites_list_their_live_occupancy_in_reach_only(city, street_officer, outsider, site, other_site):
    sites = api_client(street_officer).get("/api/v1/quarantine/sites").json()
    assert [(s["name"], s["beds"], s["free"]) for s in sites] == [("江滩酒店隔离点", 4, 4)]
    assert [s["name"] for s in api_client(outsider).get("/api/v1/quarantine/sites").json()] == ["外街道隔离点"]


def test_a_result_pushed_for_a_test_not_due_yet_is_a_coded_422(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = order.tests.order_by("-due_date").first()
    response = post(cdc, f"/quarantine/tests/{test.pk}/result", {"result": "negative"})
    assert response.status_code == 422 and response.json()["code"] == "test_not_due"


def test_the_refusal_of_a_future_result_answers_in_the_callers_language(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = order.tests.order_by("-due_date").first()
    client = api_client(cdc)
    zh = client.post(f"/api/v1/quarantine/tests/{test.pk}/result", {"result": "negative"},
                     content_type="application/json").json()
    en = client.post(f"/api/v1/quarantine/tests/{test.pk}/result", {"result": "negative"},
                     content_type="application/json", headers={"Accept-Language": "en"}).json()
    assert zh["code"] == en["code"] == "test_not_due"
    assert "未到日期" in zh["message"]


def test_a_lab_push_of_a_positive_needs_no_second_step(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = order.tests.order_by("due_date").first()
    response = post(cdc, f"/quarantine/tests/{test.pk}/result", {"result": "positive"})
    assert response.status_code == 200 and response.json()["result"] == "positive"


def test_a_correction_through_the_api_keeps_the_original_entry(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = order.tests.order_by("due_date").first()
    post(cdc, f"/quarantine/tests/{test.pk}/result", {"result": "negative"})
    response = post(cdc, f"/quarantine/tests/{test.pk}/correction", {"result": "positive", "reason": "录入错误"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["result"] == "positive"
    first, correction = body["entries"]
    assert first["result"] == "negative" and first["corrects_id"] is None
    assert correction["corrects_id"] == first["id"] and correction["reason"] == "录入错误"


def test_a_correction_without_a_reason_is_a_coded_422(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = order.tests.order_by("due_date").first()
    post(cdc, f"/quarantine/tests/{test.pk}/result", {"result": "negative"})
    response = post(cdc, f"/quarantine/tests/{test.pk}/correction", {"result": "positive", "reason": ""})
    assert response.status_code == 422 and response.json()["code"] == "reason_required"


def test_a_grid_worker_cannot_correct_through_the_api(city, grid_worker, actor):
    order = make_order(actor, grid_worker, city["residents"]["A"])
    test = order.tests.order_by("due_date").first()
    post(grid_worker, f"/quarantine/tests/{test.pk}/result", {"result": "negative"})
    response = post(grid_worker, f"/quarantine/tests/{test.pk}/correction", {"result": "positive", "reason": "x"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_all_negative_through_the_api(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"], days_ago=3)
    from django.utils import timezone

    ids = list(order.tests.filter(due_date__lte=timezone.localdate()).values_list("pk", flat=True))
    response = post(street_officer, "/quarantine/tests/negative", {"test_ids": ids})
    assert response.status_code == 200, response.json()
    assert {t["result"] for t in response.json()} == {"negative"} and len(response.json()) == len(ids)


def test_all_negative_through_the_api_refuses_a_future_test_by_code(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    ids = list(order.tests.values_list("pk", flat=True))
    response = post(street_officer, "/quarantine/tests/negative", {"test_ids": ids})
    assert response.status_code == 422 and response.json()["code"] == "test_not_due"
    assert not order.tests.exclude(result="pending").exists()
