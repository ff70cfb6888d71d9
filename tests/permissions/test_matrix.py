"""The permission matrix: every page and every API operation, for every role, on an object inside
and outside the user's reach.  The expectations are data in ``matrix.py`` (read its docstring to add
an endpoint); the endpoints come from the code, so a new one without an entry fails here."""

from __future__ import annotations

import io
import json
import re
import zipfile
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.messages import constants, get_messages
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions.matrix import API, KNOWN_HOLES, MATRIX_LIMITS, PAGES, PUBLIC
from tests.permissions.world import INSIDE, OUTSIDE, ROLES

ANONYMOUS = "anonymous"
PUBLIC_SAMPLE = ("command", "resident")
# portal.middleware.ResidentBoundaryMiddleware: a resident's account opening a staff page.
RESIDENT_REFUSAL = 403
API_PREFIX = "/api/v1/"
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")


# --- The endpoints, from the code ---------------------------------------------------------------


def api_operations() -> set[str]:
    from wangge.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def _walk(resolver, prefix="", namespace=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}"


def page_names() -> set[str]:
    """Every named URL pattern outside admin, i18n and static, and outside the API's operations."""
    operation_paths = {key.split(" ", 1)[1] for key in api_operations()}
    names = set()
    for route, name in _walk(get_resolver()):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route) in operation_paths:
            continue
        names.add(name)
    return names


def test_every_page_has_an_entry_in_the_matrix():
    missing = sorted(page_names() - PAGES.keys())
    assert not missing, (
        "These pages have no entry in tests/permissions/matrix.py PAGES (who may open them, on what "
        f"object): {missing}"
    )


def test_every_api_operation_has_an_entry_in_the_matrix():
    missing = sorted(api_operations() - API.keys())
    assert not missing, (
        "These API operations (from /api/v1/openapi.json) have no entry in tests/permissions/matrix.py API: "
        f"{missing}"
    )


def test_every_entry_names_an_endpoint_that_exists():
    gone = sorted((PAGES.keys() - page_names()) | (API.keys() - api_operations()))
    assert not gone, f"Entries in tests/permissions/matrix.py for endpoints that no longer exist: {gone}"


# --- The cases ----------------------------------------------------------------------------------


def _cases():
    for table in (PAGES, API):
        for key, entry in table.items():
            yield key, ANONYMOUS, INSIDE
            # A public endpoint answers without asking who calls: anonymous and two accounts suffice.
            for role in (PUBLIC_SAMPLE if entry.roles == PUBLIC else ROLES):
                yield key, role, INSIDE
                if entry.scoped:
                    yield key, role, OUTSIDE


def _param(key, role, place):
    marks = []
    for (k, r, p), reason in {**KNOWN_HOLES, **MATRIX_LIMITS}.items():
        if k == key and r in (role, "*") and p in (place, "*"):
            marks.append(pytest.mark.xfail(reason=reason, strict=True))
    return pytest.param(key, role, place, id=f"{key}|{role}|{place}", marks=marks)


CASES = [_param(*c) for c in _cases()]


def _body_text(response) -> str:
    """Everything the response says, an .xlsx's cells included, as text to search for a leak."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            content = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    return response.get("Location", "") + content.decode("utf-8", errors="replace")


def _request(world, key: str, role: str, place: str):
    is_api = key in API
    entry = API[key] if is_api else PAGES[key]
    o = world.objects(place, None if role == ANONYMOUS else role)
    kwargs = entry.path(o) if entry.path else {}
    query = ("?" + urlencode(entry.query(o))) if entry.query else ""
    body = entry.body(o) if entry.body else {}
    if is_api:
        method, path = key.split(" ", 1)
        headers = {} if role == ANONYMOUS else {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"}
        url = path.format(**kwargs) + query
        response = Client().generic(method, url, json.dumps(body) if method != "GET" else "",
                                    content_type="application/json", **headers)
    else:
        client = Client() if role == ANONYMOUS else world.page_clients[role]
        client.cookies.pop("messages", None)
        if role != ANONYMOUS:  # a case that logs out must not log out the next one
            client.cookies[settings.SESSION_COOKIE_NAME] = world.session_keys[role]
        url = reverse(key, kwargs=kwargs) + query
        response = client.post(url, body) if entry.method == "POST" else client.get(url)
    return entry, url, response


def _errors_flashed(response) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    return [m.message for m in get_messages(request) if m.level >= constants.ERROR]


@pytest.mark.parametrize(("key", "role", "place"), CASES)
def test_endpoint_answers_by_role_and_reach(world, db, key, role, place):
    entry, url, response = _request(world, key, role, place)
    status = response.status_code
    said = f"{entry.method if key in PAGES else ''} {url} as {role} ({place} the reach) answered {status}"
    assert status < 500, said
    text = _body_text(response)
    leaked = [m for m in world.outside_markers if m in text]
    assert not leaked, f"{said} and showed what is outside the reach: {leaked}"
    errors = _errors_flashed(response)

    if entry.status is not None:
        assert status == entry.status, said
    elif role == ANONYMOUS and entry.roles != PUBLIC:
        if key in API:
            assert status == 401, f"{said}; anonymous API calls must be refused with 401"
        else:
            assert status == 302 and response["Location"].startswith(resolve_url("accounts:login")), (
                f"{said}; anonymous must be sent to the login page")
    elif entry.roles == PUBLIC or (place == INSIDE and role in entry.roles):
        assert 200 <= status < 400, f"{said}; this role may use it inside its reach"
        assert not errors, f"{said} but refused: {errors}"
    elif place == OUTSIDE:
        # Outside the reach is 404, as if it did not exist.  A role refused before anything is looked
        # up (403 whatever the id) learns nothing either, so that is accepted for roles not allowed.
        if role not in entry.roles and status == entry.denied:
            pass
        elif role == "resident" and role not in entry.roles and status == RESIDENT_REFUSAL and key in PAGES:
            pass  # the staff pages refuse a resident's account before anything is looked up
        elif entry.outside == "message":
            assert status in (302, 422) and errors, f"{said}; the form must refuse a code outside the reach"
        else:
            assert status == 404, f"{said}; outside the reach must answer 404"
    else:
        expected = {entry.denied}
        if role == "resident":
            expected.add(404)  # no reach: every scoped object is outside it
            if key in PAGES:
                expected.add(RESIDENT_REFUSAL)
        assert status in expected, (
            f"{said}; this role may not use it and must be refused with {entry.denied}"
            + (f" (it was refused with a message instead: {errors})" if errors else ""))
