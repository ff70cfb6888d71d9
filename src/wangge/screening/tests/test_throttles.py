"""The public declaration link cannot be brute-forced or flooded: an address that keeps trying
unknown tokens is held off (429, in Chinese), and one household's link takes only so many
submissions an hour, on the page, on its monitoring form and through the API."""

import secrets
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from wangge.screening.models import SelfDeclaration
from wangge.screening.services import declaration_link_for

MISSES = (5, 600)
SUBMISSIONS = (4, 3600)


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.WANGGE_THROTTLE_DECLARE_MISSES = MISSES
    settings.WANGGE_THROTTLE_DECLARE_SUBMISSIONS = SUBMISSIONS


@pytest.fixture
def link(city, grid_worker, actor):
    return declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)


def page(token: str) -> str:
    return reverse("screening:declare", args=[token])


def guess() -> str:
    return secrets.token_urlsafe(24)


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_unknown_tokens_are_404_until_the_limit_then_429(link):
    client = client_at("203.0.113.7")
    assert [client.get(page(guess())).status_code for _ in range(MISSES[0])] == [404] * MISSES[0]
    response = client.get(page(guess()))
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()


def test_a_held_off_address_cannot_confirm_a_right_guess_either(link):
    client = client_at("203.0.113.7")
    for _ in range(MISSES[0]):
        client.get(page(guess()))
    assert client.get(page(link.token)).status_code == 429


def test_other_addresses_are_not_held_off(link):
    guesser = client_at("203.0.113.7")
    for _ in range(MISSES[0] + 1):
        guesser.get(page(guess()))
    assert client_at("198.51.100.2").get(page(link.token)).status_code == 200


def test_the_api_holds_off_a_guessing_address_too(link, city):
    client = client_at("203.0.113.7")
    body = {"resident_id": city["residents"]["A"].pk, "temperature": "36.5"}
    codes = [client.post(f"/api/v1/screening/declare/{guess()}", body, content_type="application/json").status_code
             for _ in range(MISSES[0] + 1)]
    assert codes == [404] * MISSES[0] + [429]
    response = client.post(f"/api/v1/screening/declare/{link.token}", body, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_a_household_link_takes_a_limited_number_of_submissions(link, city):
    client = client_at("203.0.113.7")
    member = city["residents"]["A"]
    for _ in range(SUBMISSIONS[0]):
        assert client.post(page(link.token), {"resident_id": member.pk, "temperature": "36.5"}).status_code == 302
    response = client.post(page(link.token), {"resident_id": member.pk, "temperature": "38.9"})
    assert response.status_code == 429
    assert "提交次数过多" in response.content.decode()
    assert SelfDeclaration.objects.get(resident=member).temperature == Decimal("36.5")
    # Changing address does not help: the limit is the link's.
    api = client_at("198.51.100.2").post(f"/api/v1/screening/declare/{link.token}",
                                         {"resident_id": member.pk, "temperature": "36.5"},
                                         content_type="application/json")
    assert (api.status_code, api.json()["code"]) == (429, "rate_limited")
    monitoring = client.post(reverse("screening:declare_monitoring", args=[link.token]),
                             {"resident_id": member.pk, "slot": "am", "temperature": "36.5"})
    assert monitoring.status_code == 429


def test_the_page_still_opens_when_submissions_are_used_up(link, city):
    client = client_at("203.0.113.7")
    for _ in range(SUBMISSIONS[0] + 1):
        client.post(page(link.token), {"resident_id": city["residents"]["A"].pk, "temperature": "36.5"})
    assert client.get(page(link.token)).status_code == 200
