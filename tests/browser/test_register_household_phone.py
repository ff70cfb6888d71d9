"""A grid worker at a new door, on a phone: 新增住户 from the unit page, then 登记居民 into it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from wangge.core.testing.factories import TEST_PASSWORD, valid_id_number
from wangge.grid.models import Household
from wangge.people.models import Resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_grid_worker_adds_a_household_and_registers_its_head_at_390_px(live_server, new_page, city, grid_worker):
    unit = city["households"]["A"][0].unit
    number = valid_id_number(male=False)

    page = new_page(**PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", grid_worker.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(live_server.url + reverse("grid:unit", args=[unit.pk]))

    page.get_by_role("button", name="新增住户").tap()
    expect(page.locator("h1")).to_have_text("新增住户")
    assert no_sideways_scroll(page)
    page.fill("#id_door_number", "302")
    page.get_by_role("button", name="保存并登记居民").tap()

    expect(page.locator(".message-success")).to_contain_text("已新增住户 302")
    household = Household.objects.get(unit=unit, door_number="302")
    expect(page.locator("#id_household")).to_have_value(str(household.pk))
    assert no_sideways_scroll(page)
    page.fill("#id_name", "孙丽")
    page.fill("#id_id_number", number)
    expect(page.locator("#id_relation")).to_have_value("head")
    page.screenshot(path="/tmp/wangge-register-phone.png", full_page=True)
    page.get_by_role("button", name="保存").tap()

    expect(page.locator(".message-success")).to_contain_text("已登记居民 孙丽")
    resident = Resident.objects.get(id_number=number)
    assert (resident.household_id, resident.relation) == (household.pk, "head")
    assert page.url.endswith(reverse("people:resident_detail", args=[resident.pk]))
    assert no_sideways_scroll(page)
