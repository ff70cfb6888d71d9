"""The grid pages: area > grid > building > unit > household, each scoped to the user's reach."""

import pytest
from django.urls import reverse

from wangge.core.testing import force_login
from wangge.grid.models import GridAssignment

pytestmark = pytest.mark.django_db

GRID_A = "420106001001001"
COMMUNITY_1 = "420106001001"
STREET_1 = "420106001000"
DISTRICT = "420106000000"


def objects_of_grid(city, key="A"):
    grid = city["grids"][key]
    building = grid.buildings.first()
    unit = building.units.first()
    household = city["households"][key][0]
    return grid, building, unit, household


def test_anonymous_user_is_sent_to_login(client, city):
    response = client.get(reverse("grid:area", args=[STREET_1]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_overview_sends_a_grid_worker_to_their_grid(client, city, grid_worker):
    response = force_login(client, grid_worker).get(reverse("core:overview"))
    assert response.status_code == 302
    assert response["Location"] == reverse("grid:grid", args=[GRID_A])


def test_street_page_shows_totals_and_its_communities(client, city, street_officer):
    response = force_login(client, street_officer).get(reverse("grid:area", args=[STREET_1]))
    assert response.status_code == 200
    html = response.content.decode()
    totals = response.context["totals"]
    assert (totals.grids, totals.households, totals.residents) == (2, 4, 3)
    assert [c.prefix for c in response.context["children"]] == [COMMUNITY_1]
    assert reverse("grid:area", args=[COMMUNITY_1]) in html
    assert 'id="area-chart"' in html


def test_community_page_lists_its_grids_with_counts(client, city, street_officer):
    response = force_login(client, street_officer).get(reverse("grid:area", args=[COMMUNITY_1]))
    children = response.context["children"]
    assert [c.prefix for c in children] == [GRID_A, "420106001001002"]
    assert [c.counts.residents for c in children] == [2, 1]
    assert reverse("grid:grid", args=[GRID_A]) in response.content.decode()


def test_breadcrumb_names_the_path_and_links_only_inside_reach(client, city, grid_worker):
    _, _, _, household = objects_of_grid(city)
    response = force_login(client, grid_worker).get(reverse("grid:household", args=[household.pk]))
    crumbs = response.context["crumbs"]
    assert [c.name for c in crumbs] == [
        "武汉市201", "武昌区106", "街道001", "社区001", "第001网格", "1栋", "1单元", household.door_number,
    ]
    assert [c.url for c in crumbs[:4]] == [None, None, None, None]
    assert crumbs[4].url == reverse("grid:grid", args=[GRID_A])
    assert 'aria-current="page"' in response.content.decode()


def test_street_officer_breadcrumb_links_their_street(client, city, street_officer):
    response = force_login(client, street_officer).get(reverse("grid:area", args=[COMMUNITY_1]))
    crumbs = response.context["crumbs"]
    assert [c.url for c in crumbs[:2]] == [None, None]
    assert crumbs[2].url == reverse("grid:area", args=[STREET_1])


def test_ancestor_page_counts_only_what_the_user_may_see(client, city, grid_worker):
    response = force_login(client, grid_worker).get(reverse("grid:area", args=[DISTRICT]))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.grids, totals.residents) == (1, 2)
    assert [c.prefix for c in response.context["children"]] == ["420106001"]


def test_area_outside_reach_is_404(client, city, outsider):
    assert force_login(client, outsider).get(reverse("grid:area", args=[COMMUNITY_1])).status_code == 404


def test_unknown_or_malformed_area_code_is_404(client, city, street_officer):
    force_login(client, street_officer)
    assert client.get(reverse("grid:area", args=["999999999999"])).status_code == 404
    assert client.get(reverse("grid:area", args=["12ab"])).status_code == 404


def test_grid_page_shows_map_people_and_buildings(client, city, street_officer):
    grid, building, _, _ = objects_of_grid(city)
    GridAssignment.objects.create(grid=grid, duty=GridAssignment.Duty.GRID_WORKER, name="赵敏", phone="13900000000")
    response = force_login(client, street_officer).get(reverse("grid:grid", args=[GRID_A]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="grid-map"' in html and "grid-map-config" in html
    assert "赵敏" in html
    assert reverse("grid:building", args=[building.pk]) in html
    row = response.context["buildings"][0]
    assert (row.unit_total, row.household_total, row.resident_total) == (1, 2, 2)


def test_grid_outside_reach_is_404(client, city, outsider):
    assert force_login(client, outsider).get(reverse("grid:grid", args=[GRID_A])).status_code == 404


def test_building_page_lists_units_with_household_counts(client, city, grid_worker):
    _, building, unit, _ = objects_of_grid(city)
    response = force_login(client, grid_worker).get(reverse("grid:building", args=[building.pk]))
    assert response.status_code == 200
    row = response.context["units"][0]
    assert (row.pk, row.household_total, row.resident_total) == (unit.pk, 2, 2)


def test_building_outside_reach_is_404(client, city, outsider):
    _, building, _, _ = objects_of_grid(city)
    assert force_login(client, outsider).get(reverse("grid:building", args=[building.pk])).status_code == 404


def test_unit_page_lists_households_with_resident_counts(client, city, grid_worker):
    _, _, unit, household = objects_of_grid(city)
    response = force_login(client, grid_worker).get(reverse("grid:unit", args=[unit.pk]))
    assert response.status_code == 200
    households = response.context["households"]
    assert [h.pk for h in households][0] == household.pk
    assert households[0].resident_count == 2
    assert reverse("grid:household", args=[household.pk]) in response.content.decode()


def test_unit_outside_reach_is_404(client, city, outsider):
    _, _, unit, _ = objects_of_grid(city)
    assert force_login(client, outsider).get(reverse("grid:unit", args=[unit.pk])).status_code == 404


def test_household_page_lists_members_masked(client, city, grid_worker):
    _, _, _, household = objects_of_grid(city)
    resident = city["residents"]["A"]
    response = force_login(client, grid_worker).get(reverse("grid:household", args=[household.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "张伟" in html and "李娜" in html
    assert resident.id_number_masked in html
    assert resident.id_number not in html
    assert resident.phone not in html
    assert reverse("people:resident_detail", args=[resident.pk]) in html
    assert reverse("people:resident_create", args=[household.pk]) in html


def test_household_page_shows_ages(client, city, grid_worker):
    _, _, _, household = objects_of_grid(city)
    response = force_login(client, grid_worker).get(reverse("grid:household", args=[household.pk]))
    assert all(isinstance(m.age, int) and m.age > 18 for m in response.context["members"])


def test_volunteer_sees_no_register_button(client, city, volunteer):
    _, _, _, household = objects_of_grid(city)
    response = force_login(client, volunteer).get(reverse("grid:household", args=[household.pk]))
    assert response.status_code == 200
    assert reverse("people:resident_create", args=[household.pk]) not in response.content.decode()


def test_household_outside_reach_is_404(client, city, outsider):
    _, _, _, household = objects_of_grid(city)
    assert force_login(client, outsider).get(reverse("grid:household", args=[household.pk])).status_code == 404


def test_grid_worker_cannot_open_the_neighbouring_grid(client, city, grid_worker):
    household_b = city["households"]["B"][0]
    force_login(client, grid_worker)
    assert client.get(reverse("grid:grid", args=["420106001001002"])).status_code == 404
    assert client.get(reverse("grid:household", args=[household_b.pk])).status_code == 404
