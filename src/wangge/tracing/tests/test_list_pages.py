"""The investigation list pages through core.lists, open ones first, with a headline over all pages."""

from django.urls import reverse

from wangge.core.testing import login
from wangge.core.testing.factories import make_investigation
from wangge.core.testing.pages import forged_cursor_restarts, walk_pages
from wangge.tracing import selectors
from wangge.tracing.models import Investigation


def test_the_investigation_list_walks_every_investigation_once_open_first(city, street_officer):
    residents = [city["residents"][k] for k in ("A", "A2", "B")]
    for i, resident in enumerate(residents * 2):
        make_investigation(resident, status="closed" if i % 2 else "open")
    client = login(street_officer)
    url = reverse("tracing:investigation_list")
    expected = list(selectors.investigation_queryset(user=street_officer).values_list("pk", flat=True))
    assert len(expected) == 6
    seen = walk_pages(client, url)
    assert seen == expected
    statuses = [Investigation.objects.get(pk=pk).status for pk in seen]
    assert statuses == sorted(statuses, key=lambda s: s != "open")
    assert forged_cursor_restarts(client, url) == expected[:2]


def test_the_investigation_headline_counts_the_whole_filtered_list(city, street_officer):
    for _ in range(3):
        make_investigation(city["residents"]["A"])
    make_investigation(city["residents"]["B"], status="closed")
    response = login(street_officer).get(reverse("tracing:investigation_list"), {"size": 1, "status": "open"})
    assert len(response.context["page"].items) == 1
    assert response.context["total"] == 3 and "共 3 起" in response.content.decode()
