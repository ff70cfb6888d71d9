"""Every page carries a Content-Security-Policy that runs only the platform's own script files.

A name someone typed into an import must never run as script in a colleague's browser.  The pages
escape what they show; the policy is the second wall: no inline script, no eval, no other origin.
"""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.core.testing.factories import TEST_PASSWORD
from wangge.settings import map_tile_source


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(directives: dict[str, list[str]]) -> None:
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in " ".join(sum(directives.values(), []))
    assert "'unsafe-eval'" not in " ".join(sum(directives.values(), []))


def logged_in(user) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_the_login_page_carries_a_strict_policy():
    assert_strict(policy(Client().get(reverse("accounts:login"))))


@pytest.mark.django_db
def test_the_grid_page_with_its_map_carries_a_strict_policy(city, grid_worker):
    response = logged_in(grid_worker).get(reverse("grid:grid", args=[city["grids"]["A"].code]))
    assert response.status_code == 200
    directives = policy(response)
    assert_strict(directives)
    assert directives["img-src"] == ["'self'", "data:", "blob:"]


@pytest.mark.django_db
def test_the_api_docs_carry_a_strict_policy(city, grid_worker):
    response = logged_in(grid_worker).get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict(policy(response))


@pytest.mark.django_db
def test_an_htmx_fragment_and_an_api_answer_carry_the_policy_too(city, grid_worker):
    client = logged_in(grid_worker)
    assert_strict(policy(client.get(reverse("alerts:badge"), headers={"HX-Request": "true"})))
    assert_strict(policy(client.get("/api/v1/openapi.json")))


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("", None),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("https://tiles.example.gov.cn/{z}/{x}/{y}.png", "https://tiles.example.gov.cn"),
        ("http://10.1.2.3:8080/osm/{z}/{x}/{y}.png", "http://10.1.2.3:8080"),
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https:"),
    ],
)
def test_the_map_tile_host_is_allowed_for_images_and_nothing_more(tile_url, source):
    assert map_tile_source(tile_url) == source
