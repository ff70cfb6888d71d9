"""Repeated failed logins lock the account (django-axes), with a Chinese page and HTTP 429."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from wangge.core.testing.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")


def fail(client, times):
    return [client.post(LOGIN, {"username": "gw_a", "password": "wrong-password-1"}) for _ in range(times)]


def test_failures_below_the_limit_do_not_lock(grid_worker):
    client = Client()
    responses = fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert all(r.status_code == 200 for r in responses)
    response = client.post(LOGIN, {"username": "gw_a", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_the_limit_of_failures_locks_with_a_chinese_429_page(grid_worker):
    response = fail(Client(), settings.AXES_FAILURE_LIMIT)[-1]
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录失败次数过多" in html
    assert "暂时锁定" in html


def test_a_locked_account_refuses_even_the_right_password(grid_worker):
    client = Client()
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "gw_a", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_so_others_can_still_log_in(grid_worker, street_officer):
    client = Client()
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "street_1", "password": TEST_PASSWORD})
    assert response.status_code == 302
