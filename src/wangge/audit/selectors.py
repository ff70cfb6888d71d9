from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from wangge.audit.models import AuditEntry


def audit_entry_list(
    *,
    user,
    actor_username: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Entries an auditor may read: those about records in their reach, and their own actions'
    entries are never hidden from a superuser."""
    if not user.can_read_audit:
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.restrict(user)
    if actor_username:
        qs = qs.filter(actor_username=actor_username)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-at", "-id")
