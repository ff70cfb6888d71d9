"""A household's declaration link can be copied, shared and printed as a door sticker (门贴)."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from wangge.core.testing import login
from wangge.screening.services import declaration_link_for


def test_the_link_page_offers_copy_share_and_the_sticker(city, grid_worker, actor):
    household = city["households"]["A"][0]
    link = declaration_link_for(actor=actor(grid_worker), household_id=household.pk)
    page = login(grid_worker).get(reverse("screening:declaration_link", args=[household.pk])).content.decode()
    url = "http://testserver" + reverse("screening:declare", args=[link.token])
    assert f'data-copy="{url}"' in page
    assert f'data-share-url="{url}"' in page and " hidden " in page.split('data-testid="share-link"')[0][-200:]
    assert f'href="{reverse("screening:declaration_sticker", args=[household.pk])}"' in page


def test_the_sticker_has_the_qr_the_address_the_instructions_and_prints_on_a6(city, grid_worker, actor):
    household = city["households"]["A"][0]
    link = declaration_link_for(actor=actor(grid_worker), household_id=household.pk)
    response = login(grid_worker).get(reverse("screening:declaration_sticker", args=[household.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and link.token in page
    assert household.door_number in page.split('data-testid="sticker-address"')[1][:300]
    assert page.count("<li>") >= 3 and "data-print" in page
    assert "wangge/screening/screening.css" in page


def test_the_print_css_makes_an_a6_sticker_without_the_site_chrome():
    css = Path(finders.find("wangge/screening/screening.css")).read_text(encoding="utf-8")
    printed = css[css.index("@media print"):]
    assert "@page { size: 105mm 148mm;" in css and ".site-header" in printed and ".no-print" in printed


def test_without_a_link_the_sticker_sends_to_the_link_page(city, grid_worker):
    household = city["households"]["A"][0]
    response = login(grid_worker).get(reverse("screening:declaration_sticker", args=[household.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:declaration_link", args=[household.pk])


def test_a_household_out_of_reach_has_no_sticker(city, grid_worker):
    household = city["households"]["C"][0]
    assert login(grid_worker).get(reverse("screening:declaration_sticker", args=[household.pk])).status_code == 404
