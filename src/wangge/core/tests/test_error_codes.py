"""Every domain error carries a stable code and a message in the user's language.

The rule is held by reading the source: a domain error is never raised with a bare string (it would
stay Chinese in the English interface), and the errors whose class says nothing specific
(ValidationFailed, Conflict, DomainError) always name their own code, so tests and clients can tell
one refusal from another without comparing wording.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from wangge.accounts.services import api_token_issue
from wangge.core.errors import DomainError, ValidationFailed
from wangge.screening.services import campaign_create

SRC = Path(settings.BASE_DIR)
ERRORS = {"DomainError", "NotFound", "Forbidden", "ValidationFailed", "Conflict", "RateLimited"}
# These classes have no meaning of their own beyond "bad input" / "clash": each raise names its code.
NEED_CODE = {"DomainError", "ValidationFailed", "Conflict"}
GETTEXT = {"_", "gettext", "pgettext", "ngettext", "gettext_lazy", "pgettext_lazy"}


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_bare_text(node: ast.AST) -> bool:
    """A literal string, an f-string, or text glued to a literal: all untranslatable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_bare_text(node.left) or _is_bare_text(node.right)
    return False


def domain_error_calls(root: Path):
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts or "testing" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ERRORS:
                yield path.relative_to(root), node


def problems_in(root: Path) -> list[str]:
    found = []
    for path, call in domain_error_calls(root):
        where = f"{path}:{call.lineno}"
        kind = _name(call.func)
        if call.args and _is_bare_text(call.args[0]):
            found.append(f"{where} {kind} raised with untranslated text")
        if kind in NEED_CODE and not any(k.arg == "code" for k in call.keywords):
            found.append(f"{where} {kind} without code=")
        for keyword in call.keywords:
            if keyword.arg == "errors" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    if _is_bare_text(value) and any("\u4e00" <= ch <= "\u9fff" for ch in ast.unparse(value)):
                        found.append(f"{where} {kind} field error in untranslated text")
    return found


def test_no_domain_error_is_raised_with_untranslated_text_or_without_a_code():
    assert problems_in(SRC) == []


def test_the_scan_catches_a_bare_message_and_a_missing_code(tmp_path):
    (tmp_path / "bad.py").write_text(
        "from wangge.core.errors import Conflict, NotFound, ValidationFailed\n"
        "def f(x):\n"
        "    raise ValidationFailed('请填写原因', code='reason_required')\n"
        "def g(x):\n"
        "    raise Conflict(_('已存在'))\n"
        "def h(x):\n"
        "    raise NotFound(f'未找到 {x}')\n"
        "def k(x):\n"
        "    raise ValidationFailed(_('有误'), code='bad', errors={'x': '必填'})\n"
        "def ok(x):\n"
        "    raise ValidationFailed(_('第%(n)s项') % {'n': x}, code='bad', errors={'x': _('必填')})\n",
        encoding="utf-8",
    )
    assert problems_in(tmp_path) == [
        "bad.py:3 ValidationFailed raised with untranslated text",
        "bad.py:5 Conflict without code=",
        "bad.py:7 NotFound raised with untranslated text",
        "bad.py:9 ValidationFailed field error in untranslated text",
    ]


def test_a_domain_error_keeps_its_code_and_renders_its_message_when_raised():
    error = ValidationFailed("x", code="end_before_start")
    assert error.code == "end_before_start" and error.http_status == 422
    assert isinstance(DomainError("x").message, str)


# --- The same refusal in both languages ------------------------------------------------------


def _bad_campaign(actor):
    today = timezone.localdate()
    campaign_create(actor=actor, name="x", area_code="420106001000", start_date=today,
                    end_date=today - dt.timedelta(days=1), frequency="daily")


def test_a_service_error_is_chinese_by_default_and_english_when_english_is_active(city, street_officer, actor):
    with pytest.raises(ValidationFailed) as chinese:
        _bad_campaign(actor(street_officer))
    with translation.override("en"), pytest.raises(ValidationFailed) as english:
        _bad_campaign(actor(street_officer))
    assert chinese.value.code == english.value.code == "end_before_start"
    assert chinese.value.message == "结束日期不能早于开始日期"
    assert english.value.message == "The end date cannot be before the start date"
    assert english.value.errors["end_date"] == "Before the start date"


def _api_post(user, language: str, body: dict):
    client = Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}",
                             "Accept-Language": language})
    return client.post("/api/v1/screening/campaigns", body, content_type="application/json")


def test_the_api_returns_the_code_and_the_message_in_the_requested_language(city, street_officer):
    today = timezone.localdate()
    body = {"name": "x", "area_code": "420106001000", "start_date": str(today),
            "end_date": str(today - dt.timedelta(days=1)), "frequency": "daily"}
    zh = _api_post(street_officer, "zh-hans", body)
    en = _api_post(street_officer, "en", body)
    assert zh.status_code == en.status_code == 422
    assert zh.json()["code"] == en.json()["code"] == "end_before_start"
    assert zh.json()["message"] == "结束日期不能早于开始日期"
    assert en.json()["message"] == "The end date cannot be before the start date"


def test_a_request_validation_error_is_english_in_english(city, street_officer):
    en = _api_post(street_officer, "en", {"name": "x"})
    assert en.status_code == 422
    body = en.json()
    assert body["code"] == "invalid"
    assert body["message"].startswith("Invalid request parameters")
    assert body["errors"]["area_code"] == "Required"
