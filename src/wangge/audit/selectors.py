from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.utils import timezone
from pydantic import StringConstraints

from wangge.audit.models import REVEAL_ACTIONS, AuditAction, AuditEntry, RevealPurpose
from wangge.core.filters import Filters
from wangge.core.inputs import Day
from wangge.core.lists import Page, keyset_page


class AuditFilters(Filters):
    """The audit log's filters: who, what, which record, which days (whole days, local time), and
    why a field was revealed."""

    actor_username: Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)] = ""
    action: Literal[("", *AuditAction.values)] = ""
    object_type: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = ""
    object_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    since: Day | None = None
    until: Day | None = None
    purpose: Literal[("", *RevealPurpose.values)] = ""


def audit_entry_list(*, user, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """Entries an auditor may read: those about records in their reach, and their own actions'
    entries are never hidden from a superuser."""
    filters = filters or AuditFilters()
    qs = AuditEntry.objects.restrict(user, "view")  # "audit.view": auditors and command staff
    for field in ("actor_username", "action", "object_type", "object_id"):
        if value := getattr(filters, field):
            qs = qs.filter(**{field: value})
    if filters.purpose:
        # Only reveals carry a purpose; naming their actions lets the action index narrow first.
        qs = qs.filter(action__in=REVEAL_ACTIONS, changes__purpose=filters.purpose)
    tz = timezone.get_current_timezone()
    if filters.since:
        qs = qs.filter(at__gte=dt.datetime.combine(filters.since, dt.time.min, tzinfo=tz))
    if filters.until:
        qs = qs.filter(at__lt=dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs.order_by("-at", "-id")


def audit_entry_page(*, user, filters: AuditFilters | None = None, cursor: str = "", limit: int | None = None) -> Page:
    """One keyset page of ``audit_entry_list``, newest first (-at, -id): page 1,000 of a busy
    city's log costs what page 1 does."""
    return keyset_page(audit_entry_list(user=user, filters=filters), cursor=cursor, limit=limit)
