"""What every app's ``api.py`` shares: the error schema, the error responses to declare and the
page-size check.

An endpoint declares the errors it may answer with one of the three maps::

    @router.get("/things", response={200: ThingPage, **READ_ERRORS})

and every error comes back as ``ErrorOut`` (``wangge/api.py`` writes it from a ``core.errors``
exception).  Lists take ``cursor`` and ``limit``: ``keyset_page(qs, cursor=..., limit=page_limit(limit))``
(``page_limit`` is ``core.lists``'s, the one check of a page size).
"""

from __future__ import annotations

from ninja import Schema

from wangge.core.lists import page_limit

__all__ = ["PUBLIC_WRITE_ERRORS", "READ_ERRORS", "WRITE_ERRORS", "ErrorOut", "page_limit"]


class ErrorOut(Schema):
    """Every error: a stable code, a Chinese message, and field-level problems."""

    code: str  # unauthorized, forbidden, not_found, invalid, conflict, duplicate_id_number, ...
    message: str
    errors: dict


READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Public endpoints are throttled per address and per link (code rate_limited).
PUBLIC_WRITE_ERRORS = {**WRITE_ERRORS, 429: ErrorOut}

