"""One list component, two layouts: the quarantine list, the alert inbox, the gap lists and the daily
table are tables on a desktop and a card per row on a phone, each figure named, the row's action a
thumb-sized button on the card, and no sideways scroll.  Screenshots at 390 px go to var/screens/."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from wangge.core.testing import TEST_PASSWORD
from wangge.core.testing.factories import make_alert, make_quarantine_order, put_in
from wangge.health.models import EpidemicStatus as S

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SCREENS = Path(django_settings.BASE_DIR).parent.parent / "var" / "screens"
PAGES = {
    "quarantine": ("/quarantine/", "#order-list"),
    "alerts": ("/alerts/", "[data-testid=alert-table]"),
    "gaps": ("/health/gaps/?kind=fevers_unseen", "#gap-list"),
    "daily": ("/health/daily/", "#daily-table"),
}


@pytest.fixture
def world(city):
    today = timezone.localdate()
    put_in(city["residents"]["A"], S.FEVER)
    make_quarantine_order(city["residents"]["A2"], start=today - dt.timedelta(days=14), planned_release=today)
    make_alert(role="command", grid_code=city["residents"]["A"].grid_code, title="转运延误：某某")
    return city


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_be_visible()


@pytest.mark.parametrize("name", list(PAGES))
def test_a_list_is_cards_on_a_phone_and_a_table_on_a_desktop(live_server, new_page, world, street_officer, name):
    path, table = PAGES[name]
    phone = new_page(**PHONE)
    log_in(phone, live_server.url, "street_1")
    phone.goto(live_server.url + path)
    row = phone.locator(f"{table} tbody tr").first
    expect(row).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r).display") == "block"  # a card
    assert phone.locator(f"{table} thead").evaluate("h => getComputedStyle(h).display") == "none"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    labelled = row.locator("td[data-label]").first
    before = labelled.evaluate("td => getComputedStyle(td, '::before').content")
    assert before not in ("none", "normal", '""')  # each figure says what it is
    action = row.locator("td.card-action :is(button, [role=button])")
    if action.count():
        box = action.first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300  # the action fills the card
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / f"cards-{name}-390.png"), full_page=True)

    desktop = new_page(**DESKTOP)
    log_in(desktop, live_server.url, "street_1")
    desktop.goto(live_server.url + path)
    assert desktop.locator(f"{table} tbody tr").first.evaluate("r => getComputedStyle(r).display") == "table-row"
