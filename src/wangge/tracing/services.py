"""Investigations: opened when a case is confirmed; contacts found become close contacts under quarantine."""

from __future__ import annotations

from django.db import transaction

from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.people.models import Resident
from wangge.tracing.models import Investigation


@transaction.atomic
def investigation_open(*, actor: Actor, case_resident_id: int, reason: str = "") -> Investigation:
    """The open investigation of a case, opened now if there is none (confirming twice opens one)."""
    case = Resident.objects.get(pk=case_resident_id)
    existing = Investigation.objects.filter(case=case, status=Investigation.Status.OPEN).first()
    if existing is not None:
        return existing
    investigation = Investigation.objects.create(
        case=case, grid_code=case.grid_code,
        opened_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=investigation, note=reason)
    return investigation
