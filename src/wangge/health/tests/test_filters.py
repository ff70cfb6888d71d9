"""The health lists' filters are declared once (``AreaFilters``, ``AreaDayFilters``, ``GapFilters``):
the pages and the API apply them alike, with the same parameter names."""

import pytest
from django.urls import reverse

from wangge.core.testing import Api, login
from wangge.core.testing.factories import put_in
from wangge.health.models import EpidemicStatus as S

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(city):
    put_in(city["residents"]["A"], S.CONFIRMED)
    put_in(city["residents"]["B"], S.FEVER)
    return city


@pytest.mark.parametrize("query", [{}, {"within": "420106001"}, {"within": "420106001000"},
                                   {"within": "420106001001"}, {"within": "420106001001002"}, {"date": "2026-01-01"}])
def test_the_daily_table_page_and_the_api_show_the_same_rows(cases, street_officer, query):
    page = login(street_officer).get(reverse("health:daily"), query)
    api = Api(street_officer).get("/health/four-categories", **query)
    assert api.status_code == 200
    table = page.context["table"]
    assert [(r.prefix, r.figures["confirmed"].current) for r in table.rows] == [
        (r["code"], r["categories"]["confirmed"]["current"]) for r in api.json()["rows"]]
    assert table.date.isoformat() == api.json()["date"]


@pytest.mark.parametrize("kind", ["unadmitted", "fevers_unseen"])
@pytest.mark.parametrize("within", ["", "420106001001", "420106001001002"])
def test_the_gap_page_and_the_api_list_the_same_people(cases, street_officer, kind, within):
    page = login(street_officer).get(reverse("health:gaps"), {"kind": kind, "within": within})
    api = Api(street_officer).get(f"/health/gaps/{kind}", within=within)
    assert api.status_code == 200
    assert [e.resident.pk for e in page.context["entries"]] == [i["resident_id"] for i in api.json()["items"]]


@pytest.mark.parametrize("page_name, api_path, query, field", [
    ("health:daily", "/health/four-categories", {"date": "2026-02-30"}, "date"),
    ("health:daily", "/health/four-categories", {"within": "42x"}, "within"),
    ("health:gaps", "/health/gaps/unadmitted", {"within": "4" * 25}, "within"),
    ("health:board", "/health/gaps/unadmitted", {"within": "x"}, "within"),
    ("health:monitoring", "/health/gaps/unadmitted", {"within": "1.5"}, "within"),
])
def test_a_bad_filter_is_a_422_in_the_api_and_a_message_on_the_page(cases, street_officer, page_name, api_path,
                                                                    query, field):
    api = Api(street_officer).get(api_path, **query)
    assert api.status_code == 422
    assert field in api.json()["errors"]
    page = login(street_officer).get(reverse(page_name), query)
    assert page.status_code == 200  # the filter left out: the top of the user's reach
    assert api.json()["errors"][field] in page.content.decode()
