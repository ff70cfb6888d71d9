"""On a phone (390 px): a trajectory point is picked by tapping the map (then dragging its marker)
or by searching a registered building; the coordinates are never typed, and nothing scrolls sideways."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from wangge.core.testing.factories import TEST_PASSWORD, make_building, make_investigation
from wangge.grid.models import Grid
from wangge.tracing.models import TrajectoryEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def screens() -> Path:
    path = Path(__file__).resolve().parents[2] / "var" / "screens"
    path.mkdir(parents=True, exist_ok=True)
    return path


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def open_the_form(page, live_server, investigation):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cdc_1")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/tracing/investigations/{investigation.pk}/")
    page.get_by_text("添加轨迹").tap()
    expect(page.locator("#trajectory-pick-map[data-ready='1']")).to_be_visible()


def hidden(page, name) -> str:
    return page.locator(f"[data-testid=trajectory-form] input[name={name}]").input_value()


def test_a_tracer_taps_the_map_drags_the_marker_and_saves_the_point(live_server, new_page, city, cdc):
    investigation = make_investigation(city["residents"]["B"])
    page = new_page(**PHONE)
    open_the_form(page, live_server, investigation)
    form = page.get_by_test_id("trajectory-form")
    expect(page.get_by_test_id("pick-status")).to_contain_text("尚未选定位置")
    assert form.locator("input[name=lat]").get_attribute("type") == "hidden"
    assert form.locator("input[type=number], input[name*=lat]:not([type=hidden])").count() == 0

    pick_map = page.get_by_test_id("pick-map")
    pick_map.tap(position={"x": 280, "y": 220})  # clear of the zoom buttons and the buildings
    expect(page.locator(".pick-marker")).to_be_visible()
    expect(page.get_by_test_id("pick-status")).to_contain_text("已选位置")
    first = (float(hidden(page, "lat")), float(hidden(page, "lng")))

    box = page.locator(".pick-marker").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 40, steps=8)
    page.mouse.up()
    expect(page.locator("[data-testid=trajectory-form] input[name=lat]")).not_to_have_value(str(first[0]))
    dragged = (float(hidden(page, "lat")), float(hidden(page, "lng")))
    assert dragged[0] < first[0] and dragged[1] > first[1]  # moved down (south) and right (east)

    form.locator("input[name=place]").fill("<b>菜市场</b>")
    form.locator("input[name=start]").fill("2026-11-20T09:30")
    page.screenshot(path=str(screens() / "trajectory-pick-map-390.png"), full_page=True)
    assert no_sideways_scroll(page)
    page.get_by_test_id("trajectory-submit").tap()
    expect(page.locator(".message-success")).to_be_visible()
    entry = TrajectoryEntry.objects.get(investigation=investigation)
    assert entry.place == "<b>菜市场</b>"
    assert (round(entry.lat, 6), round(entry.lng, 6)) == dragged
    # The saved place is text on the trajectory map, never markup.
    expect(page.locator(".leaflet-tooltip").filter(has_text="<b>菜市场</b>")).to_have_count(1)
    assert page.locator(".leaflet-tooltip b").count() == 0
    assert no_sideways_scroll(page)


def test_a_tracer_picks_a_registered_building_by_searching(live_server, new_page, city, cdc):
    investigation = make_investigation(city["residents"]["B"])
    grid = Grid.objects.get(code=city["grids"]["B"].code)
    make_building(
        grid, number=7, name="中百超市", compound="柳园华庭", address="中华路141号", lat=30.5512, lng=114.3123
    )
    page = new_page(**PHONE)
    open_the_form(page, live_server, investigation)

    page.get_by_test_id("place-search").fill("柳园")
    result = page.get_by_test_id("place-result").first
    expect(result).to_contain_text("中百超市")
    assert result.bounding_box()["height"] >= 44
    page.screenshot(path=str(screens() / "trajectory-pick-building-390.png"), full_page=True)
    assert no_sideways_scroll(page)
    result.tap()

    form = page.get_by_test_id("trajectory-form")
    expect(form.locator("input[name=place]")).to_have_value("中百超市")
    expect(form.locator("input[name=address]")).to_have_value("中华路141号")
    expect(page.get_by_test_id("pick-status")).to_contain_text("30.551200")
    assert (hidden(page, "lat"), hidden(page, "lng")) == ("30.551200", "114.312300")
    expect(page.locator(".pick-marker")).to_be_visible()
    form.locator("input[name=start]").fill("2026-11-21T18:00")
    page.get_by_test_id("trajectory-submit").tap()
    expect(page.locator(".message-success")).to_be_visible()
    entry = TrajectoryEntry.objects.get(investigation=investigation)
    assert (entry.place, entry.address, entry.lat, entry.lng) == ("中百超市", "中华路141号", 30.5512, 114.3123)


def test_tapping_a_building_on_the_map_picks_it(live_server, new_page, city, cdc):
    investigation = make_investigation(city["residents"]["B"])
    page = new_page(**PHONE)
    open_the_form(page, live_server, investigation)
    building = page.locator("path.pick-building").first
    expect(building).to_be_visible()
    building.tap()
    form = page.get_by_test_id("trajectory-form")
    expect(form.locator("input[name=place]")).not_to_have_value("")
    expect(page.get_by_test_id("pick-status")).to_contain_text("已选位置")
    page.get_by_test_id("pick-clear").tap()
    expect(page.get_by_test_id("pick-status")).to_contain_text("尚未选定位置")
    assert hidden(page, "lat") == "" and page.locator(".pick-marker").count() == 0
