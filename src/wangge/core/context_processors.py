"""What every page's layout needs to know about the visitor, read once here."""

#: The one place the large-text mode (长辈版) is remembered: a cookie, so it holds for anonymous
#: visitors (a resident on the declaration link) as much as for staff, on every page.
LARGE_TEXT_COOKIE = "wangge_large_text"


def large_text_on(request) -> bool:
    return request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"


def text_size(request) -> dict:
    """``large_text``: the base template puts the class ``large-text`` on <html> when it is on."""
    return {"large_text": large_text_on(request)}
