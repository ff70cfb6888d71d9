"""A sampler at a point on a phone (390 px): a tube's barcode, then one scan per person; a key-group
member gets a single tube; the pooled tube seals itself when full.  Each person costs one scan and no
tap (the scanner types the code and its Enter), and the page is ready for the next within 3 seconds."""

import time

import pytest
from playwright.sync_api import expect

from wangge.core.testing import GRID_A
from wangge.core.testing.factories import (
    TEST_PASSWORD,
    add_resident,
    make_round,
    make_sampling_point,
    make_tag,
    tag_resident,
)
from wangge.testing.models import Sample, Tube

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _focused(page, name: str) -> None:
    """Wait (at most 2 s) until the field ``name`` has the focus (polled: the page's CSP refuses eval)."""
    deadline = time.perf_counter() + 2
    while page.evaluate("document.activeElement && document.activeElement.name") != name:
        assert time.perf_counter() < deadline, f"{name} never got the focus"
        time.sleep(0.02)


def test_a_sampler_registers_people_and_tubes_on_a_phone(live_server, new_page, city, grid_worker):
    rnd = make_round("420106001", name="街道全员核酸", control_level="controlled")  # 5-in-1
    point = make_sampling_point(rnd, grid_code=GRID_A, name="一号采样点")
    household = city["households"]["A"][1]
    people = [add_resident(household, name=f"居民{i}") for i in range(5)]
    elder = city["residents"]["A"]
    tag_resident(elder, make_tag())

    page = new_page(**PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "gw_a")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/testing/points/{point.pk}/")

    taps = 0  # touches of the screen by staff; a scanner's typing and Enter are not taps
    page.get_by_test_id("tube-input").fill("POOL-0001")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("open-tube")).to_contain_text("POOL-0001")

    timings = []
    for i, person in enumerate(people):
        _focused(page, "person")  # ready for the next scan, no tap
        page.keyboard.type(person.id_number)  # the scanner, into the focused field
        started = time.perf_counter()  # staff wait from the scanner's Enter to the next person
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("registered")).to_contain_text(f"{person.name} → POOL-0001（{i + 1}/5）")
        _focused(page, "person" if i < len(people) - 1 else "tube")  # full: the next tube
        timings.append(time.perf_counter() - started)
    expect(page.get_by_test_id("tube-full")).to_be_visible()
    assert max(timings) < 3.0, timings

    # The tube sealed itself: the next scan is a new tube's barcode.
    _focused(page, "tube")
    page.keyboard.type("POOL-0002")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("open-tube")).to_contain_text("POOL-0002")

    # A key-group member: asked for a single tube, scanned, back to the pooled tube.
    _focused(page, "person")  # the page has moved on from the tube's barcode
    started = time.perf_counter()
    page.keyboard.type(elder.id_number)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("single-needed")).to_be_visible()
    _focused(page, "single")
    page.keyboard.type("SINGLE-0001")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("registered")).to_contain_text("SINGLE-0001（1/1）")
    assert time.perf_counter() - started < 6.0  # two scans

    # Scanning the same person again is flagged, not counted twice.
    _focused(page, "person")
    page.keyboard.type(people[0].id_number)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("repeat")).to_be_visible()

    # Closing a tube by hand is the one tap on the page.
    page.get_by_test_id("close-tube").tap()
    taps += 1
    expect(page.get_by_test_id("tube-input")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path="/tmp/wangge-sampling-point-phone.png", full_page=True)

    assert taps == 1  # 7 people registered with no tap at all
    assert Tube.objects.get(barcode="POOL-0001").status == "closed"
    assert Tube.objects.get(barcode="POOL-0002").status == "closed"
    assert Tube.objects.get(barcode="SINGLE-0001").capacity == 1
    assert Sample.objects.filter(repeat=False).count() == 6
    assert Sample.objects.filter(repeat=True).count() == 1
