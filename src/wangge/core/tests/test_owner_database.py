"""Commands that change the schema run as the tables' owner when WANGGE_MIGRATE_DATABASE_URL is
set; ``wangge serve`` migrates that way and grants its own role, which never owns the audit log."""

import signal
import subprocess

import pytest
import waitress
from django.core.management import CommandError, call_command
from django.db import connection

from wangge.cli import use_owner_database

OWNER = "postgres://owner@db:5432/wangge"
APP = "postgres://wangge_app@db:5432/wangge"


@pytest.mark.parametrize("command", ["migrate", "grant_app_role", "demo"])
def test_schema_commands_connect_as_the_owner(command):
    environ = {"DATABASE_URL": APP, "WANGGE_MIGRATE_DATABASE_URL": OWNER}
    use_owner_database([command, "--no-input"], environ)
    assert environ["DATABASE_URL"] == OWNER


@pytest.mark.parametrize("argv", [["serve"], ["token", "gw_a"], ["run_huey"], ["shell"], []])
def test_everything_else_connects_as_the_app_role(argv):
    environ = {"DATABASE_URL": APP, "WANGGE_MIGRATE_DATABASE_URL": OWNER}
    use_owner_database(argv, environ)
    assert environ["DATABASE_URL"] == APP


def test_without_a_migration_url_nothing_changes():
    environ = {"DATABASE_URL": APP}
    use_owner_database(["migrate"], environ)
    assert environ == {"DATABASE_URL": APP}


@pytest.fixture
def ran(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append(args[3:]) or subprocess.CompletedProcess(
        args, 0))
    monkeypatch.setattr(waitress, "serve", lambda *a, **kw: None)
    monkeypatch.setattr(signal, "signal", lambda *a: None)
    return calls


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles exist only on PostgreSQL")
def test_serve_migrates_as_the_owner_then_grants_its_own_role(db, settings, ran):
    settings.WANGGE_MIGRATE_DATABASE_URL = OWNER
    with pytest.raises(SystemExit):
        # One process: waitress, stubbed above (several processes would start a real gunicorn arbiter).
        call_command("serve", "--no-worker", "--workers", "1")
    assert ran == [["migrate", "--no-input", "--verbosity", "0"],
                   ["grant_app_role", connection.settings_dict["USER"]]]


def test_serve_refuses_a_migration_url_on_sqlite(db, settings, ran):
    if connection.vendor == "postgresql":
        pytest.skip("checks the SQLite answer")
    settings.WANGGE_MIGRATE_DATABASE_URL = OWNER
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("serve", "--no-worker")
    assert ran == []
