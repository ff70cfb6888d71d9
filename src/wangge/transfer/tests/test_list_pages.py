"""The transfer list pages through core.lists (en route first, late first within a status), with a
headline over the whole filtered list; nothing is cut."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from wangge.core.testing import login
from wangge.core.testing.factories import make_transfer
from wangge.core.testing.pages import forged_cursor_restarts, walk_pages
from wangge.transfer import selectors


def test_the_transfer_list_walks_every_transfer_once_in_board_order(city, street_officer, fangcang):
    now = timezone.now()
    statuses = ["planned", "en_route", "arrived", "handed_over", "planned", "en_route"]
    for i, status in enumerate(statuses):
        # Every other one is overdue: planned to arrive an hour ago.
        arrival = now + dt.timedelta(hours=-1 if i % 2 else 2)
        make_transfer([city["residents"]["A"]], destination=fangcang, departure=arrival - dt.timedelta(hours=1),
                      arrival=arrival, status=status, arrived_at=now - dt.timedelta(minutes=5)
                      if status == "arrived" else None)
    client = login(street_officer)
    url = reverse("transfer:list")
    expected = list(selectors.transfer_board(user=street_officer).values_list("pk", flat=True))
    assert len(expected) == 6
    seen = walk_pages(client, url, rows=lambda c: c["transfers"])
    assert seen == expected
    ranks = [selectors.STATUS_ORDER[selectors.TransferOrder.objects.get(pk=pk).status] for pk in seen]
    assert ranks == sorted(ranks)
    assert forged_cursor_restarts(client, url, rows=lambda c: c["transfers"]) == expected[:2]
    response = client.get(url, {"size": 2})
    assert response.context["total"] == 6 and "共 6 单" in response.content.decode()
    late = client.get(url, {"size": 1, "late": "on"})
    assert late.context["total"] == 2 and all(t.late for t in late.context["transfers"])
