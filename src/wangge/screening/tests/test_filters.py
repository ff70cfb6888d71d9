"""Screening's filters are declared once (``CampaignFilters``, ``AreaFilters``): page and API alike."""

import datetime as dt

import pytest
from django.urls import reverse

from wangge.core.testing import Api, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", [{}, {"on_date": "TODAY"}, {"on_date": "FAR"}, {"on_date": ""}])
def test_the_campaign_page_and_the_api_list_the_same_campaigns(campaign, street_officer, today, query):
    days = {"TODAY": today.isoformat(), "FAR": (today + dt.timedelta(days=30)).isoformat()}
    query = {k: days.get(v, v) for k, v in query.items()}
    page = login(street_officer).get(reverse("screening:campaign_list"), query)
    api = Api(street_officer).get("/screening/campaigns", **query)
    assert api.status_code == 200
    assert [c.pk for c in page.context["campaigns"]] == [c["id"] for c in api.json()["items"]]


@pytest.mark.parametrize("query", [{}, {"within": "420106001001"}, {"within": "420106001001002"},
                                   {"date": "TODAY"}, {"date": "YESTERDAY", "within": "420106001001001"}])
def test_the_missing_page_and_the_api_list_the_same_households(campaign, street_officer, today, query):
    days = {"TODAY": today.isoformat(), "YESTERDAY": (today - dt.timedelta(days=1)).isoformat()}
    query = {k: days.get(v, v) for k, v in query.items()}
    page = login(street_officer).get(reverse("screening:missing", args=[campaign.pk]), query)
    api = Api(street_officer).get(f"/screening/campaigns/{campaign.pk}/missing", **query)
    assert api.status_code == 200
    assert [h.pk for h in page.context["page"].items] == [h["household_id"] for h in api.json()["items"]]


@pytest.mark.parametrize("path, query, field", [
    ("campaigns", {"on_date": "2026-13-01"}, "on_date"),
    ("missing", {"date": "yesterday"}, "date"),
    ("missing", {"within": "42x"}, "within"),
    ("coverage", {"date": "1900-01-01"}, "date"),
])
def test_a_bad_filter_is_a_422_in_the_api_and_a_message_on_the_page(campaign, street_officer, path, query, field):
    api_path = "/screening/campaigns" if path == "campaigns" else f"/screening/campaigns/{campaign.pk}/{path}"
    api = Api(street_officer).get(api_path, **query)
    assert api.status_code == 422
    assert field in api.json()["errors"]
    page_url = {"campaigns": reverse("screening:campaign_list"),
                "missing": reverse("screening:missing", args=[campaign.pk]),
                "coverage": reverse("screening:campaign", args=[campaign.pk])}[path]
    page = login(street_officer).get(page_url, query)
    assert page.status_code == 200
    assert api.json()["errors"][field] in page.content.decode()
