"""The CDC records a quarantine order's tests on a phone: cards, not a sideways table; a negative in one
tap, a positive only after "确认阳性？", a wrong positive corrected with a reason; then 全部阴性 on the
due list."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wangge.audit.context import Actor
from wangge.core.testing.factories import TEST_PASSWORD
from wangge.quarantine.models import QuarantineTest, Regime
from wangge.quarantine.presets import regime_presets_ensure
from wangge.quarantine.services import quarantine_order_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def screens_dir() -> Path:
    here = Path(__file__).resolve()
    path = here.parents[2] / "var" / "screens"
    path.mkdir(parents=True, exist_ok=True)
    return path


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def order_started(user, resident, days_ago):
    # A transactional test before this one may have flushed the presets that a migration installs.
    regime_presets_ensure(Regime)
    return quarantine_order_create(
        actor=Actor(user=user),
        resident_id=resident.pk,
        regime_code="7+3",
        place="home",
        reason="密接",
        start_date=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def test_the_cdc_records_confirms_and_corrects_results_on_a_phone(live_server, new_page, city, cdc):
    order = order_started(cdc, city["residents"]["A"], days_ago=2)  # central days 1, 2 and 3 are due
    due = list(order.tests.filter(due_date__lte=timezone.localdate()).order_by("due_date"))
    later = order.tests.filter(due_date__gt=timezone.localdate()).order_by("due_date").first()
    first, second = due[0], due[1]

    page = new_page(**PHONE)
    log_in(page, live_server.url, "cdc_1")
    page.goto(f"{live_server.url}/quarantine/orders/{order.pk}/")
    assert no_sideways_scroll(page)
    assert page.locator("table").count() == 0  # cards, not a table

    # A test not due yet offers no buttons, only when it can be recorded.
    later_card = page.get_by_test_id(f"test-{later.pk}")
    expect(later_card).to_contain_text("到期后可录入结果")
    expect(later_card.get_by_role("button")).to_have_count(0)

    # A negative: one tap, on the card, with a thumb-sized button.
    card = page.get_by_test_id(f"test-{first.pk}")
    negative = card.get_by_role("button", name="阴性")
    assert negative.bounding_box()["height"] >= 44 and negative.bounding_box()["width"] >= 44
    negative.tap()
    expect(page.locator(".message-success")).to_contain_text("阴性")
    expect(page.get_by_test_id(f"result-{first.pk}")).to_have_text("阴性")

    # A positive: the first tap only asks.
    card = page.get_by_test_id(f"test-{second.pk}")
    positive = card.get_by_role("button", name="阳性")
    assert positive.bounding_box()["height"] >= 44
    positive.tap()
    confirm = page.get_by_test_id("confirm-positive")
    expect(confirm).to_contain_text("确认阳性？")
    assert page.url == f"{live_server.url}/quarantine/orders/{order.pk}/"  # the card asked in place (htmx)
    assert QuarantineTest.objects.get(pk=second.pk).result == "pending"
    confirm_button = confirm.get_by_role("button", name="确认")
    cancel = confirm.get_by_role("button", name="取消")
    assert confirm_button.bounding_box()["height"] >= 44 and cancel.bounding_box()["height"] >= 44
    assert no_sideways_scroll(page)
    page.screenshot(path=str(screens_dir() / "quarantine-confirm-positive-390.png"), full_page=True)
    confirm_button.tap()
    expect(page.get_by_test_id(f"result-{second.pk}")).to_have_text("阳性")
    assert QuarantineTest.objects.get(pk=second.pk).result == "positive"

    # The positive was wrong: correct it with a reason; the original entry stays.
    card = page.get_by_test_id(f"test-{second.pk}")
    card.get_by_text("更正结果").tap()
    card.get_by_label("更正原因").fill("标本编号录错")
    save = card.get_by_role("button", name="保存更正")
    assert save.bounding_box()["height"] >= 44
    save.tap()
    expect(page.locator(".message-success")).to_contain_text("已更正检测结果")
    card = page.get_by_test_id(f"test-{second.pk}")
    expect(page.get_by_test_id(f"result-{second.pk}")).to_have_text("阴性")
    expect(card).to_contain_text("标本编号录错")
    test = QuarantineTest.objects.get(pk=second.pk)
    assert test.result == "negative"
    assert list(test.entries.values_list("result", flat=True)) == ["positive", "negative"]

    assert no_sideways_scroll(page)
    page.screenshot(path=str(screens_dir() / "quarantine-tests-390.png"), full_page=True)


def test_a_grid_worker_marks_a_sampling_round_all_negative_on_a_phone(live_server, new_page, city, grid_worker):
    orders = [order_started(grid_worker, city["residents"][k], days_ago=1) for k in ("A", "A2")]
    due = [t for o in orders for t in o.tests.filter(due_date__lte=timezone.localdate())]

    page = new_page(**PHONE)
    log_in(page, live_server.url, "gw_a")
    page.goto(f"{live_server.url}/quarantine/tests/due/")
    assert no_sideways_scroll(page)
    for test in due:
        expect(page.get_by_test_id(f"test-{test.pk}")).to_be_visible()
    page.get_by_test_id("pick-all").tap()
    button = page.get_by_test_id("batch-negative")
    assert button.bounding_box()["height"] >= 44
    assert page.get_by_test_id(f"pick-{due[0].pk}").locator("..").bounding_box()["height"] >= 44
    page.screenshot(path=str(screens_dir() / "quarantine-due-390.png"), full_page=True)
    button.tap()
    expect(page.locator(".message-success")).to_contain_text(f"已录入 {len(due)} 份阴性结果")
    assert set(QuarantineTest.objects.filter(pk__in=[t.pk for t in due]).values_list("result", flat=True)) == {
        "negative"
    }
    assert no_sideways_scroll(page)
