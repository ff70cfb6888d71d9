"""The login page, and the audit trail of logins, failed logins and logouts."""

from django.test import Client
from django.urls import reverse

from wangge.audit.models import AuditEntry
from wangge.core.testing.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")


def test_the_login_page_renders_in_chinese(db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名" in html and "密码" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_correct_password_logs_in_and_goes_home(grid_worker):
    client = Client()
    response = client.post(LOGIN, {"username": "gw_a", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.session["_auth_user_id"] == str(grid_worker.pk)


def test_a_wrong_password_shows_a_chinese_error(grid_worker):
    response = Client().post(LOGIN, {"username": "gw_a", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_a_login_writes_a_login_entry(grid_worker):
    Client().post(LOGIN, {"username": "gw_a", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.7")
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor == grid_worker
    assert entry.object_repr == "gw_a"
    assert entry.ip_address == "10.0.0.7"
    # Filed under the user's reach, so their street's auditor can read it.
    assert entry.grid_code == "420106001001001"


def test_a_failed_login_writes_a_login_failed_entry(grid_worker):
    Client().post(LOGIN, {"username": "gw_a", "password": "wrong-password-1"}, REMOTE_ADDR="10.0.0.8")
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.actor is None
    assert entry.object_repr == "gw_a"
    assert entry.ip_address == "10.0.0.8"


def test_a_logout_writes_a_logout_entry(grid_worker):
    client = Client()
    client.post(LOGIN, {"username": "gw_a", "password": TEST_PASSWORD})
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="logout")
    assert entry.actor == grid_worker
    assert "_auth_user_id" not in client.session
