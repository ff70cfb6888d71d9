"""Logins, failed logins and logouts go into the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wangge.accounts.backends import LOGIN_FAILURES
from wangge.audit import services as audit
from wangge.audit.context import Actor, client_ip
from wangge.audit.models import AuditAction


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    from wangge.accounts.services import common_prefix

    audit.record(
        actor=Actor.from_request(request), action=AuditAction.LOGIN, object_type="accounts.user",
        object_id=str(user.pk), object_repr=user.username, grid_code=common_prefix(user),
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is None or request is None:
        return
    from wangge.accounts.services import common_prefix

    audit.record(
        actor=Actor.from_request(request), action=AuditAction.LOGOUT, object_type="accounts.user",
        object_id=str(user.pk), object_repr=user.username, grid_code=common_prefix(user),
    )


@receiver(user_login_failed)
def count_login_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        LOGIN_FAILURES.hit(client_ip(request))


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    audit.record(
        actor=Actor(user=None, ip_address=client_ip(request) if request else None,
                    user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        action=AuditAction.LOGIN_FAILED, object_type="accounts.user", object_repr=username,
    )
