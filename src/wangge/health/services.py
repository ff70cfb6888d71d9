"""Changing a person's epidemic status: one call per transition, recorded and audited.

Side effects live here so no caller can forget them: a confirmation opens the trajectory
investigation; a fever or confirmation alerts the CDC role.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wangge.alerts.models import AlertKind
from wangge.alerts.services import alert_raise
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.errors import Forbidden, ValidationFailed
from wangge.health.models import EpidemicStatus, PersonStatus, Severity, StatusTransition
from wangge.health.transitions import EVIDENCE_REQUIRED, ROLES_FOR, is_allowed
from wangge.people.selectors import resident_in_reach


def current_status(resident) -> str:
    row = PersonStatus.objects.filter(resident=resident).only("status").first()
    return row.status if row else EpidemicStatus.NONE


@transaction.atomic
def status_change(
    *,
    actor: Actor,
    resident_id: int,
    to_status: str,
    reason: str,
    evidence: dict[str, Any] | None = None,
    severity: str = "",
) -> StatusTransition:
    """Move a resident in reach to ``to_status`` if the transition is allowed for the actor's role."""
    user = actor.user
    resident = resident_in_reach(user=user, pk=resident_id)
    if to_status not in EpidemicStatus.values or to_status == EpidemicStatus.NONE:
        raise ValidationFailed(f"未知的状态：{to_status}", errors={"to_status": "未知的状态"})
    if not user.is_superuser and user.role not in ROLES_FOR.get(to_status, set()):
        label = EpidemicStatus(to_status).label
        raise Forbidden(f"您的角色不能将人员标记为“{label}”")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写变更原因", errors={"reason": "必填"})
    evidence = evidence or {}
    if to_status in EVIDENCE_REQUIRED and not evidence:
        raise ValidationFailed("该状态变更需要提供依据（如检测结果、诊断意见）", errors={"evidence": "必填"})
    if to_status == EpidemicStatus.CONFIRMED and severity not in Severity.values:
        raise ValidationFailed("确诊病例必须注明病情分型", errors={"severity": "必填"})

    row = PersonStatus.objects.select_for_update().filter(resident=resident).first()
    from_status = row.status if row else EpidemicStatus.NONE
    if not is_allowed(from_status, to_status):
        raise ValidationFailed(
            f"不能从“{EpidemicStatus(from_status).label}”变更为“{EpidemicStatus(to_status).label}”",
            code="transition_not_allowed", errors={"to_status": "不允许的状态变更"},
        )
    now = timezone.now()
    if row is None:
        row = PersonStatus(resident=resident, grid_code=resident.grid_code)
    row.status, row.since, row.grid_code = to_status, now, resident.grid_code
    row.severity = severity if to_status == EpidemicStatus.CONFIRMED else ""
    if to_status in (EpidemicStatus.EXCLUDED, EpidemicStatus.RECOVERED, EpidemicStatus.DECEASED):
        # Out of the loop: a later re-entry starts its gaps afresh.
        row.isolated_at = row.admitted_at = row.seen_by_doctor_at = None
    row.save()
    transition = StatusTransition.objects.create(
        resident=resident, grid_code=resident.grid_code, from_status=from_status, to_status=to_status,
        severity=row.severity, by=user if user.is_authenticated else None, reason=reason[:500], evidence=evidence,
    )
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=resident, field="epidemic_status",
        changes={"epidemic_status": [from_status, to_status], "severity": ["", row.severity]}, note=reason,
    )
    _after_transition(actor=actor, resident=resident, transition=transition)
    return transition


def _after_transition(*, actor: Actor, resident, transition: StatusTransition) -> None:
    to_status = transition.to_status
    link = reverse("people:resident_detail", args=[resident.pk])
    if to_status in (EpidemicStatus.FEVER, EpidemicStatus.CONFIRMED, EpidemicStatus.SUSPECTED):
        label = EpidemicStatus(to_status).label
        alert_raise(
            kind=AlertKind.FEVER if to_status == EpidemicStatus.FEVER else AlertKind.POSITIVE_TEST,
            role="cdc", grid_code=resident.grid_code,
            title=f"{label}：{resident.name}（{resident.household.address or resident.household.code}）",
            body=transition.reason, link=link, object_type="people.resident", object_id=str(resident.pk),
            dedupe_key=f"status:{transition.pk}",
        )
    if to_status == EpidemicStatus.CONFIRMED:
        from wangge.tracing.services import investigation_open

        investigation_open(actor=actor, case_resident_id=resident.pk, reason=transition.reason)


def mark_isolated(*, resident, at=None) -> None:
    """Record that a person in the loop is now isolated (called by quarantine and transfer)."""
    PersonStatus.objects.filter(resident=resident, isolated_at__isnull=True).update(isolated_at=at or timezone.now())


def mark_admitted(*, resident, at=None) -> None:
    """Record that a person was admitted to a hospital or 方舱 (closes 应收尽收)."""
    at = at or timezone.now()
    PersonStatus.objects.filter(resident=resident).update(admitted_at=at)
    mark_isolated(resident=resident, at=at)
