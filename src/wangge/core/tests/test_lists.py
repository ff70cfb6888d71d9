"""The one list mechanism (wangge.core.lists): keyset pages, signed cursors, no caps."""

from __future__ import annotations

import pytest
from django.test import Client

from wangge.core.errors import ValidationFailed
from wangge.core.lists import keyset_page, walk
from wangge.grid.models import Household


def add_households(household, n: int, *, start: int = 0):
    """``n`` more households in ``household``'s unit (the city fixture has only a few)."""
    Household.objects.bulk_create([
        Household(code=f"{household.code[:15]}{start + i:09d}"[:24], unit=household.unit, grid_code=household.grid_code,
                  door_number=f"x{start + i}")
        for i in range(n)
    ])


def walk_codes(qs, *, limit: int, between_pages=None) -> list[str]:
    seen, cursor = [], ""
    while True:
        page = keyset_page(qs, cursor=cursor, limit=limit)
        seen += [h.code for h in page.items]
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor
        if between_pages:
            between_pages()


def test_pages_walk_the_whole_list_without_duplicates_or_gaps(city):
    add_households(city["households"]["A"][0], 57)
    qs = Household.objects.order_by("grid_code", "id")
    assert walk_codes(qs, limit=10) == list(qs.values_list("code", flat=True))


def test_rows_inserted_while_paging_neither_repeat_nor_push_rows_out(city):
    household = city["households"]["A"][0]
    add_households(household, 40)
    qs = Household.objects.order_by("grid_code", "id")
    before = set(qs.values_list("code", flat=True))
    inserted = iter(range(1000, 2000))
    seen = walk_codes(qs, limit=7, between_pages=lambda: add_households(household, 1, start=next(inserted)))
    assert len(seen) == len(set(seen))
    assert before <= set(seen)


def test_a_page_steps_back_with_its_previous_cursor(city):
    add_households(city["households"]["A"][0], 25)
    qs = Household.objects.order_by("grid_code", "id")
    first = keyset_page(qs, limit=10)
    second = keyset_page(qs, cursor=first.next_cursor, limit=10)
    back = keyset_page(qs, cursor=second.prev_cursor, limit=10)
    assert [h.pk for h in back.items] == [h.pk for h in first.items]
    assert not back.has_previous and back.next_cursor


def test_a_descending_order_pages_too(city):
    add_households(city["households"]["A"][0], 30)
    qs = Household.objects.order_by("-grid_code", "-id")
    assert walk_codes(qs, limit=4) == list(qs.values_list("code", flat=True))


def test_an_order_without_the_id_tiebreak_is_a_programming_error(city):
    with pytest.raises(ValueError):
        keyset_page(Household.objects.order_by("grid_code"))


@pytest.mark.parametrize("tamper", [
    lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),  # signature edited
    lambda c: "x" + c,  # payload edited
    lambda c: c[: len(c) // 2],  # truncated
    lambda c: "WyI0MjAxMDYiLCAxXQ",  # base64 JSON we did not sign
])
def test_a_tampered_cursor_is_a_coded_refusal(city, tamper):
    add_households(city["households"]["A"][0], 5)
    qs = Household.objects.order_by("grid_code", "id")
    cursor = keyset_page(qs, limit=2).next_cursor
    with pytest.raises(ValidationFailed) as caught:
        keyset_page(qs, cursor=tamper(cursor), limit=2)
    assert caught.value.code == "cursor_invalid"


def test_a_cursor_of_another_ordering_is_refused(city):
    add_households(city["households"]["A"][0], 5)
    cursor = keyset_page(Household.objects.order_by("grid_code", "id"), limit=2).next_cursor
    with pytest.raises(ValidationFailed):
        keyset_page(Household.objects.order_by("-door_number", "grid_code", "id"), cursor=cursor)


def test_walk_yields_every_row_past_any_former_cap(city):
    add_households(city["households"]["A"][0], 620)
    qs = Household.objects.order_by("grid_code", "id")
    assert [h.pk for h in walk(qs, chunk=100)] == list(qs.values_list("pk", flat=True))


def test_the_api_answers_a_tampered_cursor_with_422_and_its_code(city, street_officer):
    client = Client()
    client.force_login(street_officer)
    first = client.get("/api/v1/households", {"limit": 1}).json()
    response = client.get("/api/v1/households", {"limit": 1, "cursor": first["next_cursor"] + "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "cursor_invalid"


def test_a_page_with_a_tampered_cursor_starts_again_with_a_message(city, street_officer):
    client = Client()
    client.force_login(street_officer)
    response = client.get("/people/residents/", {"cursor": "forged"})
    assert response.status_code == 200
    assert [m.message for m in response.context["messages"]]
    from wangge.people.selectors import resident_queryset

    assert [r.pk for r in response.context["page"].items] == list(
        resident_queryset(user=street_officer).values_list("pk", flat=True))


def test_the_campaign_list_pages_past_the_old_500_cap_and_page_and_api_agree(city, street_officer):
    from wangge.screening.models import Campaign
    from wangge.screening.selectors import campaigns_for

    template = dict(grid_code=city["grids"]["A"].code, start_date="2026-01-01", end_date="2026-12-31",
                    frequency="daily", questions=[])
    Campaign.objects.bulk_create([Campaign(name=f"排查{i}", **template) for i in range(510)])
    client = Client()
    client.force_login(street_officer)
    api_ids, cursor = [], ""
    while True:
        body = client.get("/api/v1/screening/campaigns", {"limit": 200, "cursor": cursor}).json()
        api_ids += [c["id"] for c in body["items"]]
        if not body["next_cursor"]:
            break
        cursor = body["next_cursor"]
    expected = list(campaigns_for(user=street_officer).values_list("id", flat=True))
    assert len(expected) >= 510 and api_ids == expected
    page = client.get("/screening/", {}).context
    assert [c.pk for c in page["campaigns"]] == expected[: len(page["campaigns"])]
    assert page["next_url"]
