"""The investigation list's filters are declared once (``InvestigationFilters``): page and API alike."""

import pytest
from django.urls import reverse

from wangge.core.testing import Api, login
from wangge.tracing.models import Investigation

pytestmark = pytest.mark.django_db


def page_ids(response) -> list[int]:
    page = response.context["page"]
    return sorted(i.pk for i in (page.items if hasattr(page, "items") else page))  # keyset or numbered pages


@pytest.mark.parametrize("query", [{}, {"status": "open"}, {"status": "closed"}, {"status": ""}])
def test_the_page_and_the_api_list_the_same_investigations(investigation, cdc, query):
    page = login(cdc).get(reverse("tracing:investigation_list"), query)
    api = Api(cdc).get("/tracing/investigations", **query)
    assert api.status_code == 200
    assert page_ids(page) == sorted(i["id"] for i in api.json()["items"])


def test_a_bad_filter_is_a_422_in_the_api_and_a_message_on_the_page(investigation, cdc):
    api = Api(cdc).get("/tracing/investigations", status="lost")
    assert api.status_code == 422
    assert "status" in api.json()["errors"]
    page = login(cdc).get(reverse("tracing:investigation_list"), {"status": "lost"})
    assert page.status_code == 200
    assert api.json()["errors"]["status"] in page.content.decode()
    assert page_ids(page) == sorted(Investigation.objects.values_list("pk", flat=True))
