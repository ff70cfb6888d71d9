from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from wangge.audit.models import AuditEntry
from wangge.core.inputs import MAX_ID, check_timestamp


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


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: str | None
    has_previous: bool


def _encode_cursor(at: dt.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), pk]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        at, pk = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        at, pk = check_timestamp(dt.datetime.fromisoformat(at)), int(pk)
    except (ValueError, TypeError):
        return None
    # A cursor is opaque text the client hands back: what it decodes to is input like any other.
    return (at, pk) if 0 < pk <= MAX_ID else None


def audit_entry_page(*, user, cursor: str = "", limit: int | None = None, **filters) -> AuditPage:
    """One page of ``audit_entry_list``, newest first, after ``cursor``.

    Keyset on (-at, -id): page 1,000 of a busy city's log costs what page 1 does.
    """
    qs = audit_entry_list(user=user, **filters)
    position = _decode_cursor(cursor) if cursor else None
    if position:
        at, pk = position
        # ``at <= x`` bounds the index scan; the OR only breaks ties within the same instant.
        qs = qs.filter(at__lte=at).filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    limit = limit or settings.WANGGE_PAGE_SIZE
    entries = list(qs[: limit + 1])
    next_cursor = None
    if len(entries) > limit:
        entries = entries[:limit]
        next_cursor = _encode_cursor(entries[-1].at, entries[-1].pk)
    return AuditPage(entries=entries, next_cursor=next_cursor, has_previous=bool(position))
