"""Sessions end after SESSION_COOKIE_AGE and when the browser closes."""

import datetime as dt
import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.core.testing.factories import TEST_PASSWORD


def logged_in(client):
    response = client.post(reverse("accounts:login"), {"username": "gw_a", "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def test_session_settings_are_eight_hours_and_browser_close():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_session_cookie_dies_with_the_browser(grid_worker):
    response = logged_in(Client())
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]


def test_the_stored_session_expires_after_the_cookie_age(grid_worker):
    client = Client()
    logged_in(client)
    session = Session.objects.get(session_key=client.session.session_key)
    expected = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.expire_date - expected).total_seconds()) < 60


def test_a_live_session_reaches_the_home_page(city, grid_worker):
    client = Client()
    logged_in(client)
    response = client.get(reverse("core:home"))
    assert response.status_code in (200, 302)
    assert not response.get("Location", "").startswith(reverse("accounts:login"))


def test_an_expired_session_is_sent_back_to_login(city, grid_worker):
    client = Client()
    logged_in(client)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def _stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_page_view_does_not_rewrite_a_freshly_saved_session(city, grid_worker):
    client = Client()
    logged_in(client)
    marker = timezone.now() + dt.timedelta(hours=1)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=marker)
    for _ in range(3):
        assert client.get(reverse("people:resident_list")).status_code == 200
    assert _stored(client).expire_date == marker


def test_a_session_last_saved_long_ago_has_its_expiry_pushed_on(city, grid_worker):
    from wangge.core.middleware import SessionRefreshMiddleware

    client = Client()
    logged_in(client)
    session = client.session
    session[SessionRefreshMiddleware.KEY] = int(time.time()) - settings.WANGGE_SESSION_REFRESH_SECONDS - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + dt.timedelta(hours=1))
    assert client.get(reverse("people:resident_list")).status_code == 200
    expected = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((_stored(client).expire_date - expected).total_seconds()) < 60
