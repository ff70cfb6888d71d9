"""Password spraying: one address trying one password on many usernames is held off, even though
no single username reaches the per-username lockout."""

from django.test import Client
from django.urls import reverse

from wangge.core.testing.factories import TEST_PASSWORD, make_user

LOGIN = reverse("accounts:login")


def test_failed_logins_across_many_usernames_lock_the_address(db, settings):
    limit = settings.WANGGE_THROTTLE_LOGIN_ADDRESS[0]
    assert limit < 30
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    codes = [sprayer.post(LOGIN, {"username": f"user{i:02d}", "password": "Spring2026spray"}).status_code
             for i in range(30)]
    assert codes[:limit] == [200] * limit
    assert set(codes[limit:]) == {429}


def test_a_locked_address_cannot_log_in_even_with_the_right_password(db, settings):
    make_user("gw_real")
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.WANGGE_THROTTLE_LOGIN_ADDRESS[0]):
        sprayer.post(LOGIN, {"username": f"user{i:02d}", "password": "Spring2026spray"})
    response = sprayer.post(LOGIN, {"username": "gw_real", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in sprayer.session


def test_another_address_still_logs_in(db, settings):
    make_user("gw_real")
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.WANGGE_THROTTLE_LOGIN_ADDRESS[0] + 1):
        sprayer.post(LOGIN, {"username": f"user{i:02d}", "password": "Spring2026spray"})
    response = Client(REMOTE_ADDR="198.51.100.4").post(LOGIN, {"username": "gw_real", "password": TEST_PASSWORD})
    assert response.status_code == 302
