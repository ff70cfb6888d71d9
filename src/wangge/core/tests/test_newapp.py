"""``wangge newapp``: the template makes an app that passes ruff and whose own tests pass.

The app is written to a temporary folder and joined to the ``wangge`` package there for one
pytest run in a subprocess (SQLite, its own settings and URLs), so the suite's apps and database
are never touched.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wangge.core.management.commands.newapp import PERMISSION_LINES, create_app

SRC = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent

PROBE_SETTINGS = """\
import wangge

wangge.__path__.append({package!r})

from wangge.test_settings import *  # noqa: E402,F403

INSTALLED_APPS = [*INSTALLED_APPS, "wangge.{app}"]  # noqa: F405
MIGRATION_MODULES = {{"{app}": None}}  # its tables are made from the models; makemigrations comes when it joins
ROOT_URLCONF = "probe_urls"
"""

# What a developer adds by hand to accounts/permissions.py: the lines newapp prints, in the table's namespace.
PROBE_PERMISSIONS = """\

from wangge.accounts import permissions  # noqa: E402

permissions.PERMISSIONS.update(eval("{{" + {lines!r} + "}}", vars(permissions)))
"""

# What a developer does by hand in wangge/urls.py and wangge/api.py (register_routers) to join an app.
PROBE_URLS = """\
from django.urls import include, path

from wangge.api import api, fallback_router
from wangge.{app}.api import router

api.add_router("/", router)
# The catch-all for unknown paths stays last, as register_routers() keeps it.
api._router_registrations.sort(key=lambda registration: registration[1] is fallback_router)

from wangge.urls import urlpatterns as project  # noqa: E402

urlpatterns = [path("{app}/", include("wangge.{app}.urls")), *project]
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("newapp")
    # A name that sorts before "accounts": its imports must be put in order, not just copied.
    app = create_app("aa_notes", title="便签", parent=root / "wangge")
    return root, app


def test_the_app_has_every_layer_and_a_test_of_each(generated):
    _root, app = generated
    names = {str(p.relative_to(app)) for p in app.rglob("*") if p.is_file()}
    assert {"apps.py", "models.py", "selectors.py", "services.py", "api.py", "views.py", "urls.py", "jobs.py",
            "tests/test_services.py", "tests/test_selectors.py", "tests/test_api.py", "tests/test_views.py",
            "templates/aa_notes/record_list.html"} <= names
    assert not [n for n in names if n.endswith("-tpl")]
    services = (app / "services.py").read_text()
    assert "{{app}}" not in services and 'CHANGE = "aa_notes.change"' in services
    assert "{{ r.name }}" in (app / "templates/aa_notes/record_detail.html").read_text()


def test_the_app_passes_ruff(generated):
    root, app = generated
    result = subprocess.run(
        [BIN / "ruff", "check", "--config", SRC.parent / "pyproject.toml",
         "--config", "lint.isort.known-first-party=['wangge']", app],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_apps_own_tests_pass(generated):
    root, _app = generated
    (root / "probe_settings.py").write_text(PROBE_SETTINGS.format(package=str(root / "wangge"), app="aa_notes"))
    (root / "probe_urls.py").write_text(PROBE_URLS.format(app="aa_notes"))
    lines = PERMISSION_LINES.format(app="aa_notes", title="便签")
    conftest = (SRC.parent / "conftest.py").read_text()  # the shared fixtures
    (root / "conftest.py").write_text(conftest + PROBE_PERMISSIONS.format(lines=lines))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_XDIST_WORKER")}
    env.update(PYTHONPATH=os.pathsep.join([str(root), str(SRC)]), DJANGO_SETTINGS_MODULE="probe_settings",
               WANGGE_VAR_DIR=str(root / "var"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", "--rootdir", str(root),
         "-c", os.devnull, str(root / "wangge" / "aa_notes" / "tests")],
        capture_output=True, text=True, cwd=root, env=env, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    tests = (root / "wangge" / "aa_notes" / "tests").glob("test_*.py")
    written = sum(p.read_text().count("\ndef test_") for p in tests)
    assert f"{written} passed" in result.stdout, result.stdout[-2000:]


def test_a_bad_name_or_an_existing_folder_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("newapp", "Bad-Name", parent=str(tmp_path))
    (tmp_path / "taken").mkdir()
    with pytest.raises(CommandError):
        call_command("newapp", "taken", parent=str(tmp_path))
