"""The order list's filters are declared once (``OrderFilters``): the page and the API apply them alike."""

import pytest
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import Api, login
from wangge.quarantine.tests.orders import make_order

pytestmark = pytest.mark.django_db


def page_ids(response) -> list[int]:
    page = response.context["page"]
    return sorted(o.pk for o in (page.items if hasattr(page, "items") else page))  # keyset or numbered pages


@pytest.fixture
def orders(city, street_officer, actor, site):
    make_order(actor, street_officer, city["residents"]["A"], days_ago=10)
    make_order(actor, street_officer, city["residents"]["B"], days_ago=1)
    make_order(actor, street_officer, city["residents"]["A2"], place="central", site_id=site.pk,
               room_id=site.rooms.get(number="101").pk)
    return site


@pytest.mark.parametrize("query", [
    {}, {"view": "due"}, {"view": "all"}, {"view": "released"}, {"place": "central"}, {"place": "home"},
    {"site_id": "SITE"}, {"q": "王"}, {"view": "", "place": ""},
])
def test_the_page_and_the_api_list_the_same_orders(orders, street_officer, query):
    query = {k: (str(orders.pk) if v == "SITE" else v) for k, v in query.items()}
    page = login(street_officer).get(reverse("quarantine:order_list"), query)
    api = Api(street_officer).get("/quarantine/orders", **query)
    assert api.status_code == 200
    assert page_ids(page) == sorted(o["id"] for o in api.json()["items"])


@pytest.mark.parametrize("query, field", [
    ({"view": "everything"}, "view"), ({"place": "moon"}, "place"), ({"site_id": "x"}, "site_id"),
    ({"site_id": "0"}, "site_id"), ({"q": "长" * 51}, "q"),
])
def test_a_bad_filter_is_a_422_in_the_api_and_a_message_on_the_page(orders, street_officer, query, field):
    api = Api(street_officer).get("/quarantine/orders", **query)
    assert api.status_code == 422
    assert field in api.json()["errors"]
    page = login(street_officer).get(reverse("quarantine:order_list"), query)
    assert page.status_code == 200
    assert api.json()["errors"][field] in page.content.decode()
    assert len(page_ids(page)) == 3  # the filter left out: the active orders


def test_the_export_records_the_filters_it_applied(orders, street_officer):
    b"".join(login(street_officer).get(reverse("quarantine:order_export"), {"place": "central"})
             .streaming_content)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="quarantine.quarantineorder")
    assert entry.changes["filters"] == {"view": "active", "place": "central"}
    assert entry.changes["rows"] == 1
