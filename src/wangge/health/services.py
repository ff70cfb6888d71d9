"""Changing a person's epidemic status: one call per transition, recorded and audited.

Side effects live here so no caller can forget them: a confirmation opens the trajectory
investigation; a fever or confirmation alerts the CDC role.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import require
from wangge.alerts.models import AlertKind
from wangge.alerts.services import alert_raise
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.errors import ValidationFailed
from wangge.core.inputs import TemperatureInvalid, parse_temperature
from wangge.health import hooks
from wangge.health.models import EpidemicStatus, HealthReport, PersonStatus, Severity, StatusTransition
from wangge.health.transitions import EVIDENCE_REQUIRED, is_allowed, status_action
from wangge.people.models import Resident
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
        raise ValidationFailed(
            _("未知的状态：%(to_status)s") % {"to_status": to_status},
            code="unknown_status",
            errors={"to_status": _("未知的状态")},
        )
    require(user, status_action(to_status))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写变更原因"), code="reason_required", errors={"reason": _("必填")})
    evidence = evidence or {}
    if to_status in EVIDENCE_REQUIRED and not evidence:
        raise ValidationFailed(
            _("该状态变更需要提供依据（如检测结果、诊断意见）"),
            code="evidence_required",
            errors={"evidence": _("必填")},
        )
    if to_status == EpidemicStatus.CONFIRMED and severity not in Severity.values:
        raise ValidationFailed(_("确诊病例必须注明病情分型"), code="severity_required", errors={"severity": _("必填")})

    row = PersonStatus.objects.select_for_update().filter(resident=resident).first()
    from_status = row.status if row else EpidemicStatus.NONE
    if not is_allowed(from_status, to_status):
        raise ValidationFailed(
            _("不能从“%(from_status)s”变更为“%(to_status)s”") % {
                "from_status": EpidemicStatus(from_status).label,
                "to_status": EpidemicStatus(to_status).label,
            },
            code="transition_not_allowed", errors={"to_status": _("不允许的状态变更")},
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


# The alert each status raises for the CDC: its own kind, so that a suspected or confirmed case is
# never labelled as a positive test (which quarantine raises for a test result).
STATUS_ALERT_KINDS = {
    EpidemicStatus.FEVER: AlertKind.FEVER,
    EpidemicStatus.SUSPECTED: AlertKind.SUSPECTED_CASE,
    EpidemicStatus.CONFIRMED: AlertKind.CONFIRMED_CASE,
}


def _after_transition(*, actor: Actor, resident, transition: StatusTransition) -> None:
    to_status = transition.to_status
    link = reverse("people:resident_detail", args=[resident.pk])
    if to_status in STATUS_ALERT_KINDS:
        label = EpidemicStatus(to_status).label
        alert_raise(
            kind=STATUS_ALERT_KINDS[to_status],
            role="cdc", grid_code=resident.grid_code,
            title=f"{label}：{resident.name}（{resident.household.address or resident.household.code}）",
            body=transition.reason, link=link, object_type="people.resident", object_id=str(resident.pk),
            dedupe_key=f"status:{transition.pk}",
        )
    if to_status == EpidemicStatus.CONFIRMED:
        hooks.case_confirmed.send(actor=actor, resident=resident, transition=transition)
    hooks.status_changed.send(actor=actor, resident=resident, transition=transition)


def mark_isolated(*, resident, at=None) -> None:
    """Record that a person in the loop is now isolated (called by quarantine and transfer)."""
    PersonStatus.objects.filter(resident=resident, isolated_at__isnull=True).update(isolated_at=at or timezone.now())


def mark_admitted(*, resident, at=None) -> None:
    """Record that a person was admitted to a hospital or 方舱 (closes 应收尽收)."""
    at = at or timezone.now()
    PersonStatus.objects.filter(resident=resident).update(admitted_at=at)
    mark_isolated(resident=resident, at=at)


# --- Health monitoring (twice daily) and the doctor's visit ------------------------------------

# Out of the loop: a fever or symptom found in monitoring brings the person back into it as a fever.
_REENTRY_ON_FEVER = {EpidemicStatus.NONE, EpidemicStatus.EXCLUDED, EpidemicStatus.RECOVERED}


def _temperature(value) -> Decimal:
    """A report's temperature, required, read by the one rule (``core.inputs.parse_temperature``)."""
    try:
        temperature = parse_temperature(value)
    except TemperatureInvalid as exc:
        raise ValidationFailed(exc.message, code=exc.code, errors={"temperature": exc.message}) from None
    if temperature is None:
        message = _("请填写体温")
        raise ValidationFailed(message, code="temperature_required", errors={"temperature": message})
    return temperature


@transaction.atomic
def health_report_record(
    *,
    actor: Actor,
    resident_id: int,
    date: dt.date,
    slot: str,
    temperature,
    symptoms: list[str] | None = None,
    source: str = HealthReport.Source.STAFF,
) -> HealthReport:
    """Record the morning or afternoon report of a resident in reach; a second report in the same
    slot updates it.  A fever or symptoms alert the CDC (once per report) and bring a person who is
    out of the loop back into it as a fever."""
    user = actor.user
    require(user, "health.report.record")
    resident = resident_in_reach(user=user, pk=resident_id)
    if source not in HealthReport.Source.values:
        raise ValidationFailed(
            _("来源应为工作人员录入或本人申报"),
            code="invalid_report_source",
            errors={"source": _("取值无效")},
        )
    return report_save(
        actor=actor, resident=resident, date=date, slot=slot, temperature=temperature, symptoms=symptoms,
        source=source, reported_by=user if user.is_authenticated else None, may_change_status=True,
    )


def current_slot(now: dt.datetime | None = None) -> str:
    """The slot a report made now belongs to: the morning until noon (local time), then the afternoon."""
    local = timezone.localtime(now or timezone.now())
    return HealthReport.Slot.MORNING if local.hour < 12 else HealthReport.Slot.AFTERNOON


def report_save(
    *, actor: Actor, resident: Resident, date: dt.date, slot: str, temperature, symptoms, source: str,
    reported_by, may_change_status: bool,
) -> HealthReport:
    """The one path of every health report, whoever enters it: validation, one report per slot,
    the audit entry and the alert on a fever or symptoms."""
    if slot not in HealthReport.Slot.values:
        raise ValidationFailed(_("时段应为上午或下午"), code="invalid_slot", errors={"slot": _("取值无效")})
    if date > timezone.localdate():
        raise ValidationFailed(
            _("不能录入未来日期的健康监测"),
            code="date_in_future",
            errors={"date": _("不能晚于今天")},
        )
    temperature = _temperature(temperature)
    symptoms = [str(s).strip()[:40] for s in (symptoms or []) if str(s).strip()]

    report = HealthReport.objects.select_for_update().filter(resident=resident, date=date, slot=slot).first()
    before = audit.snapshot(report, ["temperature", "symptoms", "source"]) if report else {}
    if report is None:
        report = HealthReport(resident=resident, date=date, slot=slot)
    report.grid_code = resident.grid_code
    report.temperature, report.symptoms, report.source = temperature, symptoms, source
    report.reported_by = reported_by
    report.save()
    after = audit.snapshot(report, ["temperature", "symptoms", "source"])
    audit.record(
        actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=report,
        object_repr=f"{resident.name} {date} {report.get_slot_display()}",
        changes=audit.diff(before, after) if before else {k: [None, v] for k, v in after.items()},
    )
    if report.is_fever or symptoms:
        _after_abnormal_report(actor=actor, resident=resident, report=report, may_change_status=may_change_status)
    return report


def _after_abnormal_report(*, actor: Actor, resident, report: HealthReport, may_change_status: bool) -> None:
    found = f"体温 {report.temperature}℃" if report.is_fever else "出现症状"
    if report.symptoms:
        found += "（" + "、".join(report.symptoms) + "）"
    # Entered by the person through the household link: nobody has seen them yet.
    by_self = report.source == HealthReport.Source.SELF and report.reported_by_id is None
    where = resident.household.address or resident.household.code
    alert_raise(
        kind=AlertKind.FEVER, role="cdc", grid_code=resident.grid_code,
        title=f"健康监测异常：{resident.name} {report.date} {report.get_slot_display()} {found}"
        + ("（本人填报）" if by_self else ""),
        body=where + ("；本人填报，待工作人员核实" if by_self else ""),
        link=reverse("health:person", args=[resident.pk]), object_type="health.healthreport",
        object_id=str(report.pk), dedupe_key=f"health_report:{report.pk}",
    )
    if may_change_status and current_status(resident) in _REENTRY_ON_FEVER:
        status_change(
            actor=actor, resident_id=resident.pk, to_status=EpidemicStatus.FEVER,
            reason="健康监测发现发热" if report.is_fever else "健康监测发现症状",
            evidence={"health_report_id": report.pk, "temperature": str(report.temperature),
                      "symptoms": report.symptoms},
        )


@transaction.atomic
def record_doctor_visit(*, actor: Actor, resident_id: int, note: str = "") -> PersonStatus:
    """Record that a fever under observation was seen by a doctor (closes 应治尽治 for fevers)."""
    user = actor.user
    require(user, "health.doctor_visit.record")
    resident = resident_in_reach(user=user, pk=resident_id)
    row = PersonStatus.objects.select_for_update().filter(resident=resident).first()
    if row is None or row.status != EpidemicStatus.FEVER:
        raise ValidationFailed(_("该人员不是发热待排查人员，无需登记就诊"), code="not_fever")
    if row.seen_by_doctor_at is not None:
        return row
    row.seen_by_doctor_at = timezone.now()
    row.save(update_fields=["seen_by_doctor_at", "updated_at"])
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=resident, field="seen_by_doctor_at",
        changes={"seen_by_doctor_at": [None, audit.plain(row.seen_by_doctor_at)]}, note=(note or "").strip()[:500],
    )
    return row
