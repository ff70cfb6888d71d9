"""A grid worker walks down to a household, reveals a resident's ID number, and an auditor finds it."""

import re

import pytest
from playwright.sync_api import expect

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")


def test_grid_worker_reveals_an_id_number_and_the_auditor_finds_it(
    live_server, new_page, city, grid_worker, auditor
):
    resident = city["residents"]["A"]
    page = new_page()

    log_in(page, live_server.url, "gw_a")
    expect(page.locator("h1")).to_have_text("今日工作 · 第001网格")  # the landing page: today's work
    # One grid in reach: the grid overview (网格与人口, in the 防控 menu) lands on it.
    page.goto(f"{live_server.url}/area/")
    expect(page.locator("h1")).to_have_text("第001网格")
    expect(page.locator(".breadcrumb")).to_contain_text("武昌区106")

    page.get_by_role("link", name="1栋", exact=True).click()
    expect(page.locator("h1")).to_have_text("1栋")
    page.get_by_role("link", name="1单元", exact=True).click()
    expect(page.locator("h1")).to_contain_text("1单元")
    page.get_by_role("link", name=resident.household.door_number, exact=True).click()
    expect(page.locator("h1")).to_contain_text(resident.household.door_number)
    page.get_by_role("link", name="张伟", exact=True).click()

    expect(page.locator("h1")).to_have_text("张伟")
    masked = page.get_by_test_id("id-number-masked")
    expect(masked).to_have_text(re.compile(r"^420\*{11}\d{3}[\dX]$"))
    assert resident.id_number not in page.content()

    page.get_by_test_id("reveal-id_number").click()
    page.get_by_test_id("purpose-id_number-tracing").check()
    page.get_by_test_id("reveal-submit-id_number").click()
    expect(page.get_by_test_id("id-number")).to_have_text(resident.id_number)

    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.actor_username, entry.object_id, entry.field) == ("gw_a", str(resident.pk), "id_number")

    audit_page = new_page()
    log_in(audit_page, live_server.url, "auditor_1")
    audit_page.goto(f"{live_server.url}/audit/?action=reveal")
    rows = audit_page.locator("tr[data-action=reveal]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("gw_a")
    expect(rows.first).to_contain_text("张伟")
    expect(rows.first).to_contain_text("证件号码")  # the field in words, not its code
    expect(rows.first).to_contain_text("流调核实")  # and why it was revealed


def test_resident_list_fits_a_phone(live_server, new_page, city, grid_worker, tmp_path_factory):
    page = new_page(**PHONE)
    log_in(page, live_server.url, "gw_a")
    page.goto(f"{live_server.url}/people/residents/")
    expect(page.get_by_test_id("resident-table")).to_contain_text("张伟")
    # Nothing wider than the screen except inside the scrolling table wrapper.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path="/tmp/wangge-resident-list-phone.png", full_page=True)

    # The search runs through htmx: the table is swapped in place and the address follows.
    page.evaluate("window.stillTheSamePage = true")
    page.fill("#id_q", "李")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("resident-table")).not_to_contain_text("张伟")
    expect(page.get_by_test_id("resident-table")).to_contain_text("李娜")
    expect(page).to_have_url(re.compile(r"q=%E6%9D%8E"))
    assert page.evaluate("window.stillTheSamePage === true")  # no full page load
