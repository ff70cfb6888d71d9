"""The area map draws the registry's boundaries with their names and no tile server, recolours
them by the chosen figure, and keeps Leaflet's zoom control (44 px targets on a phone)."""

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from wangge.core.testing.factories import TEST_PASSWORD, make_person_status
from wangge.grid.models import Building, Grid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GRID_A, GRID_B = "420106001001001", "420106001001002"
COMMUNITY_1 = GRID_A[:12]
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


def square(west, south, size=0.004):
    e, n = west + size, south + size
    return {"type": "Polygon", "coordinates": [[[west, south], [e, south], [e, n], [west, n], [west, south]]]}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")


@pytest.fixture
def drawn(city):
    grid_a, grid_b = Grid.objects.filter(code=GRID_A), Grid.objects.filter(code=GRID_B)
    grid_a.update(polygon=square(114.300, 30.550), resident_count=900, name="阳光社区第一网格")
    grid_b.update(polygon=square(114.3045, 30.550), resident_count=100, name="阳光社区第二网格")
    Building.objects.filter(grid__code=GRID_A).update(lat=30.5532, lng=114.3031)  # inside its grid
    make_person_status(city["residents"]["B"], "confirmed")
    return city


def fills(page):
    return page.eval_on_selector_all("#grid-map path.map-area", "els => els.map(e => e.getAttribute('fill'))")


def open_community(page, live_server):
    log_in(page, live_server, "street_1")
    page.goto(f"{live_server.url}/grid/area/{COMMUNITY_1}/")
    expect(page.locator("#grid-map[data-ready='1']")).to_have_count(1)


@override_settings(WANGGE_MAP_TILE_URL="")
def test_the_map_draws_labelled_boundaries_without_tiles_and_recolours_by_figure(
    live_server, new_page, drawn, street_officer
):
    page = new_page(viewport={"width": 1280, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_community(page, live_server)
    expect(page.locator("#grid-map path.map-area")).to_have_count(2)
    labels = page.locator("#grid-map .map-label .map-label-name")
    expect(labels).to_have_text(["阳光社区第一网格", "阳光社区第二网格"])
    assert page.locator("#grid-map .leaflet-tile").count() == 0
    assert all(u.startswith(live_server.url) for u in requests)  # nothing from another origin

    by_cases = fills(page)
    assert by_cases[0] != by_cases[1]  # B has a case, A none
    page.locator("#grid-map").scroll_into_view_if_needed()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "map-desktop-cases.png"), full_page=True)

    page.select_option("#map-figure", "residents")
    expect(page.locator("#grid-map[data-figure='residents']")).to_have_count(1)
    by_residents = fills(page)
    assert by_residents != by_cases
    assert by_residents[0] != by_residents[1]  # 900 against 100
    expect(page.locator("#map-legend")).to_contain_text("人口")
    page.screenshot(path=str(SCREENS / "map-desktop-residents.png"), full_page=True)

    page.select_option("#map-figure", "coverage")
    assert fills(page) == ["#d9d9d9", "#d9d9d9"]  # no campaign running: no data
    expect(page.locator("#map-legend")).to_contain_text("今日无进行中的排查")


def test_the_zoom_control_is_leaflets_with_44px_targets_on_a_phone(live_server, new_page, drawn, street_officer):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    open_community(page, live_server)
    zoom_in = page.locator(".leaflet-control-zoom-in")
    expect(zoom_in).to_be_visible()
    box = zoom_in.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    style = zoom_in.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.backgroundColor, s.color, s.textDecorationLine, s.paddingLeft]; }"
    )
    assert style == ["rgb(255, 255, 255)", "rgb(34, 34, 34)", "none", "0px"]
    assert page.locator("#map-figure").bounding_box()["height"] >= 44  # the figure picker too
    # The map fits the phone: no sideways scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#grid-map .map-label")).to_have_count(2)
    page.locator("#grid-map").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "map-phone-cases.png"), full_page=False)


def test_a_grid_map_shows_its_buildings_coloured_by_status(live_server, new_page, drawn, grid_worker):
    make_person_status(drawn["residents"]["A"], "confirmed")
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_server, "gw_a")
    page.goto(f"{live_server.url}/grid/g/{GRID_A}/")
    expect(page.locator("#grid-map[data-ready='1']")).to_have_count(1)
    expect(page.locator("path.building-marker.building-case")).to_have_count(1)
    assert page.locator("path.building-marker").first.get_attribute("fill") == "#c62828"
    expect(page.locator("#map-legend")).to_contain_text("有确诊或疑似病例")
    page.locator("#grid-map").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "map-phone-grid.png"), full_page=False)
