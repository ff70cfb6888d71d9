"""The permission table is the only place that decides by role, and it covers every action asked.

These read the source: every ``can(…, "x")``, ``require(…, "x")``, ``refusal("x")``,
``.may("x")``, ``.restrict(…, "x")`` and template ``user|can:"x"`` must name an action of
``accounts/permissions.py``, every action there must be asked somewhere, and no other module may
keep a role set or compare a user's role (that is how the twelve old helpers came about)."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

from wangge.accounts.permissions import PERMISSIONS
from wangge.core.scoping import ScopedQuerySet
from wangge.health.models import EpidemicStatus
from wangge.health.transitions import status_action
from wangge.transfer.models import TransferOrder
from wangge.transfer.services import step_action

SRC = Path(__file__).resolve().parents[2]  # src/wangge
TABLE = SRC / "accounts" / "permissions.py"

# A call's arguments up to its first string literal, skipping nested calls without their own.
_ARGS = r"\((?:[^()\"']|\([^()]*\))*?\"([^\"]+)\""
ASKED_IN_PYTHON = re.compile(r"(?:\b(?:can|require|refusal)|\.may|\.restrict|\.serving)" + _ARGS)
ASKED_IN_TEMPLATES = re.compile(r"\|\s*can:\s*\"([^\"]+)\"")

# What deciding by role looks like, outside the table.
ROLE_DECISIONS = {
    "compares a user's role": re.compile(r"\.role\s*(?:==|!=|\bnot\s+in\b|\bin\b)"),
    "lets a superuser through by hand": re.compile(r"\bis_superuser\s+or\b|\bor\s+[\w.]*is_superuser\b"),
    "keeps a collection of roles": re.compile(
        r"[{\[(]\s*(?:Role|R)\.\w+\s*,\s*(?:Role|R)\.|frozenset\(\s*[{\[(]?\s*(?:Role|R)\."),
    "names a role set": re.compile(r"^\s*[A-Z_]*ROLES[A-Z_]*\s*[:=]", re.M),
    "defines a role-check helper": re.compile(r"\bdef\s+(?:_?require\w*|_?may|can_\w+)\s*\("),
    "asks a role in a template": re.compile(r"\buser\.role\b|\bis_superuser\b"),
}
# Role comparisons that are not permission checks, each with why.
NOT_PERMISSION_CHECKS = {
    ("accounts/models.py", "if self.role == Role.RESIDENT:"):
        "a resident's reach is empty: that is the reach, not what the role may do in it",
    ("accounts/models.py", "def may(self, action: str) -> bool:"): "User.may reads the table",
}


def _sources(*suffixes: str):
    for path in sorted(SRC.rglob("*")):
        rel = path.relative_to(SRC).as_posix()
        if path.suffix not in suffixes or "/tests/" in f"/{rel}" or "/migrations/" in rel or path == TABLE:
            continue
        yield rel, path.read_text(encoding="utf-8")


def _app_of(rel: str) -> str:
    return rel.split("/", 1)[0]


def actions_asked() -> dict[str, set[str]]:
    """Each action named in the code, with where ("people/views.py").  A bare action given to
    ``restrict`` ("view") is taken in the app of the file that asks it."""
    asked: dict[str, set[str]] = {}
    for rel, text in _sources(".py", ".html"):
        pattern = ASKED_IN_TEMPLATES if rel.endswith(".html") else ASKED_IN_PYTHON
        for match in pattern.finditer(text):
            action = match.group(1)
            if "." not in action:
                action = f"{_app_of(rel)}.{action}"
            asked.setdefault(action, set()).add(rel)
    return asked


def scoped_models():
    return [m for m in apps.get_models() if isinstance(m._default_manager.all(), ScopedQuerySet)]


def test_the_source_scan_finds_the_checks_it_is_meant_to_find():
    asked = actions_asked()
    assert "people/services.py" in asked["people.change"]
    assert "templates/base.html" in asked["audit.view"]
    assert "audit/selectors.py" in asked["audit.view"]  # restrict(user, "view") in the audit app
    assert "quarantine/views.py" in asked["quarantine.order"]


def test_every_action_the_code_asks_is_in_the_table():
    unknown = {action: sorted(where) for action, where in actions_asked().items() if action not in PERMISSIONS}
    assert not unknown, f"Actions asked in the code but missing from accounts/permissions.py: {unknown}"


def test_every_status_change_and_transfer_step_has_an_action():
    statuses = [status_action(s) for s in EpidemicStatus.values if s != EpidemicStatus.NONE]
    steps = [step_action(s) for s in TransferOrder.Status.values]
    assert sorted(a for a in statuses + steps if a not in PERMISSIONS) == []


def test_every_scoped_model_can_be_read_through_restrict():
    """``restrict(user)`` asks "<app>.view": each app with scoped rows has that action."""
    missing = sorted({m.objects.all().action_name("view") for m in scoped_models()} - PERMISSIONS.keys())
    assert not missing, missing


def test_every_action_in_the_table_is_asked_somewhere():
    used = set(actions_asked())
    used |= {status_action(s) for s in EpidemicStatus.values} | {step_action(s) for s in TransferOrder.Status.values}
    used |= {m.objects.all().action_name("view") for m in scoped_models()}
    unused = sorted(PERMISSIONS.keys() - used)
    assert not unused, f"Actions in accounts/permissions.py that nothing asks (remove them or use them): {unused}"


def test_nothing_outside_the_table_decides_by_role():
    found = []
    for rel, text in _sources(".py", ".html"):
        for what, pattern in ROLE_DECISIONS.items():
            if (what == "asks a role in a template") != rel.endswith(".html"):
                continue
            for match in pattern.finditer(text):
                line = text[text.rfind("\n", 0, match.start()) + 1:text.find("\n", match.end())].strip()
                if (rel, line) not in NOT_PERMISSION_CHECKS:
                    found.append(f"{rel}: {what}: {line}")
    assert not found, "Ask accounts.permissions (can/require/restrict) instead:\n" + "\n".join(found)


def test_the_role_scan_catches_the_old_helpers():
    old = '''
ROLES_THAT_RELEASE = {Role.COMMAND, Role.COMMUNITY_WORKER, Role.CDC}
def _may(user, roles):
    return bool(user.is_superuser or user.role in roles)
'''
    caught = {what for what, pattern in ROLE_DECISIONS.items() if pattern.search(old)}
    assert caught >= set(ROLE_DECISIONS) - {"asks a role in a template"}
    assert ROLE_DECISIONS["asks a role in a template"].search("{% if user.role == 'cdc' %}")
