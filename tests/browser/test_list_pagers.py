"""The list pages moved to the one pager look right on a phone (390 px) and a desktop (1440 px):
the pager is on screen, nothing scrolls sideways.  Screenshots go to var/screens/ for a person."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from wangge.accounts.models import User
from wangge.core.testing.factories import TEST_PASSWORD
from wangge.grid.models import Grid
from wangge.screening.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


@pytest.fixture
def demo_city(db):
    call_command("demo", "--residents", "3000", stdout=StringIO(), stderr=StringIO())
    command = User.objects.get(username="demo_command")
    command.set_password(TEST_PASSWORD)
    command.save()
    return command


def test_the_list_pages_show_their_pager_on_screen_at_phone_and_desktop_widths(live_server, new_page, demo_city):
    command = demo_city
    grid = Grid.objects.restrict(command).filter(buildings__units__households__isnull=False).first()
    building = grid.buildings.order_by("code").first()
    unit = building.units.order_by("code").first()
    campaign = Campaign.objects.filter(frequency="daily").first()
    pages = {
        "grid": f"/grid/g/{grid.code}/?size=2",
        "building": f"/grid/building/{building.pk}/?size=1",
        "unit": f"/grid/unit/{unit.pk}/?size=2",
        "investigations": "/tracing/?size=2",
        "orders": "/quarantine/?size=2",
        "sites": "/quarantine/sites/?size=1",
        "transfers": "/transfer/?size=2",
        "alerts": "/alerts/?size=2",
        "campaign": f"/screening/{campaign.pk}/?size=2",
        "missing": f"/screening/{campaign.pk}/missing/?size=2",
    }
    SCREENS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width in (390, 1440):
        page = new_page(viewport={"width": width, "height": 900})
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", "demo_command")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
            sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if sideways > 1:
                problems.append(f"{name} at {width}px scrolls sideways by {sideways}px")
            pager = page.locator("nav.pager")
            if pager.count():
                box = pager.first.bounding_box()
                if box and box["x"] + box["width"] > width + 1:
                    problems.append(f"{name} at {width}px: the pager runs off screen")
            else:
                problems.append(f"{name} at {width}px shows no pager")
    assert problems == []
