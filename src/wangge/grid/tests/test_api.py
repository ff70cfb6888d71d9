"""The /api/v1/ grid endpoints: authentication, JSON errors, and scoping of every list and detail.

Grid A and B are in street 1, grid C in street 2 (see conftest.py).  The grid worker reaches
grid A only; the outsider street 2 only.
"""

import json

from django.test import Client

from wangge.accounts.models import ApiToken
from wangge.accounts.services import api_token_issue
from wangge.core.testing import GRID_A, GRID_B, GRID_C, STREET_1, api_client, login
from wangge.grid.models import Building, Grid, GridAssignment

COMMUNITY_A = GRID_A[:12]


def get(user, path, **params):
    return api_client(user).get(f"/api/v1{path}", params)


def test_a_request_without_credentials_is_401_json_in_chinese(db):
    response = Client().get("/api/v1/grids")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "未登录或令牌无效", "errors": {}}


def test_an_unknown_token_is_401(db):
    response = Client(headers={"Authorization": "Bearer wg_not-a-real-token"}).get("/api/v1/grids")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_revoked_token_is_401(city, grid_worker):
    raw = api_token_issue(user=grid_worker)
    ApiToken.objects.filter(user=grid_worker).update(revoked=True)
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/grids")
    assert response.status_code == 401


def test_a_token_of_a_deactivated_user_is_401(city, grid_worker):
    raw = api_token_issue(user=grid_worker)
    grid_worker.is_active = False
    grid_worker.save()
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/grids")
    assert response.status_code == 401


def test_a_valid_token_authenticates(city, grid_worker):
    response = get(grid_worker, "/grids")
    assert response.status_code == 200
    assert [g["code"] for g in response.json()["items"]] == [GRID_A]


def test_the_logged_in_session_authenticates_too(city, grid_worker):
    client = login(grid_worker)
    response = client.get("/api/v1/grids")
    assert response.status_code == 200
    assert [g["code"] for g in response.json()["items"]] == [GRID_A]


def test_a_bad_query_parameter_is_422_json_in_chinese(city, grid_worker):
    response = get(grid_worker, "/households", building="abc")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"building": "应为整数"}
    assert "请求参数有误" in body["message"]


def test_an_unknown_path_is_404_json(city, grid_worker):
    response = get(grid_worker, "/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_docs_assets_are_served_locally(db):
    response = Client().get("/static/ninja/swagger-ui-bundle.js")
    assert response.status_code == 200


def test_openapi_json_is_served_and_lists_the_paths(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/areas", "/api/v1/areas/{code}", "/api/v1/grids", "/api/v1/grids/{code}",
                 "/api/v1/buildings", "/api/v1/buildings/{building_id}", "/api/v1/households",
                 "/api/v1/households/{household_id}", "/api/v1/residents", "/api/v1/residents/{resident_id}",
                 "/api/v1/residents/{resident_id}/reveal", "/api/v1/residents/{resident_id}/move"):
        assert path in paths
    assert set(paths["/api/v1/residents"]) == {"get", "post"}
    assert {"200", "401", "404"} <= set(paths["/api/v1/residents/{resident_id}"]["get"]["responses"])
    assert "409" in paths["/api/v1/residents"]["post"]["responses"]


def test_the_docs_page_loads_swagger_from_local_static_files_not_a_cdn(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


# --- Areas ---------------------------------------------------------------------------------------
def test_area_list_shows_the_divisions_in_and_above_reach_with_visible_counts(city, grid_worker):
    areas = {a["code"]: a for a in get(grid_worker, "/areas").json()}
    assert set(areas) == {"420100000000", "420106000000", "420106001000", COMMUNITY_A}
    # Counts above the reach include only the grid the worker may see.
    assert areas["420106000000"]["counts"] == {"grids": 1, "buildings": 1, "households": 2, "residents": 2}


def test_area_list_of_an_outsider_shows_nothing_of_another_street(city, outsider):
    codes = {a["code"] for a in get(outsider, "/areas").json()}
    assert "420106001000" not in codes
    assert COMMUNITY_A not in codes
    assert "420106002000" in codes


def test_area_list_filters_by_level(city, street_officer):
    areas = get(street_officer, "/areas", level=5).json()
    assert [a["code"] for a in areas] == [COMMUNITY_A]


def test_area_detail_has_children_and_counts(city, street_officer):
    response = get(street_officer, f"/areas/{STREET_1}")
    assert response.status_code == 200
    body = response.json()
    assert body["counts"]["grids"] == 2
    assert body["counts"]["residents"] == 3
    assert [c["code"] for c in body["children"]] == [COMMUNITY_A]
    assert [a["code"] for a in body["ancestors"]] == ["420100000000", "420106000000"]


def test_area_detail_of_a_community_lists_its_grids_in_reach(city, grid_worker):
    body = get(grid_worker, f"/areas/{COMMUNITY_A}").json()
    assert [g["code"] for g in body["grids"]] == [GRID_A]
    assert body["counts"]["residents"] == 2


def test_area_detail_outside_reach_is_404(city, outsider):
    response = get(outsider, f"/areas/{STREET_1}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_area_detail_of_a_malformed_code_is_404(city, grid_worker):
    assert get(grid_worker, "/areas/abc").status_code == 404


# --- Grids ---------------------------------------------------------------------------------------
def test_grid_list_of_an_outsider_has_no_foreign_grids(city, outsider):
    codes = [g["code"] for g in get(outsider, "/grids").json()["items"]]
    assert codes == [GRID_C]


def test_grid_list_filters_within_a_subtree(city, street_officer):
    codes = [g["code"] for g in get(street_officer, "/grids", within=STREET_1).json()["items"]]
    assert codes == [GRID_A, GRID_B]
    codes = [g["code"] for g in get(street_officer, "/grids", within=GRID_B).json()["items"]]
    assert codes == [GRID_B]


def test_grid_list_within_another_street_is_empty(city, street_officer):
    assert get(street_officer, "/grids", within="420106002000").json()["items"] == []


def test_grid_list_refuses_a_non_numeric_within(city, street_officer):
    response = get(street_officer, "/grids", within="42x")
    assert response.status_code == 422
    assert response.json()["errors"] == {"within": "代码无效"}


def test_grid_detail_has_polygon_assignments_and_counts(city, grid_worker):
    grid = city["grids"]["A"]
    polygon = {"type": "Polygon", "coordinates": [[[114.3, 30.5], [114.4, 30.5], [114.4, 30.6], [114.3, 30.5]]]}
    Grid.objects.filter(pk=grid.pk).update(polygon=polygon)
    GridAssignment.objects.create(grid=grid, duty="grid_worker", name="网格员甲", phone="13900000000")
    body = get(grid_worker, f"/grids/{GRID_A}").json()
    assert body["polygon"] == polygon
    assert body["assignments"] == [
        {"duty": "grid_worker", "duty_name": "网格员", "name": "网格员甲", "phone": "13900000000", "building_id": None}
    ]
    assert body["counts"] == {"grids": 1, "buildings": 1, "households": 2, "residents": 2}


def test_grid_detail_outside_reach_is_404(city, grid_worker):
    assert get(grid_worker, f"/grids/{GRID_B}").status_code == 404
    assert get(grid_worker, f"/grids/{GRID_C}").status_code == 404


# --- Buildings -----------------------------------------------------------------------------------
def test_building_list_of_an_outsider_has_no_foreign_buildings(city, outsider):
    items = get(outsider, "/buildings").json()["items"]
    assert [b["grid_code"] for b in items] == [GRID_C]


def test_building_list_filters_by_grid(city, street_officer):
    items = get(street_officer, "/buildings", grid=GRID_B).json()["items"]
    assert [b["grid_code"] for b in items] == [GRID_B]


def test_building_list_of_a_grid_outside_reach_is_empty(city, grid_worker):
    assert get(grid_worker, "/buildings", grid=GRID_C).json()["items"] == []


def test_building_detail_lists_its_units(city, grid_worker):
    building = city["grids"]["A"].buildings.get()
    body = get(grid_worker, f"/buildings/{building.pk}").json()
    assert body["code"] == building.code
    assert [(u["name"], u["household_count"]) for u in body["units"]] == [("1单元", 2)]


def test_building_detail_outside_reach_is_404(city, grid_worker):
    building = Building.objects.get(grid__code=GRID_C)
    assert get(grid_worker, f"/buildings/{building.pk}").status_code == 404


# --- Households ----------------------------------------------------------------------------------
def test_household_list_of_an_outsider_has_no_foreign_households(city, outsider):
    items = get(outsider, "/households").json()["items"]
    assert {h["grid_code"] for h in items} == {GRID_C}


def test_household_list_filters_by_grid_building_and_unit(city, street_officer):
    household = city["households"]["B"][0]
    assert {h["grid_code"] for h in get(street_officer, "/households", grid=GRID_B).json()["items"]} == {GRID_B}
    by_building = get(street_officer, "/households", building=household.unit.building_id).json()["items"]
    assert {h["id"] for h in by_building} == {h.pk for h in city["households"]["B"]}
    by_unit = get(street_officer, "/households", unit=household.unit_id).json()["items"]
    assert {h["id"] for h in by_unit} == {h.pk for h in city["households"]["B"]}


def test_household_list_of_a_building_outside_reach_is_empty(city, grid_worker):
    other = city["households"]["C"][0]
    assert get(grid_worker, "/households", building=other.unit.building_id).json()["items"] == []


def test_household_list_follows_next_cursor(city, street_officer):
    seen, cursor = [], ""
    for _ in range(10):
        body = get(street_officer, "/households", limit=1, cursor=cursor).json()
        seen += [h["id"] for h in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(h.pk for k in "AB" for h in city["households"][k])
    assert len(seen) == len(set(seen))


def test_household_detail_lists_members_masked(city, grid_worker):
    household = city["households"]["A"][0]
    response = get(grid_worker, f"/households/{household.pk}")
    body = response.json()
    assert sorted(m["name"] for m in body["members"]) == ["张伟", "李娜"]
    resident = city["residents"]["A"]
    member = next(m for m in body["members"] if m["id"] == resident.pk)
    assert member["id_number_masked"] == resident.id_number_masked
    assert member["phone_masked"] == "138****8000"
    text = response.content.decode()
    assert resident.id_number not in text
    assert resident.phone not in text
    assert "id_number" not in json.loads(text)["members"][0]


def test_household_detail_outside_reach_is_404(city, grid_worker):
    assert get(grid_worker, f"/households/{city['households']['B'][0].pk}").status_code == 404


def test_a_resident_role_reaches_nothing_through_the_api(city, db):
    from wangge.core.testing.factories import make_user

    resident_user = make_user("resident_1", "resident", [])
    assert get(resident_user, "/grids").json()["items"] == []
    assert get(resident_user, "/areas").json() == []
    assert get(resident_user, f"/grids/{GRID_A}").status_code == 404


def test_a_session_write_without_a_csrf_token_is_403_json_in_chinese(city, grid_worker):
    client = login(grid_worker, enforce_csrf_checks=True)
    resident = city["residents"]["A"]
    response = client.post(f"/api/v1/residents/{resident.pk}/reveal", {"field": "phone", "purpose": "tracing"},
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "CSRF" in response.json()["message"]
