"""On a phone (390 px): pick a contact by name, add the case's household in one tap, and register a
new person inline from the quarantine order form, never typing an internal number."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from wangge.core.testing.factories import TEST_PASSWORD, make_investigation, valid_id_number
from wangge.people.models import Resident
from wangge.quarantine.models import QuarantineOrder, Regime
from wangge.quarantine.presets import regime_presets_ensure
from wangge.tracing.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def screens() -> Path:
    path = Path(__file__).resolve().parents[2] / "var" / "screens"
    path.mkdir(parents=True, exist_ok=True)
    return path


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def log_in(page, live_server):
    # A transactional test before this one may have flushed the regimes the migration seeds.
    regime_presets_ensure(Regime)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "street_1")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")


def test_a_tracer_picks_contacts_by_name_and_adds_the_household_on_a_phone(live_server, new_page, city,
                                                                            street_officer):
    case = make_investigation(city["residents"]["A"])  # 张伟, living with 李娜
    page = new_page(**PHONE)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/tracing/investigations/{case.pk}/")
    page.get_by_text("登记接触者并下达隔离令").tap()

    page.get_by_test_id("contact-search").fill("王")
    result = page.get_by_test_id("person-result").first
    expect(result).to_contain_text("王芳")
    assert result.bounding_box()["height"] >= 44
    expect(result).not_to_contain_text(city["residents"]["B"].id_number)
    page.screenshot(path=str(screens() / "person-picker-search-390.png"), full_page=True)
    assert no_sideways_scroll(page)
    result.tap()
    expect(page.get_by_test_id("contact-picked")).to_contain_text("王芳")
    page.get_by_test_id("contacts-submit").tap()
    expect(page.locator(".message-success")).to_contain_text("1")
    assert Contact.objects.filter(investigation=case, resident=city["residents"]["B"]).exists()

    page.get_by_text("登记接触者并下达隔离令").tap()
    page.get_by_test_id("add-household").tap()
    expect(page.locator(".message-success")).to_be_visible()
    assert Contact.objects.filter(investigation=case, resident=city["residents"]["A2"]).exists()
    assert not Contact.objects.filter(investigation=case, resident=city["residents"]["A"]).exists()
    assert no_sideways_scroll(page)


def test_a_new_person_is_registered_inline_from_the_quarantine_order_form(live_server, new_page, city,
                                                                          street_officer):
    household = city["households"]["A"][1]
    page = new_page(**PHONE)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/quarantine/orders/new/")

    page.get_by_test_id("order-search").fill("陈静")
    expect(page.locator(".person-none")).to_be_visible()
    page.get_by_test_id("person-register-open").tap()
    form = page.get_by_test_id("person-register")
    expect(form.locator("[name=reg-name]")).to_have_value("陈静")
    form.locator("[name=reg-id_number]").fill(valid_id_number(male=False))
    form.locator("[name=reg-phone]").fill("13912345678")
    page.get_by_test_id("household-search").fill(household.door_number)
    choice = form.locator(f"input[name=reg-household][value='{household.pk}']")
    expect(choice).to_be_visible()
    choice.locator("xpath=..").tap()
    assert choice.locator("xpath=..").bounding_box()["height"] >= 44
    page.screenshot(path=str(screens() / "person-picker-register-390.png"), full_page=True)
    assert no_sideways_scroll(page)
    page.get_by_test_id("person-register-submit").tap()

    expect(page.get_by_test_id("order-picked")).to_contain_text("陈静")
    expect(page.get_by_test_id("person-register")).to_have_count(0)
    page.fill("#id_reason", "密接")
    page.screenshot(path=str(screens() / "person-picker-order-390.png"), full_page=True)
    page.get_by_role("button", name="下达").tap()
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_contain_text("隔离令已下达", timeout=15_000)
    resident = Resident.objects.get(name="陈静")
    assert resident.household == household
    assert QuarantineOrder.objects.filter(resident=resident).exists()
