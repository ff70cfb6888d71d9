"""Who is acting, from where: passed to every service so the audit log can say so."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    user: object  # accounts.User; typed loosely so this module imports before the apps load
    ip_address: str | None = None
    user_agent: str = ""
    channel: str = "web"

    @classmethod
    def from_request(cls, request: HttpRequest, *, channel: str = "web") -> Actor:
        return cls(
            user=getattr(request, "user", None),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            channel=channel,
        )

    @classmethod
    def for_api(cls, request: HttpRequest) -> Actor:
        return cls(
            user=request.auth,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            channel="api",
        )

    @classmethod
    def cli(cls, user) -> Actor:
        return cls(user=user, channel="cli")


def client_ip(request: HttpRequest) -> str | None:
    # Behind the deployment's reverse proxy REMOTE_ADDR is the proxy; it is trusted to set
    # X-Forwarded-For only when WANGGE_TRUST_X_FORWARDED_FOR is on (WANGGE_BEHIND_PROXY).  The
    # last entry is the one our proxy wrote; anything before it came from the client, who could
    # otherwise pick the address the audit log records and the rate limits count.
    from django.conf import settings

    if getattr(settings, "WANGGE_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").strip(" ,")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None
