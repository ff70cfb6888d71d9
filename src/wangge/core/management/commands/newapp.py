"""``wangge newapp NAME --title 中文名``: a new app in the shape of every other (see docs/anatomy.md).

Copies ``core/management/app_template`` to ``src/wangge/NAME``, putting NAME, its CamelCase and
the Chinese title in place of ``{{app}}``, ``{{App}}`` and ``{{title}}`` and dropping the ``-tpl``
endings.  The template's own ``{{ ... }}`` (Django template variables, with spaces) are left alone.
"""

from __future__ import annotations

import keyword
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

TEMPLATE = Path(__file__).resolve().parents[1] / "app_template"
PACKAGE = Path(__file__).resolve().parents[3]  # src/wangge
NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# The app's two actions, as lines of ``PERMISSIONS`` in accounts/permissions.py (the one table).
PERMISSION_LINES = """\
    "{app}.view": _p(pgettext_lazy("permission", "查看{title}"), *STAFF),
    "{app}.change": _p(pgettext_lazy("permission", "修改{title}记录"), CMD, CW, GW),
"""

NEXT_STEPS = """\
Created {target}.  To switch it on:
  1. settings.INSTALLED_APPS: add "wangge.{app}";
  2. wangge/urls.py: path("{app}/", include("wangge.{app}.urls"));
  3. wangge/api.py, register_routers(): add wangge.{app}.api's router;
  4. accounts/permissions.py, PERMISSIONS: add
{permissions}     and the endpoints to tests/permissions/matrix.py;
  5. wangge makemigrations {app}; then fill the catalogue (makemessages -l en);
  6. move tests/factories.py into wangge.core.testing.factories; pytest src/wangge/{app}.
"""


def render(text: str, *, app: str, title: str) -> str:
    camel = "".join(part.capitalize() for part in app.split("_"))
    return text.replace("{{app}}", app).replace("{{App}}", camel).replace("{{title}}", title)


def create_app(app: str, *, title: str, parent: Path) -> Path:
    """Write the app ``app`` into ``parent / app`` and return its folder."""
    if not NAME.match(app) or keyword.iskeyword(app):
        raise CommandError(f"{app!r} is not a valid app name (lower case letters, digits and _)")
    target = parent / app
    if target.exists():
        raise CommandError(f"{target} already exists")
    for source in sorted(TEMPLATE.rglob("*")):
        relative = source.relative_to(TEMPLATE)
        if source.is_dir() or relative.name == "README.md" or "__pycache__" in relative.parts:
            continue
        path = target / render(str(relative), app=app, title=title).removesuffix("-tpl")
        path.parent.mkdir(parents=True, exist_ok=True)
        if source.name.endswith("-tpl"):
            path.write_text(render(source.read_text(encoding="utf-8"), app=app, title=title), encoding="utf-8")
        else:
            shutil.copyfile(source, path)
    sort_imports(target)
    return target


def sort_imports(target: Path) -> None:
    """Put the app's imports in ruff's order (where its name sorts among the others depends on the name)."""
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff:
        subprocess.run([ruff, "check", "--quiet", "--fix", "--select", "I", "--config",
                        "lint.isort.known-first-party=['wangge']", str(target)], check=False)


class Command(BaseCommand):
    help = "Create a new app from the app template (models, selectors, services, API, pages, jobs, tests)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the app's Python name, e.g. volunteers")
        parser.add_argument("--title", default="", help="its Chinese name, e.g. 志愿者")
        parser.add_argument("--parent", default=str(PACKAGE), help="where to write it (default: the wangge package)")

    def handle(self, *args, name: str, title: str, parent: str, **options):
        target = create_app(name, title=title or name, parent=Path(parent))
        permissions = PERMISSION_LINES.format(app=name, title=title or name)
        self.stdout.write(NEXT_STEPS.format(target=target, app=name, permissions=permissions))
