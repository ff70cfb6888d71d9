from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wangge.core.context_processors import LARGE_TEXT_COOKIE
from wangge.core.errors import DomainError, Forbidden, NotFound, RateLimited


def not_found_as_404(view):
    """Selectors raise NotFound for missing and out-of-reach alike; a page turns both into 404.

    A service's Forbidden (the role may not do this at all) becomes the 403 page, the same answer
    the API gives, rather than a message on a redirect that looks like any other refusal.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            return forbidden(request, exc.message)

    return wrapper


def rate_limited_as_429(view):
    """A throttled caller gets a Chinese page with status 429 (the API answers in JSON itself)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RateLimited as exc:
            return render(request, "core/rate_limited.html", {"message": exc.message}, status=429)

    return wrapper


T = TypeVar("T")


def flash_outcome(request, call: Callable[[], T], *, success: str) -> T | None:
    """Run a service call for a POST and say on the next page how it went.

    A refusal (any DomainError) becomes an error message and returns None.  NotFound and Forbidden
    pass through, so the page answers 404 or 403 (see ``not_found_as_404``): existence does not
    leak, and a role refused answers as it does on the API.
    """
    try:
        result = call()
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result


def safe_next(request, fallback: str) -> str:
    """Where a form's ``next`` field (POST, else the query string) asks to go, if that is on this
    site; otherwise ``fallback``.  Every view that redirects to ``next`` goes through here, so a
    crafted link cannot send a logged-in worker to another site (Django's login view and language
    switch make the same check)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def forbidden(request, message: str):
    """The role may not do this at all (scope is never the reason: that is a 404)."""
    return render(request, "403.html", {"message": message}, status=403)


LARGE_TEXT_MAX_AGE = 10 * 365 * 24 * 3600  # switched on once, it stays on


@require_POST
def text_size(request):
    """Switch the large-text mode (长辈版) on (``size=large``) or off, for this browser, and go back.

    Open to everyone, signed in or not: it only sets a cookie that the layout reads
    (``core.context_processors.text_size``)."""
    response = HttpResponseRedirect(safe_next(request, "/"))
    if request.POST.get("size") == "large":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=LARGE_TEXT_MAX_AGE, samesite="Lax",
                            secure=request.is_secure(), httponly=True)
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response


def page_not_found(request, exception):
    """404 in the site's layout and the visitor's language (the message says nothing about why:
    missing and out of reach look the same)."""
    return render(request, "404.html", {"request_path": request.path}, status=404)


def permission_denied(request, exception):
    """403 in the site's layout and the visitor's language."""
    return render(request, "403.html", status=403)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
