"""Walking a list page through its pager, the way a person clicking "下一页" does (for tests)."""

from __future__ import annotations


def walk_pages(client, url: str, params: dict | None = None, *, size: int = 2, rows=None) -> list:
    """The primary keys a list page shows across all its pages, following its ``next_url``;
    ``rows(context)`` picks a page's rows (default ``context["page"].items``)."""
    rows = rows or (lambda context: context["page"].items)
    seen, response = [], client.get(url, {**(params or {}), "size": size})
    pages = 0
    while True:
        assert response.status_code == 200
        pages += 1
        items = list(rows(response.context))
        assert len(items) <= size
        seen += [getattr(r, "pk", r) for r in items]
        next_url = response.context["next_url"]
        if not next_url:
            break
        assert pages < 1000
        response = client.get(next_url)
    assert pages >= 2, "the list should span pages for this test to mean anything"
    return seen


def forged_cursor_restarts(client, url: str, params: dict | None = None, *, rows=None) -> list:
    """The rows a page shows for a forged cursor, asserting it answered 200 with a message."""
    rows = rows or (lambda context: context["page"].items)
    response = client.get(url, {**(params or {}), "cursor": "forged.cursor", "size": 2})
    assert response.status_code == 200
    assert [m.message for m in response.context["messages"]]
    assert not response.context["first_url"]
    return [getattr(r, "pk", r) for r in rows(response.context)]
