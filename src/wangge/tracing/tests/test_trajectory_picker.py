"""A trajectory point is picked, never typed: from a registered building (searched by name, compound
or address, in the user's reach) or on the map; the coordinates travel in hidden fields."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.core.testing import login
from wangge.core.testing.factories import make_building
from wangge.grid.models import Grid
from wangge.tracing import selectors
from wangge.tracing.models import TrajectoryEntry

pytestmark = pytest.mark.django_db
SEARCH = reverse("tracing:place_search")


@pytest.fixture
def mall(city):
    """A building of grid A (street 1) with an address and a compound, and one of grid C (street 2)."""
    grid_a = Grid.objects.get(code=city["grids"]["A"].code)
    grid_c = Grid.objects.get(code=city["grids"]["C"].code)
    inside = make_building(
        grid_a, number=7, name="中百超市", compound="柳园华庭", address="中华路141号", lat=30.5512, lng=114.3123
    )
    outside = make_building(grid_c, number=7, name="中百超市（外街道）", compound="柳园华庭", address="中华路999号")
    return inside, outside


def start_text(hour=10) -> str:
    return timezone.localtime().replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def test_the_search_finds_a_building_by_name_compound_or_address(mall, cdc):
    inside, _outside = mall
    for text in ("中百", "柳园华庭", "中华路141"):
        assert inside in selectors.place_search(user=cdc, q=text).places, text


def test_the_search_keeps_to_the_users_reach(mall, cdc):
    _inside, outside = mall
    assert outside not in selectors.place_search(user=cdc, q="柳园华庭").places


def test_the_search_of_a_role_that_may_not_add_trajectory_finds_nothing(mall, grid_worker):
    assert selectors.place_search(user=grid_worker, q="中百").places == []


def test_an_empty_or_nul_search_finds_nothing_and_says_no_more(mall, cdc):
    assert selectors.place_search(user=cdc, q="   ") == selectors.PlaceMatches(places=[], more=False)
    assert selectors.place_search(user=cdc, q="\x00") == selectors.PlaceMatches(places=[], more=False)
    assert selectors.place_search(user=cdc, q="中\x00百").places  # the NUL is dropped, the rest searched


def test_the_search_says_there_are_more_rather_than_cutting_silently(city, cdc):
    grid = Grid.objects.get(code=city["grids"]["A"].code)
    for n in range(10, 10 + selectors.PLACE_SUGGESTIONS + 1):
        make_building(grid, number=n, name=f"幸福里{n}栋")
    matches = selectors.place_search(user=cdc, q="幸福里")
    assert len(matches.places) == selectors.PLACE_SUGGESTIONS and matches.more


def test_the_results_carry_the_place_address_and_point_for_the_picker(mall, cdc):
    html = login(cdc).get(SEARCH, {"pq": "中百"}).content.decode()
    button = re.search(r"<button[^>]*data-pick-place[^>]*>", html, re.S).group(0)
    assert 'data-place="中百超市"' in button and 'data-address="中华路141号"' in button
    assert 'data-lat="30.5512"' in button and 'data-lng="114.3123"' in button
    assert "中华路999号" not in html


def test_the_results_carry_the_point_unlocalised_in_english(mall, cdc):
    client = login(cdc)
    client.cookies["django_language"] = "en"
    html = client.get(SEARCH, {"pq": "中百"}).content.decode()
    assert 'data-lat="30.5512"' in html


def test_a_building_without_a_point_asks_to_tap_the_map(city, cdc):
    make_building(Grid.objects.get(code=city["grids"]["A"].code), number=9, name="无坐标楼", lat=None, lng=None)
    html = login(cdc).get(SEARCH, {"pq": "无坐标楼"}).content.decode()
    assert "data-lat" not in html and "未定位，请在地图上点选" in html


def test_a_building_name_with_markup_is_escaped_in_the_results(city, cdc):
    name = '<img src=x onerror="alert(1)">楼'
    make_building(Grid.objects.get(code=city["grids"]["A"].code), number=8, name=name, address='"><b>x</b>')
    html = login(cdc).get(SEARCH, {"pq": "楼"}).content.decode()
    assert "<img" not in html and "<b>x</b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;楼" in html


def test_a_role_that_may_not_add_trajectory_is_refused_the_search(mall, grid_worker):
    assert login(grid_worker).get(SEARCH, {"pq": "中百"}).status_code == 403


def test_the_trajectory_form_has_no_coordinate_boxes_to_type_in(investigation, cdc):
    html = login(cdc).get(reverse("tracing:investigation_detail", args=[investigation.pk])).content.decode()
    form = re.search(r"<form[^>]*data-trajectory-picker.*?</form>", html, re.S).group(0)
    assert re.search(r'<input type="hidden" name="lat"', form) and re.search(r'<input type="hidden" name="lng"', form)
    assert "纬度" not in form and "经度" not in form
    assert 'id="trajectory-pick-map"' in form and 'data-testid="place-search"' in form
    assert 'id="trajectory-pick-config"' in html
    assert "tracing/trajectory_pick.js" in html and "wangge/grid_map.js" in html


def test_the_picker_map_draws_the_cases_grid_from_the_registry(investigation, cdc):
    response = login(cdc).get(reverse("tracing:investigation_detail", args=[investigation.pk]))
    config = response.context["pick_config"]
    assert config["areas_url"] == reverse("core:map_data", args=[investigation.grid_code])
    assert config["center"] is not None  # the case's building is located
    assert "%(lat)s" in config["words"]["picked"] and "%(lng)s" in config["words"]["picked"]


def test_a_point_picked_on_the_map_is_saved_from_the_hidden_fields(investigation, cdc):
    response = login(cdc).post(
        reverse("tracing:trajectory_add", args=[investigation.pk]),
        {"place": "中百超市", "address": "中华路141号", "start": start_text(), "lat": "30.551234", "lng": "114.312345"},
    )
    assert response.status_code == 302
    entry = TrajectoryEntry.objects.get(investigation=investigation)
    assert (entry.place, entry.address, entry.lat, entry.lng) == ("中百超市", "中华路141号", 30.551234, 114.312345)


def test_a_point_without_coordinates_is_saved_too(investigation, cdc):
    response = login(cdc).post(
        reverse("tracing:trajectory_add", args=[investigation.pk]), {"place": "某菜市场", "start": start_text()}
    )
    assert response.status_code == 302
    assert TrajectoryEntry.objects.get(investigation=investigation).lat is None


@pytest.mark.parametrize(("lat", "lng"), [("30.5", ""), ("91", "114"), ("nan", "114"), ("inf", "1"), ("x", "1")])
def test_a_broken_point_is_refused_and_the_form_comes_back(investigation, cdc, lat, lng):
    response = login(cdc).post(
        reverse("tracing:trajectory_add", args=[investigation.pk]),
        {"place": "超市", "start": start_text(), "lat": lat, "lng": lng},
    )
    assert response.status_code == 422
    assert not TrajectoryEntry.objects.filter(investigation=investigation).exists()


def test_a_place_name_with_markup_is_text_on_the_page_and_in_the_map_data(investigation, cdc):
    name = "<script>alert(1)</script>超市"
    login(cdc).post(
        reverse("tracing:trajectory_add", args=[investigation.pk]),
        {"place": name, "start": start_text(), "lat": "30.55", "lng": "114.31"},
    )
    html = login(cdc).get(reverse("tracing:investigation_detail", args=[investigation.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;超市" in html  # the timeline
    assert "\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E" in html  # json_script data of both maps


def test_the_picker_is_english_in_english(mall, investigation, cdc):
    client = login(cdc)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("tracing:investigation_detail", args=[investigation.pk]))
    form = re.search(r"<form[^>]*data-trajectory-picker.*?</form>", response.content.decode(), re.S).group(0)
    words = re.sub(r"<[^>]+>", " ", form)
    cjk = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    assert "Search the registered buildings" in words
    assert not cjk.search(words) and not cjk.search(" ".join(response.context["pick_config"]["words"].values()))
    inside = mall[0]
    results = re.sub(r"<[^>]+>", " ", client.get(SEARCH, {"pq": "中百"}).content.decode())
    assert inside.name in results  # the building's own words, as registered
    for registered in (inside.name, inside.address, inside.grid.name):
        results = results.replace(registered, "")
    assert not cjk.search(results)
