"""On a phone (390 px): a resident signs in with their phone number and the code that the outbox
shows a superuser, lands on 我的 and sees their household, only those they act for; in 长辈版 the
targets stay at least 44 px and nothing scrolls sideways."""

import re

from playwright.sync_api import expect

from wangge.accounts.models import Role
from wangge.core.testing import GRID_A, TEST_PASSWORD
from wangge.core.testing.factories import add_resident, build_grid, make_user

from .test_landing_and_monitoring_phone import PHONE, SCREENS, no_sideways_scroll

MUM = "13911110001"


def test_a_resident_signs_in_with_the_code_from_the_outbox_and_sees_their_household(live_server, new_page):
    grid = build_grid(GRID_A, households=2)
    home, next_door = grid.buildings.get().units.get().households.order_by("code")
    add_resident(home, name="李娟", male=False, phone=MUM)
    add_resident(home, name="李小明", relation="child", phone="")
    add_resident(next_door, name="赵刚", phone="13911110003")
    admin = make_user("root", Role.COMMAND, [GRID_A])
    admin.is_superuser = True
    admin.save()

    page = new_page(**PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_test_id("resident-sign-in-link").tap()
    page.fill("#id_phone", MUM)
    page.get_by_role("button", name="获取验证码").tap()
    expect(page.get_by_test_id("code-form")).to_be_visible()

    # The built-in adapter's outbox, read by a superuser on another device.
    desk = new_page()
    desk.goto(f"{live_server.url}/accounts/login/")
    desk.fill("#id_username", "root")
    desk.fill("#id_password", TEST_PASSWORD)
    desk.click("button[type=submit]")
    desk.goto(f"{live_server.url}/messaging/outbox/")
    text = desk.get_by_test_id("outbox-row").first.inner_text()
    assert MUM in text
    code = re.search(r"\d{6}", text.split(MUM, 1)[1]).group()

    page.fill("#id_code", code)
    page.get_by_role("button", name="登录").tap()
    expect(page.locator("h1")).to_have_text("我的")
    household = page.get_by_test_id("my-household")
    expect(household).to_contain_text("李娟")
    expect(household).to_contain_text("李小明")
    expect(page.locator("main")).not_to_contain_text("赵刚")
    assert no_sideways_scroll(page)

    # 长辈版: larger text, still one column, targets still at least 44 px.
    page.locator(".text-size-prominent button").first.tap()
    expect(page.locator("html")).to_have_class(re.compile("large-text"))
    for target in page.locator(".portal-member").all():
        assert target.bounding_box()["height"] >= 44
    assert no_sideways_scroll(page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "resident-me-390.png"), full_page=True)

    page.locator(".portal-member", has_text="李小明").tap()
    expect(page.get_by_test_id("member-name")).to_have_text("李小明")
    expect(page.get_by_test_id("phone-code")).to_be_visible()
    assert no_sideways_scroll(page)

    # A staff page is refused in the site's layout.
    page.goto(f"{live_server.url}/alerts/")
    expect(page.get_by_test_id("error-403")).to_be_visible()
