"""The landing page is about the user's work today: a grid worker sees today's screening, the
temperatures not yet reported, the tests due and the unread alerts, each a tap away; command and the
CDC also see today's four-category figures, the gaps, late transfers and a 14-day curve.  Nobody
sees anything outside their reach."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from wangge.core.testing import login
from wangge.core.testing.factories import make_alert, make_quarantine_order, make_quarantine_test, put_in
from wangge.health.models import EpidemicStatus as S
from wangge.screening.services import campaign_create


def tiles(response) -> dict:
    return {t["key"]: t for t in response.context["tiles"]}


def test_a_grid_worker_lands_on_their_work_today(city, grid_worker, street_officer, actor):
    today = timezone.localdate()
    campaign = campaign_create(actor=actor(street_officer), name="街道一日一排查", area_code="420106001000",
                               start_date=today, end_date=today + dt.timedelta(days=6))
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    order = make_quarantine_order(city["residents"]["A2"], start=today - dt.timedelta(days=3),
                                  planned_release=today + dt.timedelta(days=10))
    make_quarantine_test(order, due=today)
    make_alert(grid_code=city["residents"]["A"].grid_code)
    response = login(grid_worker).get(reverse("core:home"))
    assert response.status_code == 200
    got = tiles(response)
    assert got[f"campaign-{campaign.pk}"]["value"] == "0/2"  # grid A: two households, none visited yet
    assert got[f"campaign-{campaign.pk}"]["url"] == reverse("screening:campaign_today", args=[campaign.pk])
    assert got["monitoring"]["value"] == 2  # the contact and the person under quarantine
    assert got["tests"]["value"] == 1 and got["alerts"]["value"] == 1
    assert "board" not in response.context  # a grid worker's page is their work, not the picture
    body = response.content.decode()
    assert reverse("health:monitoring") + "?show=missing" in body and reverse("quarantine:tests_due") in body


def test_command_also_sees_the_figures_the_gaps_and_the_curve(city, street_officer):
    put_in(city["residents"]["A"], S.CONFIRMED)
    response = login(street_officer).get(reverse("core:home"))
    board = response.context["board"]
    assert board.totals[S.CONFIRMED] == 1 and board.new_today[S.CONFIRMED] == 1
    assert dict((k, n) for k, _label, n in response.context["gaps"])["unadmitted"] == 1
    curve = response.context["curve"]
    assert len(curve["dates"]) == 14
    confirmed = next(s for s in curve["series"] if s["name"] == str(S.CONFIRMED.label))
    assert confirmed["data"][-1] == 1 and sum(confirmed["data"]) == 1
    assert response.context["late_transfers"] == 0
    assert 'id="today-chart-data"' in response.content.decode()


def test_nothing_outside_the_reach_is_counted(city, outsider):
    put_in(city["residents"]["A"], S.CONFIRMED)
    put_in(city["residents"]["B"], S.CLOSE_CONTACT)
    response = login(outsider).get(reverse("core:home"))
    assert response.context["board"].totals[S.CONFIRMED] == 0
    assert tiles(response)["monitoring"]["value"] == 0


def test_the_grid_and_population_overview_is_one_tap_away(city, street_officer):
    client = login(street_officer)
    assert reverse("core:overview") in client.get(reverse("core:home")).content.decode()
    assert client.get(reverse("core:overview")).status_code in (200, 302)
