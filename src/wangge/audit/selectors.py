from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from wangge.audit.models import AuditEntry
from wangge.core.lists import Page, keyset_page


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
    qs = AuditEntry.objects.restrict(user, "view")  # "audit.view": auditors and command staff
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


def audit_entry_page(*, user, cursor: str = "", limit: int | None = None, **filters) -> Page:
    """One keyset page of ``audit_entry_list``, newest first (-at, -id): page 1,000 of a busy
    city's log costs what page 1 does."""
    return keyset_page(audit_entry_list(user=user, **filters), cursor=cursor, limit=limit)
