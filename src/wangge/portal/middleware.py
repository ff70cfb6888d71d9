"""Residents' accounts reach their own pages (我的) and nothing of the staff pages.

A resident-only account (its role may use ``people.self`` but not ``grid.view``, as the permission
table says) opening any other page gets the 403 page in the site's layout.  The API is left to its
own checks: every staff endpoint narrows by reach, and a resident has none.
"""

from django.core.exceptions import PermissionDenied

# What a resident may open besides the portal: signing in and out, the text size and language
# switches, the health probe, the home page (which sends them to 我的), and the public pages
# anybody may open (a household's declaration link), and the gate pages for a resident taking a
# turn at their compound's gate (我为自家守大门: the gate itself answers 404 outside their shifts).
# The permission matrix opens every public
# page as a resident, so one missing here fails it.
RESIDENT_NAMESPACES = {"portal", "accounts"}
RESIDENT_PAGES = {"core:home", "core:text_size", "core:healthz", "set_language", "screening:declare",
                  "screening:declare_monitoring", "gates:mine", "gates:gate"}


def resident_only(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.may("people.self") and not user.may("grid.view"))


class ResidentBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespaces[:1] == ["api"] or not resident_only(getattr(request, "user", None)):
            return None
        if match.namespaces[:1] and match.namespaces[0] in RESIDENT_NAMESPACES:
            return None
        if match.view_name in RESIDENT_PAGES:
            return None
        raise PermissionDenied
