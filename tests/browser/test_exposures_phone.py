"""A CDC officer on a phone: a case's likely exposures as cards with their reasons, two ticked and made
contacts in one action, then the transmission chain drawn as a graph.  Screenshots go to var/screens/."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from wangge.core.testing import TEST_PASSWORD
from wangge.core.testing.factories import add_resident, make_household, make_investigation, make_unit, put_in
from wangge.health.models import EpidemicStatus
from wangge.quarantine.models import Regime
from wangge.quarantine.presets import regime_presets_ensure
from wangge.tracing.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SCREENS = Path(django_settings.BASE_DIR).parent.parent / "var" / "screens"


@pytest.fixture
def case(city):
    # A transactional test before this one may have flushed the regimes the migration seeds.
    regime_presets_ensure(Regime)
    home, next_door = city["households"]["A"]
    add_resident(next_door, name="陈静", male=False)
    add_resident(make_household(make_unit(home.unit.building, number=2)), name="<b>赵磊</b>")
    case = city["residents"]["A"]
    put_in(case, EpidemicStatus.CONFIRMED)
    return make_investigation(case)


def test_exposures_become_contacts_and_the_chain_is_drawn(live_server, new_page, case, cdc):
    page = new_page(**PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cdc_1")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/tracing/investigations/{case.pk}/")
    page.click("[data-testid=exposures-link]")
    rows = page.locator("#exposure-list tbody tr")
    expect(rows).to_have_count(3)
    assert rows.first.evaluate("r => getComputedStyle(r).display") == "block"  # a card on a phone
    expect(rows.first).to_contain_text("同住")
    expect(page.locator("#exposure-list")).to_contain_text("<b>赵磊</b>")  # a typed name stays text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "exposures-phone.png"), full_page=True)
    # The household member comes ticked (a close contact); tick the neighbour too.
    assert rows.nth(0).locator("input[name=resident_ids]").is_checked()
    rows.nth(1).locator("input[name=resident_ids]").check()
    button = page.locator("[data-testid=exposures-submit]")
    assert button.bounding_box()["height"] >= 44
    button.click()
    page.wait_for_url(f"**/tracing/investigations/{case.pk}/")
    expect(page.locator(".message-success")).to_be_visible()
    assert set(Contact.objects.values_list("resident__name", flat=True)) == {"李娜", "陈静"}
    page.goto(f"{live_server.url}/tracing/investigations/{case.pk}/chain/")
    expect(page.locator("#chain-chart svg")).to_be_visible()
    expect(page.locator("#chain-links tbody tr")).to_have_count(2)
    assert page.locator("#chain-chart svg text").count() >= 3  # every person is named on the graph
    page.screenshot(path=str(SCREENS / "chain-phone.png"), full_page=True)
