"""On a phone, a grid worker picks why they reveal a phone number, sees it, and sees it masked again."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SCREENS = Path(django_settings.BASE_DIR).parent.parent / "var" / "screens"
TAP_TARGET = 44


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_be_visible()


def heights(locator) -> list[float]:
    return [box["height"] for box in (locator.nth(i).bounding_box() for i in range(locator.count()))]


def test_a_purpose_is_picked_on_a_phone_and_the_value_is_masked_again(live_server, new_page, city, grid_worker,
                                                                       settings):
    settings.WANGGE_REVEAL_SECONDS = 2
    resident = city["residents"]["A"]
    page = new_page(**PHONE)
    log_in(page, live_server.url, "gw_a")
    page.goto(f"{live_server.url}/people/residents/{resident.pk}/")
    expect(page.get_by_test_id("phone-masked")).to_have_text(resident.phone_masked)

    page.get_by_test_id("reveal-phone").click()
    picker = page.locator("#phone-value .reveal-picker")
    expect(picker.get_by_test_id("purpose-phone-transfer")).to_be_visible()
    # Every target of the picker is big enough for a thumb, and nothing is wider than the screen.
    assert min(heights(picker.locator(".reveal-purposes label"))) >= TAP_TARGET
    assert picker.get_by_test_id("reveal-submit-phone").bounding_box()["height"] >= TAP_TARGET
    assert picker.get_by_test_id("purpose-note-phone").bounding_box()["height"] >= TAP_TARGET
    assert page.get_by_test_id("reveal-phone").bounding_box()["height"] >= TAP_TARGET
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    SCREENS.mkdir(parents=True, exist_ok=True)
    picker.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "reveal-purpose-picker-390.png"), full_page=True)

    # "其他" without a note: the reason is shown in place and nothing is revealed.
    picker.get_by_text("其他", exact=True).click()  # the label is the tap target
    picker.get_by_test_id("reveal-submit-phone").click()
    expect(page.get_by_test_id("reveal-error-phone")).to_be_visible()
    assert resident.phone not in page.content()

    page.get_by_test_id("purpose-phone-transfer").check()
    page.get_by_test_id("reveal-submit-phone").click()
    expect(page.get_by_test_id("phone")).to_have_text(resident.phone)
    assert AuditEntry.objects.get(action=AuditAction.REVEAL).changes == {"purpose": "transfer"}
    page.locator("#phone-value").screenshot(path=str(SCREENS / "reveal-purpose-revealed-390.png"))

    # After the (shortened) time the masked value is back and the plain one has left the page.
    expect(page.get_by_test_id("phone-masked")).to_have_text(resident.phone_masked, timeout=5_000)
    expect(page.get_by_test_id("phone")).to_have_count(0)
    assert resident.phone not in page.content()

    # The picker put back works again: a second reveal, for another purpose, is a second entry.
    page.get_by_test_id("reveal-phone").click()
    page.get_by_test_id("purpose-phone-nat").check()
    page.get_by_test_id("reveal-submit-phone").click()
    expect(page.get_by_test_id("phone")).to_have_text(resident.phone)
    page.get_by_test_id("remask-phone").click()  # or at once, by hand
    expect(page.get_by_test_id("phone-masked")).to_be_visible()
    assert resident.phone not in page.content()
    assert sorted(e.changes["purpose"] for e in AuditEntry.objects.filter(action=AuditAction.REVEAL)) == [
        "nat", "transfer"]
