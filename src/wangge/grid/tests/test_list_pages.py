"""The grid's drill-down lists page through core.lists: every row once, in order; a forged cursor
starts again; the headline counts the whole list."""

from django.urls import reverse

from wangge.core.testing import login
from wangge.core.testing.factories import build_grid, make_building, make_household, make_unit
from wangge.core.testing.pages import forged_cursor_restarts, walk_pages
from wangge.grid import selectors


def test_a_grids_buildings_page_through_every_building_once(city, street_officer):
    grid = city["grids"]["A"]
    for n in range(2, 6):
        make_building(grid, number=n)
    client = login(street_officer)
    url = reverse("grid:grid", args=[grid.code])
    expected = list(selectors.grid_buildings(user=street_officer, grid=grid).values_list("pk", flat=True))
    assert len(expected) == 5
    assert walk_pages(client, url, rows=lambda c: c["buildings"]) == expected
    assert forged_cursor_restarts(client, url, rows=lambda c: c["buildings"]) == expected[:2]
    # The map shows them all, whatever the page.
    features = client.get(reverse("core:map_data", args=[grid.code])).json()["features"]
    assert len([f for f in features if f["properties"]["kind"] == "building"]) == 5


def test_a_buildings_units_page_and_the_headline_counts_them_all(city, street_officer):
    building = city["grids"]["A"].buildings.first()
    for n in range(2, 6):
        make_unit(building, number=n)
    client = login(street_officer)
    url = reverse("grid:building", args=[building.pk])
    expected = list(selectors.building_units(user=street_officer, building=building).values_list("pk", flat=True))
    assert walk_pages(client, url, rows=lambda c: c["units"]) == expected
    assert forged_cursor_restarts(client, url, rows=lambda c: c["units"]) == expected[:2]
    response = client.get(url, {"size": 2})
    assert response.context["total"] == 5 and "共 5 个" in response.content.decode()


def test_a_units_households_page_and_the_headline_counts_them_all(db, street_officer):
    grid = build_grid("420106001001001", households=5)
    unit = grid.buildings.first().units.first()
    make_household(unit, number=9)
    client = login(street_officer)
    url = reverse("grid:unit", args=[unit.pk])
    expected = list(selectors.unit_households(user=street_officer, unit=unit).values_list("pk", flat=True))
    assert len(expected) == 6
    assert walk_pages(client, url, rows=lambda c: c["households"]) == expected
    assert forged_cursor_restarts(client, url, rows=lambda c: c["households"]) == expected[:2]
    response = client.get(url, {"size": 2})
    assert response.context["total"] == 6 and "共 6 户" in response.content.decode()
