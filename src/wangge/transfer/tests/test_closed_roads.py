"""Closed roads: staff keep the list; a route naming an active closed road of its area, closed during
the trip, is refused with the road's name, unless the dispatcher gives the reason to pass."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wangge.core.testing import STREET_1, STREET_2, Api, login
from wangge.core.testing.factories import make_closed_road
from wangge.transfer import services
from wangge.transfer.models import ClosedRoad, TransferOrder

pytestmark = pytest.mark.django_db


def create(actor, user, city, fangcang, plan, **kw):
    return services.transfer_create(actor=actor(user), resident_ids=[city["residents"]["A"].pk],
                                    destination_id=fangcang.pk, **plan(**kw))


def test_a_route_through_an_active_closed_road_is_refused_naming_the_road(
        city, street_officer, actor, fangcang, plan):
    make_closed_road("解放路", grid_code="420106")
    with pytest.raises(Conflict, match="解放路") as raised:
        create(actor, street_officer, city, fangcang, plan, route_note="中山路 — 解放 路 — 武珞路")
    assert raised.value.code == "route_through_closed_road"
    assert "route_note" in raised.value.errors
    assert not TransferOrder.objects.exists()


def test_a_closed_road_of_a_community_in_the_route_area_counts(city, street_officer, actor, fangcang, plan):
    make_closed_road("首义路", grid_code=city["residents"]["A"].grid_code[:12])
    with pytest.raises(Conflict):
        create(actor, street_officer, city, fangcang, plan, route_note="首义路")


def test_roads_reopened_elsewhere_or_closed_at_another_time_do_not_stop_the_route(
        city, street_officer, actor, fangcang, plan):
    now = timezone.now()
    make_closed_road("解放路", grid_code="420106", is_active=False)
    make_closed_road("解放路", grid_code="420102")  # another district
    make_closed_road("解放路", grid_code="420106", starts_at=now - dt.timedelta(days=2),
                     ends_at=now - dt.timedelta(days=1))
    make_closed_road("解放路", grid_code="420106", starts_at=now + dt.timedelta(days=1))
    t = create(actor, street_officer, city, fangcang, plan, route_note="解放路")
    assert t.closed_roads_named == ""


def test_with_a_reason_the_route_passes_and_the_order_keeps_the_road_and_the_reason(
        city, street_officer, actor, fangcang, plan):
    make_closed_road("解放路", grid_code="420106")
    t = create(actor, street_officer, city, fangcang, plan, route_note="解放路",
               closed_road_override="交警引导通过")
    assert (t.closed_roads_named, t.closed_road_override) == ("解放路", "交警引导通过")
    page = login(street_officer).get(reverse("transfer:detail", args=[t.pk]))
    assert 'data-testid="closed-road-override"' in page.content.decode()


def test_editing_the_route_is_checked_too(city, street_officer, actor, fangcang, plan):
    t = create(actor, street_officer, city, fangcang, plan, route_note="武珞路")
    make_closed_road("武珞路", grid_code="420106")
    kwargs = plan()
    with pytest.raises(Conflict) as raised:
        services.transfer_update(actor=actor(street_officer), transfer_id=t.pk, origin="门口",
                                 vehicles=kwargs["vehicles"], route_note="武珞路",
                                 planned_departure=kwargs["planned_departure"],
                                 planned_arrival=kwargs["planned_arrival"])
    assert raised.value.code == "route_through_closed_road"


def test_the_form_shows_the_road_and_keeps_the_route(city, street_officer, fangcang):
    from wangge.core.testing.factories import make_vehicle

    make_closed_road("解放路", grid_code="420106")
    start = timezone.localtime() + dt.timedelta(hours=1)
    response = login(street_officer).post(reverse("transfer:new"), {
        "resident_ids": [city["residents"]["A"].pk], "origin": "门口", "destination": fangcang.pk,
        "vehicle_1": make_vehicle(seats=4).pk, "escorts_1": "王医生", "route_note": "中山路—解放路",
        "planned_departure": start.strftime("%Y-%m-%dT%H:%M"),
        "planned_arrival": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    })
    text = response.content.decode()
    assert response.status_code == 200 and "计划路线经过封闭路段：解放路" in text and "中山路—解放路" in text


def test_staff_register_and_reopen_a_closed_road(street_officer, actor):
    road = services.closed_road_create(actor=actor(street_officer), name="中山路", grid_code=STREET_1,
                                       starts_at=timezone.now(), note="夜间施工")
    assert STREET_1.startswith(road.grid_code) and road.is_active
    services.closed_road_reopen(actor=actor(street_officer), road_id=road.pk)
    road.refresh_from_db()
    assert not road.is_active
    with pytest.raises(Conflict) as raised:
        services.closed_road_reopen(actor=actor(street_officer), road_id=road.pk)
    assert raised.value.code == "already_reopened"


def test_a_closed_road_outside_the_reach_is_refused_and_not_found(street_officer, outsider, actor):
    with pytest.raises(ValidationFailed) as raised:
        services.closed_road_create(actor=actor(street_officer), name="中山路", grid_code=STREET_2,
                                    starts_at=timezone.now())
    assert raised.value.code == "invalid_division_code"
    road = make_closed_road(grid_code=STREET_1)
    with pytest.raises(NotFound):
        services.closed_road_reopen(actor=actor(outsider), road_id=road.pk)


def test_a_closed_road_ending_before_it_starts_is_refused(street_officer, actor):
    now = timezone.now()
    with pytest.raises(ValidationFailed) as raised:
        services.closed_road_create(actor=actor(street_officer), name="中山路", grid_code=STREET_1, starts_at=now,
                                    ends_at=now - dt.timedelta(hours=1))
    assert raised.value.code == "end_before_start"


def test_a_cdc_officer_may_not_maintain_closed_roads(cdc, actor):
    with pytest.raises(Forbidden):
        services.closed_road_create(actor=actor(cdc), name="中山路", grid_code=STREET_1, starts_at=timezone.now())


def test_the_api_lists_and_creates_closed_roads_in_reach(city, street_officer, outsider):
    make_closed_road("解放路", grid_code="420106")  # the district's: shown to the street below it
    make_closed_road("江汉路", grid_code="420103")
    created = Api(street_officer).post("/closed-roads", {"name": "中山路", "grid_code": STREET_1,
                                                         "starts_at": timezone.now().isoformat()})
    assert created.status_code == 201, created.json()
    names = {r["name"] for r in Api(street_officer).get("/closed-roads").json()["items"]}
    assert names == {"解放路", "中山路"}
    road = ClosedRoad.objects.get(name="中山路")
    assert Api(outsider).post(f"/closed-roads/{road.pk}/reopen").status_code == 404
    assert Api(street_officer).post(f"/closed-roads/{road.pk}/reopen").json()["is_active"] is False


def test_the_closed_road_pages_list_and_create(street_officer):
    client = login(street_officer)
    response = client.post(reverse("transfer:closed_road_new"), {
        "name": "中山路", "grid_code": STREET_1, "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    assert "中山路" in client.get(reverse("transfer:closed_roads")).content.decode()
