"""No template carries inline script, inline event handlers or inline styles.

The Content-Security-Policy allows script and style only from the platform's own static files, so
an inline ``<script>``, an ``onclick=`` or a ``style=`` would simply not work in the browser.  This
scans every template of the platform, so a template added later is caught here, not by a user.
JSON for a script goes through ``json_script`` (``<script type="application/json">``), which the
browser never runs.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
DATA_TYPE = re.compile(r"""\stype\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)
SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
# An attribute named on... inside a tag (onclick=, ONLOAD =), and hx-on, whose code htmx evals.
HANDLER = re.compile(r"<[a-z][^>]*?\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""\s(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def inline_code(text: str) -> list[tuple[int, str]]:
    """(offset, what) for every piece of inline script or style in a template's text."""
    found = []
    for m in SCRIPT.finditer(text):
        attrs = m.group("attrs")
        if not (DATA_TYPE.search(attrs) or (SRC.search(attrs) and not m.group("body").strip())):
            found.append((m.start(), "inline <script>"))
    found += [(m.start(), "on…= handler") for m in HANDLER.finditer(text)]
    found += [(m.start(), "javascript: URL") for m in JAVASCRIPT_URL.finditer(text)]
    found += [(m.start(), "style= attribute") for m in STYLE_ATTRIBUTE.finditer(text)]
    found += [(m.start(), "<style> element") for m in STYLE_ELEMENT.finditer(text)]
    return found


def platform_templates() -> list[Path]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(app.path) / "templates" for app in apps.get_app_configs() if app.name.startswith("wangge.")]
    return sorted({f for root in roots if root.is_dir() for f in root.rglob("*.html")})


def test_no_template_has_inline_script_handlers_or_styles():
    templates = platform_templates()
    assert len(templates) > 50, "the scan found too few templates; is it looking in the right place?"
    found = []
    for path in templates:
        text = path.read_text()
        for offset, what in inline_code(text):
            found.append(f"{path.relative_to(settings.BASE_DIR)}:{text.count(chr(10), 0, offset) + 1} {what}")
    assert found == [], (
        "move script into a static .js file (behaviour wired in static/wangge/site.js) and style into a "
        "static .css file:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ('<SCRIPT type="module">go()</SCRIPT>', "inline <script>"),
        ('<script src="/static/x.js">alert(1)</script>', "inline <script>"),
        ('<button type="button"\n   onclick="go()">', "on…= handler"),
        ('<select name="kind" ONCHANGE = "this.form.submit()">', "on…= handler"),
        ('<div hx-on:click="go()">', "on…= handler"),
        ('<a href="javascript:go()">', "javascript: URL"),
        ('<span class="bar" style="width: 3%">', "style= attribute"),
        ("<style>.a { color: red }</style>", "<style> element"),
    ],
)
def test_the_scan_catches_each_kind_of_inline_code(snippet, what):
    assert [w for _offset, w in inline_code(snippet)] == [what]


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/x.js" defer></script>',
        '<script type="application/json" id="d">{"a": "<b>"}</script>',
        "<p>ongoing = true; a style = plain; one = 1</p>",
        '<input data-autosubmit name="online">',
    ],
)
def test_the_scan_lets_files_data_and_plain_text_through(snippet):
    assert inline_code(snippet) == []
