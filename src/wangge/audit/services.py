"""The one audit mechanism: every read of a person, reveal, export and change goes through here."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models

from wangge.audit.context import Actor
from wangge.audit.models import AuditAction, AuditEntry


def plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """Field values of ``instance`` as JSON-safe data, for before/after records."""
    return {name: plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record(
    *,
    actor: Actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    grid_code: str = "",
    field: str = "",
    changes: dict | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit entry.  Call it inside the service's transaction, so a change and its
    record land together or not at all."""
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        grid_code = grid_code or getattr(obj, "grid_code", "") or ""
    return AuditEntry.objects.create(
        actor=user,
        actor_username=getattr(user, "username", "") or "anonymous",
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        channel=actor.channel,
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        grid_code=grid_code,
        field=field,
        changes=changes or {},
        note=note[:500],
    )
