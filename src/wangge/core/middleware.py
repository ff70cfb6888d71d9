"""Response headers every dynamic page and API answer needs."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


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
