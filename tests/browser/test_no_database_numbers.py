"""Issue 8's walk-through: no page shows a database number.  On a 390 px phone, the convoy check-in
page, the transfer order page and a quarantine order's page name the record by what it is (vehicle,
destination, person, place, date), not by its row number, and a check-in with a place in words shows
the words, not bare coordinates."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_quarantine_results_phone import PHONE, log_in, no_sideways_scroll
from wangge.core.testing.factories import make_facility, make_quarantine_order, make_transfer
from wangge.transfer.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _no_row_number(text: str, word: str, pk: int):
    assert not re.search(rf"{word}\s*(#|No\.?)?\s*{pk}\b", text), text


def test_transfer_and_order_pages_name_records_in_words(live_server, new_page, city, community_worker):
    now = timezone.now()
    transfer = make_transfer([city["residents"]["A"]], destination=make_facility(),
                             departure=now - dt.timedelta(minutes=20), arrival=now + dt.timedelta(minutes=40),
                             status="en_route", departed_at=now - dt.timedelta(minutes=20))
    CheckIn.objects.create(transfer=transfer, at=now - dt.timedelta(minutes=5), lat=30.512345, lng=114.312345,
                           place_note="武珞路与中南路口")
    today = dt.date.today()
    order = make_quarantine_order(city["residents"]["A2"], start=today, planned_release=today + dt.timedelta(days=14))

    page = new_page(**PHONE)
    log_in(page, live_server.url, "cw_1")
    page.goto(f"{live_server.url}/transfer/{transfer.pk}/check-in/")
    expect(page.get_by_test_id("last-check-in")).to_contain_text("武珞路与中南路口")
    expect(page.get_by_test_id("last-check-in")).not_to_contain_text("30.51234")
    body = page.locator("main").inner_text()
    _no_row_number(body, "转运单", transfer.pk)
    assert no_sideways_scroll(page)

    page.goto(f"{live_server.url}/transfer/{transfer.pk}/")
    expect(page.get_by_test_id("check-ins")).to_contain_text("武珞路与中南路口")
    expect(page.get_by_test_id("check-ins")).not_to_contain_text("30.51234")
    _no_row_number(page.title(), "转运单", transfer.pk)

    page.goto(f"{live_server.url}/quarantine/orders/{order.pk}/")
    header = page.locator("main hgroup").inner_text()
    _no_row_number(header, "隔离令", order.pk)
    assert today.isoformat() in header
    assert no_sideways_scroll(page)
