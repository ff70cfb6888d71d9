"""Domain errors raised by services and selectors, each with a stable code and a Chinese message.

Views turn them into messages on the page, the API into ``{"code": ..., "message": ...}``.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, errors: dict | None = None):
        message = str(message)  # a lazy translation is rendered in the language active when raised
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        # Field-level problems: {"id_number": "身份证号码校验位错误"}.
        self.errors = errors or {}


class NotFound(DomainError):
    """Missing, or outside the user's reach: the two are never told apart, so nothing leaks."""

    code = "not_found"
    http_status = 404


class Forbidden(DomainError):
    """The user's role may not do this at all (never used for scope: that is NotFound)."""

    code = "forbidden"
    http_status = 403


class ValidationFailed(DomainError):
    code = "invalid"
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class RateLimited(DomainError):
    """Too many attempts from one address, or through one link, in a short time."""

    code = "rate_limited"
    http_status = 429
