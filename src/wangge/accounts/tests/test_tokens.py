"""`wangge token USERNAME` issues an API token: printed once, stored only as a hash."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from wangge.accounts.models import ApiToken
from wangge.audit.models import AuditEntry


def issue(username):
    out = io.StringIO()
    call_command("token", username, stdout=out)
    return out.getvalue().strip()


def test_the_token_command_prints_a_token_that_authenticates_against_the_api(city, grid_worker):
    raw = issue("gw_a")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/residents")
    assert response.status_code == 200
    assert sorted(r["name"] for r in response.json()["items"]) == ["张伟", "李娜"]


def test_only_a_hash_of_the_token_is_stored(grid_worker):
    raw = issue("gw_a")
    token = ApiToken.objects.get(user=grid_worker)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.key_hash, token.prefix, token.name}
    assert token.prefix == raw[:8]


def test_issuing_a_token_is_audited(grid_worker):
    issue("gw_a")
    entry = AuditEntry.objects.get(action="token")
    assert (entry.actor, entry.channel) == (grid_worker, "cli")


def test_the_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="用户不存在"):
        issue("nobody")


def test_each_call_issues_a_different_token(grid_worker):
    assert issue("gw_a") != issue("gw_a")
    assert ApiToken.objects.filter(user=grid_worker).count() == 2
