"""On a phone: a household's link is copied and printed as an A6 door sticker; the audit log reads
in words.  Screenshots at 390 px go to var/screens/."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from playwright.sync_api import expect

from wangge.core.testing.factories import TEST_PASSWORD
from wangge.people.services import resident_reveal
from wangge.screening.services import declaration_link_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SCREENS = Path(django_settings.BASE_DIR).parent.parent / "var" / "screens"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_be_visible()


def test_the_link_is_copied_and_the_door_sticker_prints_on_a6(live_server, new_page, city, grid_worker, actor):
    household = city["households"]["A"][0]
    link = declaration_link_for(actor=actor(grid_worker), household_id=household.pk)
    page = new_page(**PHONE, permissions=["clipboard-read", "clipboard-write"])
    log_in(page, live_server.url, grid_worker.username)

    page.goto(live_server.url + reverse("screening:declaration_link", args=[household.pk]))
    page.get_by_test_id("copy-link").click()
    expect(page.get_by_test_id("copy-link")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/d/{link.token}/")

    page.get_by_test_id("sticker-link").click()
    sticker = page.get_by_test_id("sticker")
    expect(sticker.locator("svg")).to_be_visible()
    # The QR fills its box (a viewBox, sized by CSS), centred on the card.
    qr, card = sticker.locator("svg").bounding_box(), sticker.bounding_box()
    assert abs((qr["x"] + qr["width"] / 2) - (card["x"] + card["width"] / 2)) < 2
    expect(page.get_by_test_id("sticker-address")).to_contain_text(household.door_number)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "door-sticker-390.png"), full_page=True)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_test_id("print-sticker")).to_be_hidden()
    page.screenshot(path=str(SCREENS / "door-sticker-print.png"), full_page=True)
    pdf = SCREENS / "door-sticker.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    data = pdf.read_bytes()
    # One A6 page (105 x 148 mm is 297.6 x 419.5 pt).
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 1
    [box] = set(re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data))
    width, height = (float(v) for v in box.split()[2:])
    assert abs(width - 297.6) < 2 and abs(height - 419.5) < 2


def test_the_audit_log_reads_in_words_on_a_phone(live_server, new_page, city, grid_worker, auditor, actor):
    resident = city["residents"]["A"]
    resident_reveal(actor=actor(grid_worker), resident_id=resident.pk, field="id_number", purpose="tracing")
    page = new_page(**PHONE)
    log_in(page, live_server.url, auditor.username)
    page.goto(live_server.url + reverse("audit:entry_list") + "?action=reveal")
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("证件号码")
    expect(table).to_contain_text("居民")
    expect(table).not_to_contain_text("people.resident")
    expect(page.locator("select[name=object_type]")).to_be_visible()
    expect(table.get_by_test_id("object-link").first).to_have_attribute(
        "href", reverse("people:resident_detail", args=[resident.pk]))
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "audit-log-390.png"), full_page=True)
    # The table scrolls sideways on a phone: the record, its type and the field, in words.
    table.scroll_into_view_if_needed()
    table.evaluate("t => t.closest('.table-scroll').scrollLeft = 330")
    page.screenshot(path=str(SCREENS / "audit-log-390-table.png"))
