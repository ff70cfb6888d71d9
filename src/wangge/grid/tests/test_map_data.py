"""The area map's data (``core:map_data``): the registry's boundaries as GeoJSON with each area's
figures, only what the user may see, names as data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.core.testing import GRID_A, GRID_B, GRID_C, STREET_1, login
from wangge.core.testing.factories import make_campaign, make_person_status
from wangge.grid.models import Building, Grid
from wangge.screening.models import CoverageDay

COMMUNITY_1 = GRID_A[:12]


def square(west, south, size=0.01):
    e, n = west + size, south + size
    return {"type": "Polygon", "coordinates": [[[west, south], [e, south], [e, n], [west, n], [west, south]]]}


@pytest.fixture
def drawn(city):
    """The city with a boundary on every grid and hand-made populations."""
    for i, (code, residents, households) in enumerate([(GRID_A, 120, 40), (GRID_B, 80, 20), (GRID_C, 50, 10)]):
        Grid.objects.filter(code=code).update(
            polygon=square(114.30 + i * 0.01, 30.55), resident_count=residents, household_count=households
        )
    return city


def get_map(user, code):
    return login(user).get(reverse("core:map_data", args=[code]))


def by_code(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    return {f["properties"]["code"]: f for f in data["features"]}


def test_a_community_map_is_one_labelled_polygon_per_grid_with_its_figures(drawn, street_officer):
    make_person_status(drawn["residents"]["A"], "confirmed")
    make_person_status(drawn["residents"]["A2"], "close_contact")
    make_person_status(drawn["residents"]["B"], "recovered")  # not in the four categories
    features = by_code(get_map(street_officer, COMMUNITY_1))
    assert set(features) == {GRID_A, GRID_B}
    a = features[GRID_A]
    assert a["type"] == "Feature"
    assert a["geometry"] == square(114.30, 30.55)
    assert a["properties"]["name"] == "第001网格"
    assert a["properties"]["kind"] == "grid"
    assert a["properties"]["label_at"] == pytest.approx([30.555, 114.305])
    assert a["properties"]["url"] == reverse("grid:grid", args=[GRID_A])
    assert a["properties"]["figures"] == {"cases": 2, "coverage": None, "residents": 120}
    assert features[GRID_B]["properties"]["figures"] == {"cases": 0, "coverage": None, "residents": 80}


def test_coverage_is_the_running_campaigns_share_of_households_covered_today(drawn, street_officer):
    campaign = make_campaign(STREET_1[:9])
    CoverageDay.objects.update_or_create(
        campaign=campaign, grid_code=GRID_A, date=timezone.localdate(), defaults={"households": 10, "persons": 30}
    )
    features = by_code(get_map(street_officer, COMMUNITY_1))
    assert features[GRID_A]["properties"]["figures"]["coverage"] == 25  # 10 of 40 households
    assert features[GRID_B]["properties"]["figures"]["coverage"] == 0


def test_a_street_map_draws_its_community_from_its_grids_polygons(drawn, street_officer):
    features = by_code(get_map(street_officer, STREET_1))
    assert set(features) == {COMMUNITY_1}
    community = features[COMMUNITY_1]
    assert community["properties"]["kind"] == "division"
    assert community["geometry"]["type"] == "MultiPolygon"
    assert community["geometry"]["coordinates"] == [
        square(114.30, 30.55)["coordinates"],
        square(114.31, 30.55)["coordinates"],
    ]
    assert community["properties"]["figures"]["residents"] == 200


def test_a_street_user_sees_only_their_streets_polygons(drawn, street_officer):
    assert get_map(street_officer, "420106000000").status_code == 200  # the district, on their way down
    features = by_code(get_map(street_officer, "420106000000"))
    assert set(features) == {STREET_1[:9]}
    assert get_map(street_officer, GRID_C).status_code == 404
    assert get_map(street_officer, GRID_C[:12]).status_code == 404


def test_a_grid_worker_sees_only_their_grid(drawn, grid_worker):
    make_person_status(drawn["residents"]["B"], "confirmed")
    features = by_code(get_map(grid_worker, COMMUNITY_1))
    assert set(features) == {GRID_A}
    assert features[GRID_A]["properties"]["figures"]["cases"] == 0
    assert get_map(grid_worker, GRID_B).status_code == 404


def test_a_grid_map_has_its_buildings_coloured_by_the_people_in_them(drawn, grid_worker):
    grid = drawn["grids"]["A"]
    household = drawn["households"]["A"][0]
    second = Building.objects.create(code=f"{GRID_A}002", grid=grid, name="2栋", lat=30.556, lng=114.306)
    Building.objects.create(code=f"{GRID_A}003", grid=grid, name="无坐标")  # not located: not drawn
    make_person_status(drawn["residents"]["A2"], "close_contact")
    features = by_code(get_map(grid_worker, GRID_A))
    assert set(features) == {GRID_A, household.unit.building.code, second.code}
    first = features[household.unit.building.code]
    assert first["geometry"] == {"type": "Point", "coordinates": [114.31, 30.55]}
    assert first["properties"]["status"] == "monitored"
    assert features[second.code]["properties"]["status"] == "clear"
    make_person_status(drawn["residents"]["A"], "confirmed")
    assert by_code(get_map(grid_worker, GRID_A))[household.unit.building.code]["properties"]["status"] == "case"


def test_names_are_data_in_the_json_never_markup(drawn, street_officer):
    payload = '<img src=x onerror="window.__xss=1">'
    Grid.objects.filter(code=GRID_A).update(name=payload)
    response = get_map(street_officer, COMMUNITY_1)
    assert by_code(response)[GRID_A]["properties"]["name"] == payload
    assert response["Content-Type"] != "text/html"


def test_an_outsider_and_a_malformed_code_get_nothing(drawn, outsider):
    assert get_map(outsider, COMMUNITY_1).status_code == 404
    assert get_map(outsider, "42010600100x").status_code == 404


def test_the_grid_and_area_pages_point_their_map_at_the_data(drawn, street_officer):
    page = login(street_officer).get(reverse("grid:area", args=[COMMUNITY_1]))
    assert reverse("core:map_data", args=[COMMUNITY_1]).encode() in page.content
    assert b'id="map-figure"' in page.content
    page = login(street_officer).get(reverse("grid:grid", args=[GRID_A]))
    assert reverse("core:map_data", args=[GRID_A]).encode() in page.content
