"""Two boundary middlewares: requests no view should see, and headers every response needs.

RejectNulMiddleware — text with a NUL character (or a lone surrogate) in it.

PostgreSQL refuses NUL in text and neither database can store a lone surrogate, so a value carrying
one would fail deep in a query as a server error, and on SQLite it would be stored.  Rather than
teach every field of every endpoint and form, the request is refused here, once: the path, the
query string, the headers (cookies among them), the form fields, and the strings of a JSON body
(raw or escaped as ``\\u0000``).  Django already drops NUL from uploaded file names.  The API
answers ``{"code": "invalid", ...}`` with 422, a page a short Chinese 422 page.
"""

from __future__ import annotations

import json
import re
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from wangge.core.inputs import NUL

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A JSON escape that decodes to NUL or to a surrogate (a lone one cannot be encoded as UTF-8).
_SUSPECT_ESCAPE = re.compile(rb"\\u(0000|[dD][89a-fA-F])")


def bad_text(text: str) -> bool:
    if NUL in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_strings(value, path: str = ""):
    """Every key and string of a decoded JSON document, with where it sits (``evidence.note``)."""
    if isinstance(value, str):
        yield path or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, key
            yield from _json_strings(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{index}" if path else str(index))


def bad_fields(request) -> dict[str, str]:
    """Where the request carries text that cannot be stored: {"q": "...", "evidence.note": "..."}."""
    problem = _("不能包含空字符（NUL）或无效字符")
    found: dict[str, str] = {}
    if bad_text(request.path):
        found["path"] = problem
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str) and bad_text(value):
            found[name[5:].lower().replace("_", "-")] = problem
    try:
        for key, values in request.GET.lists():
            if bad_text(key) or any(bad_text(v) for v in values):
                found[key.replace(NUL, "\\x00")] = problem
        content_type = request.content_type or ""
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return found
        if content_type in FORM_TYPES:
            for key, values in request.POST.lists():
                if bad_text(key) or any(bad_text(v) for v in values):
                    found[key.replace(NUL, "\\x00")] = problem
        else:
            body = request.body
            # Raw NUL bytes cannot appear in valid JSON text at all: the parser refuses them later.
            if _SUSPECT_ESCAPE.search(body):
                try:
                    document = json.loads(body)
                except ValueError:
                    return found  # malformed JSON: the API says so itself
                for where, text in _json_strings(document):
                    if bad_text(text):
                        found[where.replace(NUL, "\\x00")] = problem
    except (RequestDataTooBig, TooManyFieldsSent):
        pass  # too large: the view (or Django) refuses it in its own way
    return found


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = bad_fields(request)
        if not found:
            return self.get_response(request)
        # This runs before LocaleMiddleware (and sessions), so it picks the language itself.
        with translation.override(translation.get_language_from_request(request)):
            return self.refuse(request, found)

    @staticmethod
    def refuse(request, found: dict[str, str]):
        message = _("请求中含有空字符（NUL）或无效字符，无法处理：%(fields)s") % {"fields": "、".join(found)}
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"code": "invalid", "message": message, "errors": found}, status=422,
                                json_dumps_params={"ensure_ascii": False})
        # Rendered without the request: its session cookie may be the very thing that is refused.
        html = render_to_string("core/invalid_request.html", {"message": message})
        return HttpResponse(html, status=422)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response Django builds, so no browser, shared
    computer or proxy keeps a copy of a page, API answer or export with personal data in it.

    Static files are served by WhiteNoise before this runs and keep their long cache headers;
    public pages get the header too (the declaration page shows a household's members).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response["Pragma"] = "no-cache"
        return response


class SessionRefreshMiddleware:
    """Keeps an idle session's clock running without rewriting its row on every page.

    Sessions end after ``SESSION_COOKIE_AGE`` idle seconds.  Saving the session on every request
    (``SESSION_SAVE_EVERY_REQUEST``) did that with one UPDATE of the session table per page view;
    here a session in use is saved (which pushes its expiry on) only when its last save is more
    than ``WANGGE_SESSION_REFRESH_SECONDS`` old, so a session ends between ``SESSION_COOKIE_AGE``
    minus that and ``SESSION_COOKIE_AGE`` after its last request.  The time of the last save lives
    in the session itself.
    """

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        last = session.get(self.KEY)
        if session.modified or not isinstance(last, int) or now - last >= settings.WANGGE_SESSION_REFRESH_SECONDS:
            session[self.KEY] = now
        return response
