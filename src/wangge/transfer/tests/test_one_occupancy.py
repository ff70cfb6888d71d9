"""A hotel that is both a centralised quarantine site and a transfer facility has one occupancy:
its rooms' beds, the people staying (by their quarantine order, or admitted by a transfer with no
order yet, each once) and the people on the way, the same on the site page, the site list, the
facility board, the destination check and the API."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.core.testing import Api, login
from wangge.core.testing.factories import (
    add_resident,
    make_admission,
    make_facility,
    make_quarantine_order,
    make_site,
    make_transfer,
)
from wangge.quarantine import selectors as quarantine_selectors
from wangge.quarantine.models import QuarantineOrder
from wangge.transfer import selectors
from wangge.transfer.models import Facility


@pytest.fixture
def hotel(city):
    """4 beds in 2 rooms; the facility record claims 50 (a figure nobody keeps up to date)."""
    site = make_site("420106001", name="江滩酒店隔离点", rooms={"101": 2, "102": 2})
    facility = make_facility("江滩酒店隔离点", Facility.Tier.ISOLATION_SITE, capacity=50, grid_code="420106001",
                             quarantine_site=site)
    today = timezone.localdate()
    household = city["households"]["A"][0]
    ordered, both, guest, coming, left = (add_resident(household, name=n) for n in ("甲", "乙", "丙", "丁", "戊"))
    room = site.rooms.get(number="101")
    for person in (ordered, both):
        make_quarantine_order(person, start=today, planned_release=today + dt.timedelta(days=7),
                              place=QuarantineOrder.Place.CENTRAL, phase=QuarantineOrder.Phase.CENTRAL, site=site,
                              room=room)
    make_admission(both, facility)  # has an order at the site too: counted once
    make_admission(guest, facility)  # admitted by a transfer, no order yet
    make_admission(left, facility, discharged_at=timezone.now())  # gone
    now = timezone.now()
    make_transfer([coming], destination=facility, departure=now, arrival=now + dt.timedelta(hours=1),
                  status="en_route")
    return site, facility


def test_the_site_and_the_facility_count_the_same_people(hotel, street_officer):
    site, facility = hotel
    (occupancy,) = quarantine_selectors.occupancy_of([site])
    assert (occupancy.beds, occupancy.occupied, occupancy.guests, occupancy.incoming, occupancy.free) == (4, 3, 1, 1, 0)
    board = {o.facility.pk: o for o in selectors.facility_occupancy(user=street_officer)}[facility.pk]
    assert (board.capacity, board.occupied, board.incoming, board.free, board.percent) == (4, 3, 1, 0, 100)
    assert selectors.free_beds(facility) == 0


def test_a_facility_that_is_not_a_site_keeps_its_own_beds(city, street_officer):
    fangcang = make_facility("洪山体育馆方舱", Facility.Tier.FANGCANG, capacity=3, grid_code="420106")
    make_admission(city["residents"]["A"], fangcang)
    board = {o.facility.pk: o for o in selectors.facility_occupancy(user=street_officer)}[fangcang.pk]
    assert (board.capacity, board.occupied, board.free) == (3, 1, 2)


def _free_on(html: str, label: str) -> str:
    return re.search(rf"<strong>(\d+)</strong>\s*{label}", html).group(1)


def test_every_page_and_the_api_show_the_same_free_beds(hotel, street_officer):
    site, facility = hotel
    client = login(street_officer)
    detail = client.get(reverse("quarantine:site_detail", args=[site.pk])).content.decode()
    assert _free_on(detail, "空余") == "0" and _free_on(detail, "在途") == "1"
    assert "其中 1 人经转运入住" in detail
    board = client.get(reverse("transfer:facilities")).content.decode()
    assert "床位 4 · 剩余 0" in board
    listed = client.get(reverse("quarantine:site_list")).content.decode()
    assert re.search(r"江滩酒店隔离点</a></td>\s*<td>2</td><td>4</td><td>3 <small>\+1 在途</small></td>"
                     r"<td><strong>0</strong>", listed)
    item = next(f for f in Api(street_officer).get("/facilities").json() if f["id"] == facility.pk)
    assert item["free"] == 0 and item["capacity"] == 4
    site_item = next(s for s in Api(street_officer).get("/quarantine/sites").json() if s["id"] == site.pk)
    assert (site_item["beds"], site_item["occupied"], site_item["incoming"], site_item["free"]) == (4, 3, 1, 0)
