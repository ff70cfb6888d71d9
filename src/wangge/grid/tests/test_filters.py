"""The grid API's list filters are declarations (``grid.selectors``): documented, bounded, 422 when bad."""

import pytest

from wangge.core.testing import GRID_A, STREET_1, Api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path, params", [
    ("/areas", {"level", "parent"}),
    ("/grids", {"within", "cursor", "limit"}),
    ("/buildings", {"grid", "cursor", "limit"}),
    ("/households", {"grid", "building", "unit", "cursor", "limit"}),
])
def test_the_openapi_document_names_the_same_parameters(city, street_officer, path, params):
    schema = Api(street_officer).get("/openapi.json").json()
    assert {p["name"] for p in schema["paths"][f"/api/v1{path}"]["get"]["parameters"]} == params


@pytest.mark.parametrize("path, query, field", [
    ("/areas", {"level": "6"}, "level"),
    ("/areas", {"parent": "42-"}, "parent"),
    ("/grids", {"within": "1" * 25}, "within"),
    ("/buildings", {"grid": "abc"}, "grid"),
    ("/households", {"building": "0"}, "building"),
    ("/households", {"unit": "x"}, "unit"),
])
def test_a_bad_filter_is_a_422_naming_the_field(city, street_officer, path, query, field):
    response = Api(street_officer).get(path, **query)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_blank_filters_are_no_filter(city, street_officer):
    api = Api(street_officer)
    assert api.get("/households", grid="", building="").json() == api.get("/households").json()
    assert api.get("/grids", within=STREET_1).json()["items"] == api.get("/grids", within="420106001").json()["items"]
    assert [h["grid_code"] for h in api.get("/households", grid=GRID_A).json()["items"]] == [GRID_A] * 2
