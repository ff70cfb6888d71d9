"""A grid worker runs a door of today's screening on a phone: numeric keypad, big buttons, next door."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wangge.audit.context import Actor
from wangge.core.testing.factories import TEST_PASSWORD
from wangge.health.models import EpidemicStatus, PersonStatus
from wangge.screening.models import Visit
from wangge.screening.services import campaign_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_a_grid_worker_records_a_fever_at_the_door_and_moves_to_the_next_household(
    live_server, new_page, city, grid_worker, street_officer
):
    today = timezone.localdate()
    campaign_create(actor=Actor(user=street_officer), name="街道每日排查", area_code="420106001000",
                    start_date=today - dt.timedelta(days=1), end_date=today + dt.timedelta(days=6), frequency="daily")
    zhang, li = city["residents"]["A"], city["residents"]["A2"]
    first, second = city["households"]["A"]

    page = new_page(**PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "gw_a")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("今日工作 · 第001网格")
    page.goto(f"{live_server.url}/screening/")

    page.get_by_role("button", name="今日入户排查").tap()
    units = page.get_by_test_id("unit-list")
    expect(units).to_contain_text("未覆盖 2 / 2 户")
    units.get_by_role("link").first.click()

    expect(page.get_by_test_id("household-title")).to_contain_text(first.door_number)
    temperature = page.get_by_test_id(f"temp-{zhang.pk}")
    assert temperature.get_attribute("inputmode") == "decimal"
    temperature.tap()
    temperature.fill("38.2")
    page.get_by_test_id(f"present-{li.pk}").tap()  # 李娜 is not home
    expect(page.get_by_test_id(f"temp-{li.pk}")).to_be_hidden()
    page.screenshot(path="/tmp/wangge-visit-form-phone.png", full_page=True)
    button = page.get_by_test_id("outcome-visited")
    assert button.bounding_box()["height"] >= 48  # a thumb-sized target
    button.tap()

    expect(page.get_by_test_id("next-household")).to_have_text("下一户")
    expect(page.get_by_test_id("household-title")).to_contain_text(second.door_number)
    expect(page.locator(".message-success")).to_contain_text("1人发热/有症状，已列为线索")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    visit = Visit.objects.get(household=first)
    assert visit.outcome == "visited"
    assert str(visit.members.get(resident=zhang).temperature) == "38.2"
    assert PersonStatus.objects.get(resident=zhang).status == EpidemicStatus.FEVER
