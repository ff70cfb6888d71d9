"""The crew checks in en route from a phone: position, or a place typed when the phone will not tell."""

import pytest
from django.urls import reverse

from wangge.alerts.models import Alert, AlertKind
from wangge.alerts.services import alert_raise
from wangge.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wangge.core.testing import Api, login
from wangge.transfer import services
from wangge.transfer.models import CheckIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def en_route(city, street_officer, actor, fangcang, plan):
    t = services.transfer_create(actor=actor(street_officer), resident_ids=[city["residents"]["A"].pk],
                                 destination_id=fangcang.pk, **plan())
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=t.pk, name="李护士长")
    return services.transfer_depart(actor=actor(street_officer), transfer_id=t.pk)


def test_a_check_in_records_the_position_and_time(street_officer, actor, en_route):
    c = services.transfer_check_in(actor=actor(street_officer), transfer_id=en_route.pk, lat=30.55, lng=114.31,
                                   accuracy=12)
    assert (c.lat, c.lng, c.accuracy, c.recorded_by) == (30.55, 114.31, 12, street_officer)
    assert c.at is not None


def test_without_a_position_the_place_typed_is_enough(street_officer, actor, en_route):
    c = services.transfer_check_in(actor=actor(street_officer), transfer_id=en_route.pk, place_note="武珞路口")
    assert c.lat is None and c.place_note == "武珞路口"


def test_neither_position_nor_place_is_refused(street_officer, actor, en_route):
    with pytest.raises(ValidationFailed) as raised:
        services.transfer_check_in(actor=actor(street_officer), transfer_id=en_route.pk, place_note=" ")
    assert raised.value.code == "position_required"
    with pytest.raises(ValidationFailed) as raised:
        services.transfer_check_in(actor=actor(street_officer), transfer_id=en_route.pk, lat=30.5)
    assert raised.value.code == "position_incomplete"
    with pytest.raises(ValidationFailed) as raised:
        services.transfer_check_in(actor=actor(street_officer), transfer_id=en_route.pk, lat=91, lng=0)
    assert raised.value.code == "position_out_of_range"


def test_only_a_transfer_en_route_takes_check_ins(city, street_officer, actor, fangcang, plan):
    t = services.transfer_create(actor=actor(street_officer), resident_ids=[city["residents"]["A"].pk],
                                 destination_id=fangcang.pk, **plan())
    with pytest.raises(Conflict) as raised:
        services.transfer_check_in(actor=actor(street_officer), transfer_id=t.pk, place_note="门口")
    assert raised.value.code == "not_en_route"


def test_an_outsider_gets_not_found_and_a_grid_worker_is_refused(city, outsider, grid_worker, actor, en_route):
    with pytest.raises(NotFound):
        services.transfer_check_in(actor=actor(outsider), transfer_id=en_route.pk, place_note="门口")
    with pytest.raises(Forbidden):
        services.transfer_check_in(actor=actor(grid_worker), transfer_id=en_route.pk, place_note="门口")


def test_a_check_in_ends_the_silence_alert(street_officer, actor, en_route):
    alert_raise(kind=AlertKind.TRANSFER_LATE, role="command", grid_code=en_route.grid_code, title="失联",
                dedupe_key=f"transfer:{en_route.pk}:silent:1")
    services.transfer_check_in(actor=actor(street_officer), transfer_id=en_route.pk, place_note="武珞路")
    assert Alert.objects.get(dedupe_key=f"transfer:{en_route.pk}:silent:1").resolved_at is not None


def test_the_api_takes_a_check_in_and_the_detail_lists_it(street_officer, outsider, en_route):
    api = Api(street_officer)
    response = api.post(f"/transfers/{en_route.pk}/check-ins", {"lat": 30.55, "lng": 114.31, "accuracy": 8})
    assert response.status_code == 201, response.json()
    assert response.json()["lat"] == 30.55
    detail = api.get(f"/transfers/{en_route.pk}").json()
    assert [c["id"] for c in detail["check_ins"]] == [response.json()["id"]]
    assert detail["vehicles"][0]["escorts"]
    assert Api(outsider).post(f"/transfers/{en_route.pk}/check-ins", {"place_note": "x"}).status_code == 404
    refused = api.post(f"/transfers/{en_route.pk}/check-ins", {})
    assert (refused.status_code, refused.json()["code"]) == (422, "position_required")


def test_the_api_refuses_a_position_out_of_range(street_officer, en_route):
    response = Api(street_officer).post(f"/transfers/{en_route.pk}/check-ins", {"lat": 200, "lng": 0})
    assert response.status_code == 422


def test_the_order_page_lists_check_ins_and_maps_the_positions(street_officer, actor, en_route):
    services.transfer_check_in(actor=actor(street_officer), transfer_id=en_route.pk, lat=30.55, lng=114.31)
    services.transfer_check_in(actor=actor(street_officer), transfer_id=en_route.pk, place_note="武珞路口")
    page = login(street_officer).get(reverse("transfer:detail", args=[en_route.pk]))
    text = page.content.decode()
    assert "武珞路口" in text and 'id="convoy-map"' in text
    assert [p["lat"] for p in page.context["map_data"]["points"]] == [30.55]
    assert page.context["can_check_in"]


def test_the_check_in_page_posts_a_typed_place(street_officer, en_route):
    client = login(street_officer)
    assert client.get(reverse("transfer:check_in", args=[en_route.pk])).status_code == 200
    response = client.post(reverse("transfer:check_in", args=[en_route.pk]), {"place_note": "中南路口"})
    assert response.status_code == 302
    assert CheckIn.objects.get().place_note == "中南路口"
    refused = client.post(reverse("transfer:check_in", args=[en_route.pk]), {"place_note": ""})
    assert refused.status_code == 200 and "请填写当前位置" in refused.content.decode()
