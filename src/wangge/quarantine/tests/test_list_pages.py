"""Quarantine's order and site lists page through core.lists, with headlines over the whole list."""

import datetime as dt

from django.urls import reverse

from wangge.core.testing import login
from wangge.core.testing.factories import make_quarantine_order, make_site
from wangge.core.testing.pages import forged_cursor_restarts, walk_pages
from wangge.quarantine import selectors


def test_the_order_list_walks_every_order_once_and_counts_them_all(city, street_officer):
    today = dt.date.today()
    residents = [city["residents"][k] for k in ("A", "A2", "B")]
    for i, resident in enumerate(residents * 2):
        make_quarantine_order(resident, start=today - dt.timedelta(days=i % 3), planned_release=today)
    client = login(street_officer)
    url = reverse("quarantine:order_list")
    expected = list(selectors.order_queryset(user=street_officer).values_list("pk", flat=True))
    assert len(expected) == 6
    assert walk_pages(client, url, {"view": "active"}) == expected
    assert forged_cursor_restarts(client, url, {"view": "active"}) == expected[:2]
    response = client.get(url, {"size": 2})
    assert response.context["total"] == 6 and "共 6 人" in response.content.decode()
    due = list(selectors.order_queryset(user=street_officer, filters=selectors.OrderFilters(view="due"))
               .values_list("pk", flat=True))
    assert walk_pages(client, url, {"view": "due"}) == due


def test_the_site_list_walks_every_site_once_and_counts_them_all(city, street_officer):
    for n in range(5):
        make_site("420106001", name=f"隔离点{n % 2}", rooms={"101": 1})
    client = login(street_officer)
    url = reverse("quarantine:site_list")
    expected = list(selectors.site_queryset(user=street_officer).values_list("pk", flat=True))
    assert len(expected) == 5
    assert walk_pages(client, url, rows=lambda c: [s.site for s in c["sites"]]) == expected
    assert forged_cursor_restarts(client, url, rows=lambda c: [s.site for s in c["sites"]]) == expected[:2]
    response = client.get(url, {"size": 2})
    assert response.context["total"] == 5 and "共 5 处" in response.content.decode()
