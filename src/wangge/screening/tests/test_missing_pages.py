"""The missing households page through core.lists with the one pager (also as an htmx fragment on
the dashboard), and the headline counts every missing household."""

from django.urls import reverse

from wangge.core.testing import login
from wangge.core.testing.factories import make_household
from wangge.core.testing.pages import forged_cursor_restarts, walk_pages
from wangge.screening import selectors


def _more_households(city):
    unit = city["households"]["A"][0].unit
    for n in range(3, 6):
        make_household(unit, number=n)


def test_the_missing_households_walk_every_household_once_in_code_order(campaign, city, street_officer, today):
    _more_households(city)
    client = login(street_officer)
    url = reverse("screening:missing", args=[campaign.pk])
    expected = list(selectors.missing_queryset(user=street_officer, campaign=campaign, prefix="420106001",
                                               date=today).values_list("pk", flat=True))
    assert len(expected) == 7
    assert walk_pages(client, url, {"within": "420106001"}) == expected
    assert forged_cursor_restarts(client, url, {"within": "420106001"}) == expected[:2]


def test_the_dashboard_headline_counts_all_missing_households_and_its_pager_swaps_the_table(
        campaign, city, street_officer):
    _more_households(city)
    client = login(street_officer)
    response = client.get(reverse("screening:campaign", args=[campaign.pk]), {"size": 2})
    body = response.content.decode()
    assert len(response.context["page"].items) == 2
    assert response.context["missing_total"] == 7 and "共 7 户未覆盖" in body
    next_url = response.context["next_url"]
    assert next_url.startswith(reverse("screening:missing", args=[campaign.pk])) and 'hx-target="#missing"' in body
    fragment = client.get(next_url, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "<html" not in text and 'data-testid="missing-table"' in text and 'hx-target="#missing"' in text
    assert fragment.context["first_url"]
