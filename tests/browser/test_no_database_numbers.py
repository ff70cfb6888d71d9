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


def test_the_auditor_reads_the_log_as_cards_and_follows_one_record_without_typing_its_number(
        live_server, new_page, city, grid_worker, auditor, actor):
    from django.urls import reverse

    from wangge.people.services import resident_reveal

    a, b = city["residents"]["A"], city["residents"]["A2"]
    resident_reveal(actor=actor(grid_worker), resident_id=a.pk, field="id_number", purpose="tracing")
    resident_reveal(actor=actor(grid_worker), resident_id=b.pk, field="id_number", purpose="tracing")
    page = new_page(**PHONE)
    log_in(page, live_server.url, auditor.username)
    page.goto(live_server.url + reverse("audit:entry_list") + "?action=reveal")
    # No field asks for a record's internal number.
    expect(page.locator("input[name=object_id]:visible")).to_have_count(0)
    expect(page.get_by_text("对象编号")).to_have_count(0)
    # On a phone each entry is a card: no header row, every figure named, nothing scrolls sideways.
    table = page.get_by_test_id("audit-table")
    expect(table.locator("thead")).to_be_hidden()
    assert no_sideways_scroll(page)
    assert table.evaluate("t => t.closest('.table-scroll').scrollWidth <= t.closest('.table-scroll').clientWidth + 1")
    expect(table.locator("td[data-label='账号']").first).to_be_visible()
    # One tap narrows the log to a record's history.
    row = table.locator("tr", has_text=b.name).first
    row.get_by_test_id("object-history").click()
    expect(page.get_by_test_id("one-object")).to_contain_text(b.name)
    expect(table).not_to_contain_text(a.name)
    expect(table).to_contain_text(b.name)
    page.get_by_test_id("one-object").get_by_role("link").click()
    expect(table).to_contain_text(a.name)


def test_a_testing_round_names_its_area_and_its_turnaround_tables_are_cards_on_a_phone(
        live_server, new_page, city, street_officer):
    from django.utils import timezone as tz

    from wangge.core.testing.factories import make_round, make_sampling_point, make_tube
    from wangge.grid.selectors import area_names

    rnd = make_round("420106001001001")
    point = make_sampling_point(rnd, name="东区采样点")
    now = tz.now()
    make_tube(point, lab="", closed_at=now - dt.timedelta(hours=2))
    make_tube(point, lab="金域医学检验所", closed_at=now - dt.timedelta(hours=2),
              received_at=now - dt.timedelta(hours=1), resulted_at=now)
    page = new_page(**PHONE)
    log_in(page, live_server.url, street_officer.username)
    page.goto(f"{live_server.url}/testing/{rnd.pk}/")
    header = page.locator("main hgroup p").inner_text()
    assert "420106001001001" not in header
    assert area_names([rnd.grid_code])[rnd.grid_code] in header
    labs = page.get_by_test_id("turnaround-labs")
    expect(labs.locator("thead")).to_be_hidden()
    expect(labs.locator("td[data-label='管数']").first).to_be_visible()
    expect(labs).to_contain_text("未登记检测机构")
    assert no_sideways_scroll(page)

    page.goto(f"{live_server.url}/testing/")
    expect(page.locator("main")).not_to_contain_text("420106001001001")
