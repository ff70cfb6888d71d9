"""The resident list's filters are declared once: the page and the API apply them alike."""

import pytest
from django.urls import reverse

from wangge.core.testing import GRID_B, STREET_1, Api, force_login
from wangge.people.models import KeyGroupTag, Resident, ResidentTag

pytestmark = pytest.mark.django_db

LIST = reverse("people:resident_list")


@pytest.fixture
def tagged(city):
    tag = KeyGroupTag.objects.get_or_create(code="elderly_alone", defaults={"name": "独居老人"})[0]
    wang = city["residents"]["B"]
    ResidentTag.objects.create(resident=wang, tag=tag, grid_code=wang.grid_code)
    Resident.objects.filter(pk=city["residents"]["A2"].pk).update(residence_type="floating")
    return city


@pytest.mark.parametrize("query", [
    {}, {"q": "王"}, {"q": " 张 "}, {"tag": "elderly_alone"}, {"tag": "nobody"}, {"residence_type": "floating"},
    {"residence_type": "流动"}, {"within": GRID_B}, {"within": STREET_1}, {"within": ""},
    {"q": "李", "residence_type": "floating", "within": "420106001001"},
])
def test_the_page_and_the_api_list_the_same_residents(client, tagged, street_officer, query):
    page = force_login(client, street_officer).get(LIST, query)
    api = Api(street_officer).get("/residents", **query)
    assert api.status_code == 200
    assert [r.pk for r in page.context["page"].items] == [r["id"] for r in api.json()["items"]]


@pytest.mark.parametrize("query, field", [
    ({"residence_type": "外星"}, "residence_type"),
    ({"within": "42x"}, "within"),
    ({"q": "长" * 51}, "q"),
    ({"household_id": "0"}, "household_id"),
])
def test_a_bad_filter_is_a_422_in_the_api_and_a_message_on_the_page(client, city, street_officer, query, field):
    api = Api(street_officer).get("/residents", **query)
    assert api.status_code == 422
    assert field in api.json()["errors"]
    page = force_login(client, street_officer).get(LIST, query)
    assert page.status_code == 200
    assert api.json()["errors"][field] in page.content.decode()  # the same message, on the page
    assert len(page.context["page"].items) == 3  # the filter left out: every resident in reach
