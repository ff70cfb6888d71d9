"""On a phone: a grid worker lands on today's work and reaches the people who have not reported
with one tap; a street commander sees the figures, the gaps and the 14-day curve, and the
monitoring summary by area.  No sideways scroll.  Screenshots at 390 px go to var/screens/."""

import datetime as dt
from pathlib import Path

from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from wangge.core.testing import TEST_PASSWORD
from wangge.core.testing.factories import put_in
from wangge.health.models import EpidemicStatus as S
from wangge.screening.services import campaign_create

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SCREENS = Path(django_settings.BASE_DIR).parent.parent / "var" / "screens"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_be_visible()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_grid_worker_lands_on_today_and_taps_through_to_who_has_not_reported(
        live_server, new_page, city, grid_worker, street_officer, actor):
    today = timezone.localdate()
    campaign_create(actor=actor(street_officer), name="街道每日排查", area_code="420106001000",
                    start_date=today, end_date=today + dt.timedelta(days=6))
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    page = new_page(**PHONE)
    log_in(page, live_server.url, "gw_a")
    expect(page.locator("h1")).to_contain_text("今日工作")
    tile = page.locator("[data-tile=monitoring]")
    expect(tile.locator(".tile-value")).to_have_text("1")
    assert no_sideways_scroll(page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "landing-grid-worker-390.png"), full_page=True)
    box = tile.get_by_role("button").bounding_box()
    assert box["height"] >= 44
    tile.get_by_role("button").tap()
    expect(page.locator("#monitoring-list")).to_contain_text("张伟")
    assert "show=missing" in page.url and no_sideways_scroll(page)


def test_a_commander_sees_the_figures_and_the_monitoring_summary_by_area(
        live_server, new_page, city, street_officer):
    put_in(city["residents"]["A"], S.CONFIRMED)
    put_in(city["residents"]["B"], S.CLOSE_CONTACT)
    page = new_page(**PHONE)
    log_in(page, live_server.url, "street_1")
    expect(page.locator("#today-categories")).to_contain_text("1")
    expect(page.locator("#today-gaps")).to_contain_text("确诊未收治")
    expect(page.locator("#today-chart svg")).to_be_visible()  # the 14-day curve is drawn
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SCREENS / "landing-command-390.png"), full_page=True)
    page.goto(f"{live_server.url}/health/monitoring/?within=420106001001")
    cards = page.locator("#monitoring-summary li")
    expect(cards).to_have_count(1)  # grid B: the contact; grid A's confirmed case is not monitored
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SCREENS / "monitoring-summary-390.png"), full_page=True)
    cards.first.get_by_role("link").tap()
    expect(page.locator("#monitoring-list")).to_contain_text("王芳")
