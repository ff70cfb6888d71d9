"""Readable and tappable for everyone, the elderly included (适老化, GB/T 37668; WCAG 2.5.5, 1.4.4, 1.4.10).

Measured in Chromium as a grid worker on a 390 px phone, on the main pages:

* every visible interactive element (links, buttons, form controls, a checkbox's or radio's row,
  the nav, logout) is at least 44x44 px, except the few kinds listed in ``EXEMPT`` (and why);
* no visible text is smaller than 14 px;
* nothing scrolls sideways at 320 px, nor at 200 % text size (tables may scroll inside their own
  ``.table-scroll`` box, never the page);
* every input, select and textarea has a visible label (``label[for]`` or a wrapping label);
* the first thing the Tab key reaches is the skip link (跳到主要内容), and it leads to <main>.

Then the large-text mode (长辈版): switched on once, every page has body text of 18 px or more, and
it holds for the public declaration page, which offers the switch first, before anything else.
Screenshots at 390 px (normal and 长辈版) go to var/screens/ for a person to look at.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from wangge.accounts.models import User
from wangge.audit.context import Actor
from wangge.core.testing.factories import TEST_PASSWORD
from wangge.grid.models import Grid
from wangge.people.models import Resident
from wangge.screening.models import Campaign
from wangge.screening.services import declaration_link_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
PHONE = {"width": 390, "height": 844}
MIN_TARGET = 44
MIN_FONT = 14
LARGE_BODY_FONT = 18

# Interactive elements that need not be 44x44, each with the reason (WCAG 2.5.5 and GB/T 37668 make
# the same exceptions).  A CSS selector each; an element matching one is not measured.
EXEMPT = {
    # A link inside a sentence: making it 44 px tall would tear the paragraph's lines apart.
    "p a, li > small a, .help a": "inline link inside a sentence of text",
    # The map's attribution names the map library; Leaflet writes it, nobody needs to tap it.
    ".leaflet-control-attribution a": "map attribution credit",
    # Buildings drawn on the grid map: their size is the building's size on the map.
    ".leaflet-interactive, .leaflet-marker-icon": "a shape on the map",
}

MEASURE = """
([minTarget, minFont, exempt]) => {
  const visible = (el) => {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim().slice(0, 30);
    const cls = el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return `<${el.tagName.toLowerCase()}${cls}> "${text}"`;
  };
  const small = [];
  let measured = 0;
  const seen = new Set();
  const interactive = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], " +
    "[tabindex]:not([tabindex='-1'])");
  for (const el of interactive) {
    if (el.closest(".skip-link")) continue;  // measured on its own, when focused
    if (exempt.some((sel) => el.matches(sel))) continue;
    let target = el;
    // A checkbox or radio is tapped anywhere on its row: the label that holds it is the target.
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      target = el.closest("label") || (el.labels && el.labels[0]) || el;
    }
    if (seen.has(target) || !visible(target)) continue;
    seen.add(target);
    measured += 1;
    const r = target.getBoundingClientRect();
    if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5) {
      small.push(`${describe(target)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  const tiny = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.nodeValue.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest("script, style, noscript, .skip-link, option") || !visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minFont - 0.05) tiny.add(`${describe(el)} ${size}px`);
  }
  const unlabelled = [];
  const fields = "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea";
  for (const el of document.querySelectorAll(fields)) {
    const labels = Array.from(el.labels || []).filter((l) => l.textContent.trim());
    // A control hidden with its section (an absent member's fields) is checked for a label, not a visible one.
    if (!labels.length || (visible(el) && !labels.some(visible))) {
      unlabelled.push(describe(el) + (el.id ? "#" + el.id : ""));
    }
  }
  return {small, measured, tiny: Array.from(tiny), unlabelled};
}
"""

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# What sticks out past the right edge (innermost first), to say why a page scrolls sideways.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    const childOut = [...el.children].some((c) => c.getBoundingClientRect().right > width + 1);
    if (r.right > width + 1 && !el.closest(".table-scroll") && !childOut) {
      const text = (el.textContent || "").trim().slice(0, 20);
      out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ${text} right=${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 3).join("; ");
}"""
# 200 % text as a browser's text-size setting gives it: the root font size doubled (set through the
# CSSOM, which the Content-Security-Policy allows, unlike a <style> element).
TEXT_200 = "document.documentElement.style.setProperty('font-size', '200%', 'important')"


@pytest.fixture
def demo_city(db):
    call_command("demo", "--residents", "1500", stdout=StringIO(), stderr=StringIO())
    for username in ("demo_grid",):
        user = User.objects.get(username=username)
        user.set_password(TEST_PASSWORD)
        user.save()
    return User.objects.get(username="demo_grid")


def _log_in(page, base_url, username="demo_grid"):
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def _main_pages(worker):
    grid = Grid.objects.restrict(worker).filter(buildings__units__households__isnull=False).first()
    building = grid.buildings.order_by("code").first()
    unit = building.units.order_by("code").first()
    resident = Resident.objects.restrict(worker).order_by("id").first()
    campaign = Campaign.objects.filter(grid_code__in=[grid.code[:n] for n in range(1, len(grid.code) + 1)]).first()
    pages = {
        "home": "/",
        "residents": "/people/residents/",
        "resident": f"/people/residents/{resident.pk}/",
        "resident-edit": f"/people/residents/{resident.pk}/edit/",
        "household": f"/grid/household/{resident.household_id}/",
        "grid": f"/grid/g/{grid.code}/",
        "building": f"/grid/building/{building.pk}/",
        "unit": f"/grid/unit/{unit.pk}/",
        "today": "/screening/today/",
        "campaigns": "/screening/",
        "health": "/health/",
        "monitoring": "/health/monitoring/",
        "health-person": f"/health/person/{resident.pk}/",
        "alerts": "/alerts/",
        "orders": "/quarantine/",
        "sites": "/quarantine/sites/",
        "investigations": "/tracing/",
        "transfers": "/transfer/",
        "link": f"/screening/household/{resident.household_id}/link/",
        "not-found": "/no/such/page/",
    }
    if campaign is not None:
        pages["campaign"] = f"/screening/{campaign.pk}/"
        pages["missing"] = f"/screening/{campaign.pk}/missing/"
        pages["visit"] = f"/screening/{campaign.pk}/visit/{resident.household_id}/"
    return pages


def _check(page, name, problems, *, targets=True):
    found = page.evaluate(MEASURE, [MIN_TARGET, MIN_FONT, list(EXEMPT)])
    assert found["measured"] > 3, f"{name}: measured {found['measured']} targets; is the page there?"
    if targets:
        problems += [f"{name}: tap target under {MIN_TARGET}px: {s}" for s in found["small"]]
    problems += [f"{name}: text under {MIN_FONT}px: {s}" for s in found["tiny"]]
    problems += [f"{name}: no visible label: {s}" for s in found["unlabelled"]]


def _check_skip_link(page, name, problems):
    page.keyboard.press("Tab")
    first = page.evaluate("""() => { const el = document.activeElement;
        const r = el.getBoundingClientRect();
        return {cls: el.className, href: el.getAttribute("href"), w: r.width, h: r.height, x: r.x, y: r.y}; }""")
    if first["cls"] != "skip-link" or first["href"] != "#main":
        problems.append(f"{name}: the first Tab stop is {first}, not the skip link")
    elif first["w"] < MIN_TARGET or first["h"] < MIN_TARGET or first["x"] < 0 or first["y"] < 0:
        problems.append(f"{name}: the focused skip link is not on screen at full size: {first}")


def test_the_main_pages_are_tappable_readable_labelled_and_reflow_on_a_phone(live_server, new_page, demo_city):
    pages = _main_pages(demo_city)
    SCREENS.mkdir(parents=True, exist_ok=True)
    problems = []
    page = new_page(viewport=PHONE)
    _log_in(page, live_server.url)
    narrow = new_page(viewport={"width": 320, "height": 700})
    _log_in(narrow, live_server.url)
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "not-found" else 200), f"{path} answered {response.status}"
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SCREENS / f"a11y-{name}-390.png"))  # the first screen, as a person sees it
        _check(page, name, problems)
        _check_skip_link(page, name, problems)
        if (sideways := page.evaluate(SIDEWAYS)) > 1:
            problems.append(f"{name}: scrolls sideways by {sideways}px at 390px: {page.evaluate(STICKING_OUT)}")
        page.evaluate(TEXT_200)
        if (sideways := page.evaluate(SIDEWAYS)) > 1:
            problems.append(f"{name}: scrolls sideways by {sideways}px at 200% text: {page.evaluate(STICKING_OUT)}")

        narrow.goto(live_server.url + path)
        narrow.wait_for_load_state("networkidle")
        if (sideways := narrow.evaluate(SIDEWAYS)) > 1:
            problems.append(f"{name}: scrolls sideways by {sideways}px at 320px: {narrow.evaluate(STICKING_OUT)}")
    assert not problems, "\n".join(problems)


def _body_font(page) -> float:
    body_text = "document.querySelector('main p, main td, main li, main dd, main label') || document.body"
    return page.evaluate(f"parseFloat(getComputedStyle({body_text}).fontSize)")


def test_large_text_mode_switched_on_once_holds_on_every_page(live_server, new_page, demo_city):
    pages = _main_pages(demo_city)
    page = new_page(viewport=PHONE)
    _log_in(page, live_server.url)
    page.goto(live_server.url + "/people/residents/")
    assert page.evaluate("document.documentElement.classList.contains('large-text')") is False
    assert _body_font(page) < LARGE_BODY_FONT
    page.locator("header [data-testid=text-size] button[aria-pressed=false]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/people/residents/")  # back where the switch was pressed
    problems = []
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if not page.evaluate("document.documentElement.classList.contains('large-text')"):
            problems.append(f"{name}: 长辈版 is off")
        body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        if body < LARGE_BODY_FONT or _body_font(page) < LARGE_BODY_FONT:
            problems.append(f"{name}: body text {body}px / {_body_font(page)}px in 长辈版")
        if (sideways := page.evaluate(SIDEWAYS)) > 1:
            problems.append(f"{name}: scrolls sideways by {sideways}px in 长辈版")
        _check(page, f"{name} (长辈版)", problems)
        page.screenshot(path=str(SCREENS / f"a11y-{name}-390-large.png"))
    assert not problems, "\n".join(problems)
    expect_on = page.locator("header [data-testid=text-size] button[aria-pressed=true]")
    expect_on.click()  # and off again, the same way
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.classList.contains('large-text')") is False


def test_the_public_declaration_page_offers_large_text_first(live_server, new_page, demo_city):
    household = Resident.objects.restrict(demo_city).first().household
    token = declaration_link_for(actor=Actor(user=demo_city), household_id=household.pk).token
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=PHONE)  # a resident on the link: not signed in
    page.goto(f"{live_server.url}/screening/d/{token}/")
    problems = []
    _check(page, "declare", problems)
    page.screenshot(path=str(SCREENS / "a11y-declare-390.png"), full_page=True)

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # then the switch, before the brand, the header and the form
    focused = page.evaluate(
        "() => [document.activeElement.tagName, document.activeElement.closest('[data-testid=text-size]') !== null]")
    assert focused == ["BUTTON", True]
    switch = page.locator("[data-testid=text-size] button")
    assert switch.count() == 1  # the one switch on this page, not a second one in the header
    box = switch.bounding_box()
    assert box["y"] < 120 and box["height"] >= MIN_TARGET and box["width"] >= PHONE["width"] * 0.8

    switch.click()
    page.wait_for_load_state("networkidle")
    assert f"/screening/d/{token}/" in page.url
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= LARGE_BODY_FONT
    assert page.locator("[data-testid=text-size] button[aria-pressed=true]").count() == 1
    _check(page, "declare (长辈版)", problems)
    if (sideways := page.evaluate(SIDEWAYS)) > 1:
        problems.append(f"declare: scrolls sideways by {sideways}px in 长辈版")
    page.screenshot(path=str(SCREENS / "a11y-declare-390-large.png"), full_page=True)
    assert not problems, "\n".join(problems)
