"""A ``next`` field never sends anyone off the site: the login form, the language switch and
every view that redirects to ``next`` (``core.views.safe_next``)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from wangge.core.testing import login
from wangge.core.testing.factories import TEST_PASSWORD
from wangge.core.views import safe_next

OFFSITE = ["//evil.example", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
           "http:///evil.example", " //evil.example", "https:evil.example"]


def stays_on_site(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and not url.startswith("/\\")


@pytest.mark.parametrize("target", OFFSITE)
def test_safe_next_refuses_an_offsite_target(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/home/") == "/home/"


@pytest.mark.parametrize("target", ["/people/residents/?q=张", "/health/gaps/?kind=fevers_unseen"])
def test_safe_next_keeps_a_path_on_this_site(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/home/") == target


@pytest.mark.parametrize("target", OFFSITE)
def test_the_doctor_visit_form_does_not_redirect_offsite(city, grid_worker, target):
    client = login(grid_worker)
    response = client.post(reverse("health:doctor_visit", args=[city["residents"]["A"].pk]), {"next": target})
    assert response.status_code == 302
    assert stays_on_site(response.url), response.url


def test_the_doctor_visit_form_returns_to_the_page_it_came_from(city, grid_worker):
    client = login(grid_worker)
    resident = city["residents"]["A"]
    back = reverse("health:person", args=[resident.pk])
    response = client.post(reverse("health:doctor_visit", args=[resident.pk]), {"next": back})
    assert response.url == back


@pytest.mark.parametrize("target", OFFSITE)
def test_the_login_form_does_not_redirect_offsite(grid_worker, target):
    response = Client().post(reverse("accounts:login"), {"username": "gw_a", "password": TEST_PASSWORD,
                                                         "next": target})
    assert response.status_code == 302
    assert response.url == reverse("core:home")


@pytest.mark.parametrize("target", OFFSITE)
def test_the_language_switch_does_not_redirect_offsite(db, target):
    response = Client().post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert stays_on_site(response.url), response.url
