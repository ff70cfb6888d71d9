"""What every app's ``api.py`` shares: the error schema, the error responses to declare, the
page-size check and the subtree filter.

An endpoint declares the errors it may answer with one of the three maps::

    @router.get("/things", response={200: ThingPage, **READ_ERRORS})

and every error comes back as ``ErrorOut`` (``wangge/api.py`` writes it from a ``core.errors``
exception).  Lists take ``cursor`` and ``limit``: ``keyset_page(qs, cursor=..., limit=page_limit(limit))``
(``page_limit`` is ``core.lists``'s, the one check of a page size).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Schema

from wangge.core.codes import significant_prefix
from wangge.core.errors import ValidationFailed
from wangge.core.lists import page_limit

__all__ = ["PUBLIC_WRITE_ERRORS", "READ_ERRORS", "WRITE_ERRORS", "ErrorOut", "page_limit", "subtree_prefix"]


class ErrorOut(Schema):
    """Every error: a stable code, a Chinese message, and field-level problems."""

    code: str  # unauthorized, forbidden, not_found, invalid, conflict, duplicate_id_number, ...
    message: str
    errors: dict


READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Public endpoints are throttled per address and per link (code rate_limited).
PUBLIC_WRITE_ERRORS = {**WRITE_ERRORS, 429: ErrorOut}


def subtree_prefix(code: str, *, field: str = "within") -> str:
    """A navigation filter: a 12-digit division code (cut to its significant prefix) or any code prefix."""
    code = (code or "").strip()
    if not code:
        return ""
    if not code.isdigit() or len(code) > 24:
        raise ValidationFailed(_("区划或网格代码应为数字"), code="code_not_numeric", errors={field: _("代码无效")})
    return significant_prefix(code) if len(code) == 12 else code
