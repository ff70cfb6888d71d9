"""A building name from an import is shown as text on the map, never run as script (issue #6, finding 3).

Anyone who may import buildings (a grid worker upward) chooses the names, and every colleague whose
home or grid page shows that building sees them in the map's tooltip.  The names here are the two
classic payloads; each must show as the literal text and set nothing.  The same holds for a place
on a trajectory and for names in a chart's tooltip.
"""

import csv
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from wangge.core.testing.factories import TEST_PASSWORD
from wangge.grid.models import Grid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GRID_A, GRID_B = "420106001001001", "420106001001002"
PAYLOADS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=1</script>"]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")


def import_buildings(tmp_path, names, username):
    path = tmp_path / "buildings.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["网格代码", "楼栋名称", "纬度", "经度", "单元数", "每单元户数"])
        for i, name in enumerate(names):
            writer.writerow([GRID_A, name, f"{30.552 + i * 0.002:.4f}", f"{114.312 + i * 0.002:.4f}", "1", "2"])
    call_command("import_buildings", str(path), user=username)


def test_an_imported_building_name_shows_as_text_in_the_map_tooltip(
    live_server, new_page, city, grid_worker, tmp_path
):
    import_buildings(tmp_path, PAYLOADS, "gw_a")
    page = new_page()
    log_in(page, live_server, "gw_a")
    expect(page.locator("h1")).to_have_text("今日工作 · 第001网格")  # the landing page: today's work
    page.goto(f"{live_server.url}/area/")  # the grid overview of a one-grid worker is the grid
    expect(page.locator("h1")).to_have_text("第001网格")

    markers = page.locator("path.building-marker")
    expect(markers).to_have_count(3)  # the fixture's building and the two imported
    shown = set()
    for i in range(3):
        markers.nth(i).hover()
        expect(markers.nth(i)).to_have_attribute("aria-describedby", re.compile("leaflet-tooltip"))
        tooltip = page.locator("#" + markers.nth(i).get_attribute("aria-describedby"))
        expect(tooltip).to_be_visible()
        shown.add(tooltip.inner_text())
        assert tooltip.locator("img, script").count() == 0
    assert set(PAYLOADS) <= shown
    assert page.evaluate("window.__xss") is None
    # The building table shows the same names as text.
    for name in PAYLOADS:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert page.evaluate("window.__xss") is None


def test_a_grid_name_shows_as_text_in_the_chart_tooltip(live_server, new_page, city, street_officer):
    Grid.objects.filter(code=GRID_A).update(name=PAYLOADS[0])
    Grid.objects.filter(code=GRID_B).update(name=PAYLOADS[1])
    page = new_page()
    log_in(page, live_server, "street_1")
    page.goto(f"{live_server.url}/grid/area/420106001001/")
    chart = page.locator("#area-chart")
    expect(chart.locator("svg")).to_have_count(1)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    shown = set()
    # Hover down the chart's rows: the axis tooltip names the row under the pointer.
    for step in range(4, 100, 8):
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * step / 100)
        page.wait_for_timeout(100)
        tip = page.locator(".chart-tooltip-title")
        if tip.count() and tip.first.is_visible():
            shown.add(tip.first.inner_text())
    assert set(PAYLOADS) <= shown
    assert page.locator("#area-chart img, #area-chart script").count() == 0
    assert page.evaluate("window.__xss") is None
