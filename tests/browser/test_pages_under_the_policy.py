"""The main pages work under the Content-Security-Policy: no violation, maps and charts draw.

The policy allows script and style only from our own static files.  This walks the pages of a
small demo city as the district command and as the public, collects every violation the browser
reports (the securitypolicyviolation event and Chrome's console message) and every script error,
and checks that the pieces that depend on script still work.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from wangge.accounts.models import User
from wangge.audit.context import Actor
from wangge.core.testing.factories import TEST_PASSWORD
from wangge.grid.models import Grid
from wangge.people.models import Resident
from wangge.quarantine.models import Site
from wangge.screening.models import Campaign
from wangge.screening.services import declaration_link_for
from wangge.tracing.models import Investigation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = (e.sourceFile || "") + ":" + e.lineNumber;
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + where);
});
"""


@pytest.fixture
def demo_city(db):
    call_command("demo", "--residents", "3000", stdout=StringIO(), stderr=StringIO())
    command = User.objects.get(username="demo_command")
    command.set_password(TEST_PASSWORD)
    command.save()
    return command


class Walker:
    def __init__(self, page, base_url):
        self.page, self.base_url, self.problems = page, base_url, []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url} script error: {error}"))
        page.context.add_init_script(WATCH_VIOLATIONS)

    def _console(self, message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.problems.append(f"{self.page.url} {text}")

    def visit(self, path):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, f"{path} answered {response.status}"
        self.page.wait_for_load_state("networkidle")
        self.collect()

    def collect(self):
        self.problems += [f"{self.page.url} {v}" for v in self.page.evaluate("window.__violations || []")]
        self.page.evaluate("window.__violations = []")


def test_the_main_pages_work_with_no_policy_violation(live_server, new_page, demo_city):
    command = demo_city
    campaign = Campaign.objects.filter(frequency="daily").first()
    household = Resident.objects.restrict(command).filter(grid_code__startswith=campaign.grid_code).first().household
    investigation = Investigation.objects.restrict(command).filter(trajectory__isnull=False).distinct().first()
    grid = Grid.objects.restrict(command).exclude(polygon=None).filter(buildings__lat__isnull=False).first()
    community_code = grid.code[:12]
    page = new_page()
    walk = Walker(page, live_server.url)

    walk.visit("/accounts/login/")
    page.fill("#id_username", "demo_command")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    walk.collect()

    walk.visit("/")  # home
    walk.visit(f"/grid/area/{community_code}/")  # an area, with its chart
    expect(page.locator("#area-chart svg, #area-chart canvas").first).to_be_attached()
    walk.visit(f"/grid/g/{grid.code}/")  # a grid, with its map
    expect(page.locator("#grid-map.leaflet-container")).to_be_visible()
    expect(page.locator("#grid-map[data-ready='1']")).to_have_count(1)  # its GeoJSON drawn
    expect(page.locator("#grid-map path.leaflet-interactive").first).to_be_attached()
    page.locator("#grid-map path.building-marker").first.hover()
    expect(page.locator(".leaflet-tooltip:not(.map-label)")).to_have_count(1)  # the grid's label stays
    walk.collect()

    walk.visit("/people/residents/")
    walk.visit(f"/screening/{campaign.pk}/")  # the coverage chart
    expect(page.locator("#coverage-chart svg, #coverage-chart canvas").first).to_be_attached()
    walk.visit(f"/screening/{campaign.pk}/visit/{household.pk}/")  # the visit form
    members = page.locator("fieldset.member")
    if members.count():
        switch = members.first.locator(".present input")
        fields = members.first.locator(".member-fields")
        expect(fields).to_be_visible()
        switch.click()
        expect(fields).to_be_hidden()  # an absent member needs no temperature
        switch.click()
        expect(fields).to_be_visible()
    walk.visit(f"/screening/household/{household.pk}/link/")

    walk.visit("/health/")  # the four-category board and its chart
    chart = page.locator("#health-chart")
    if chart.count():
        expect(chart.locator("svg, canvas").first).to_be_attached()
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.6)
        expect(page.locator(".chart-tooltip").first).to_be_attached()
    walk.collect()
    walk.visit("/health/monitoring/")
    walk.visit(f"/tracing/investigations/{investigation.pk}/")  # the trajectory map
    expect(page.locator("#trajectory-map.leaflet-container")).to_be_visible()
    expect(page.locator("#trajectory-map .leaflet-tooltip").first).to_be_attached()
    walk.visit("/quarantine/")
    walk.visit("/quarantine/sites/")
    expect(page.locator("progress.occupancy").first).to_be_visible()
    walk.visit(f"/quarantine/sites/{Site.objects.first().pk}/")
    walk.visit("/transfer/")
    walk.visit("/transfer/facilities/")
    walk.visit("/transfer/new/")

    walk.visit("/alerts/")  # its filters submit themselves when changed
    kind = page.locator("select[name=kind]")
    kind.select_option(index=1)
    page.wait_for_url("**/alerts/?kind=*")
    expect(page.locator("select[name=kind]")).not_to_have_value("")
    walk.collect()
    assert page.evaluate("typeof window.htmx.process") == "function"
    walk.visit("/quarantine/")  # the place filter too
    page.locator("select[name=place]").select_option("central")
    page.wait_for_url("**/quarantine/?*place=central*")
    walk.collect()
    walk.visit("/api/v1/docs")  # Swagger UI, from ninja's bundled files
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    walk.collect()
    walk.visit("/")
    page.locator("footer select[name=language]").select_option("en")  # the language switch submits too
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    walk.collect()

    # The public declaration page, without logging in.
    token = declaration_link_for(actor=Actor(user=demo_city), household_id=household.pk).token
    public = new_page()
    public_walk = Walker(public, live_server.url)
    public_walk.visit(f"/screening/d/{token}/")

    assert walk.problems + public_walk.problems == []
