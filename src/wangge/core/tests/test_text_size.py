"""The large-text mode (长辈版): one switch, a cookie for this browser, honoured by every page's
layout through the context processor, for anonymous visitors as much as for staff."""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.core.context_processors import LARGE_TEXT_COOKIE
from wangge.core.testing import login
from wangge.core.testing.factories import make_user

pytestmark = pytest.mark.django_db

SWITCH = reverse("core:text_size")


def _large(html: str) -> bool:
    return 'class="large-text"' in html


def test_switching_large_text_on_sets_a_lasting_cookie_and_goes_back():
    client = Client()
    response = client.post(SWITCH, {"size": "large", "next": "/accounts/login/?next=/people/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/people/"
    cookie = response.cookies[LARGE_TEXT_COOKIE]
    assert cookie.value == "1" and cookie["max-age"] >= 365 * 24 * 3600 and cookie["samesite"] == "Lax"


def test_every_page_of_an_anonymous_visitor_honours_it_once_switched_on():
    client = Client()
    assert not _large(client.get("/accounts/login/").content.decode())
    client.post(SWITCH, {"size": "large", "next": "/"})
    assert _large(client.get("/accounts/login/").content.decode())


def test_a_signed_in_worker_keeps_it_on_every_page():
    client = login(make_user("gw_large"))
    client.post(SWITCH, {"size": "large"})
    for url in ("/", reverse("people:resident_list"), reverse("alerts:inbox")):
        html = client.get(url).content.decode()
        assert _large(html), url
        assert 'aria-pressed="true"' in html


def test_switching_it_off_removes_the_cookie():
    client = Client()
    client.post(SWITCH, {"size": "large"})
    response = client.post(SWITCH, {"size": "normal", "next": "/accounts/login/"})
    assert response.cookies[LARGE_TEXT_COOKIE].value == ""
    assert not _large(client.get("/accounts/login/").content.decode())


def test_the_switch_never_sends_anyone_off_the_site():
    response = Client().post(SWITCH, {"size": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_switch_takes_only_post():
    assert Client().get(SWITCH).status_code == 405


def test_a_cookie_with_another_value_is_not_large_text():
    client = Client()
    client.cookies[LARGE_TEXT_COOKIE] = "<script>"
    assert not _large(client.get("/accounts/login/").content.decode())
