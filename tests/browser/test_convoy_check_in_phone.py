"""The crew checks in en route on a 390 px phone: one thumb-sized button at the bottom sends the
phone's position; when the phone will not tell, the page asks for the place in words instead.
The order page then lists the check-ins and shows them on its map."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_quarantine_results_phone import PHONE, log_in, no_sideways_scroll, screens_dir
from wangge.core.testing.factories import make_facility, make_transfer
from wangge.transfer.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def en_route(city):
    now = timezone.now()
    return make_transfer([city["residents"]["A"], city["residents"]["A2"]], destination=make_facility(),
                         departure=now - dt.timedelta(minutes=20), arrival=now + dt.timedelta(minutes=40),
                         status="en_route", departed_at=now - dt.timedelta(minutes=20))


def test_the_crew_checks_in_with_the_phones_position(live_server, new_page, en_route, community_worker):
    page = new_page(**PHONE, permissions=["geolocation"], geolocation={"latitude": 30.5431, "longitude": 114.3325})
    log_in(page, live_server.url, "cw_1")
    page.goto(f"{live_server.url}/transfer/{en_route.pk}/check-in/")
    assert no_sideways_scroll(page)
    button = page.get_by_test_id("check-in")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    # Within the thumb's reach: the lower part of the screen.
    assert box["y"] + box["height"] <= 844 and box["y"] >= 844 / 2
    page.screenshot(path=str(screens_dir() / "convoy_check_in_390.png"))
    button.tap()
    expect(page.locator(".message-success")).to_contain_text("已报告当前位置")
    check_in = CheckIn.objects.get(transfer=en_route)
    assert (round(check_in.lat, 4), round(check_in.lng, 4)) == (30.5431, 114.3325)
    expect(page.get_by_test_id("last-check-in")).to_contain_text("30.5431")

    page.goto(f"{live_server.url}/transfer/{en_route.pk}/")
    expect(page.get_by_test_id("check-ins")).to_contain_text("30.54310")
    expect(page.locator("#convoy-map .convoy-marker")).to_have_count(1)
    assert no_sideways_scroll(page)


def test_when_the_phone_will_not_tell_the_crew_types_the_place(live_server, new_page, en_route, community_worker):
    page = new_page(**PHONE)  # geolocation not granted: the browser refuses it
    page.context.clear_permissions()
    log_in(page, live_server.url, "cw_1")
    page.goto(f"{live_server.url}/transfer/{en_route.pk}/check-in/")
    page.get_by_test_id("check-in").tap()
    expect(page.locator("#check-in-status")).to_contain_text("无法获取定位")
    assert not CheckIn.objects.exists()
    page.fill("#id_place_note", "武珞路与中南路口")
    page.get_by_test_id("check-in").tap()
    expect(page.locator(".message-success")).to_contain_text("已报告当前位置")
    check_in = CheckIn.objects.get(transfer=en_route)
    assert check_in.lat is None and check_in.place_note == "武珞路与中南路口"
