"""The transfer app's deadlines: late departures and arrivals, arrivals not handed over.

Plain functions driven only by the database, registered with ``core.jobs`` (the worker runs each
every five minutes).  Each looks at what is in the database *now*, raises the alerts whose
condition holds (``alert_raise`` is idempotent by ``dedupe_key``) and resolves those whose
condition is gone, so running a job twice, on two workers at once, or again after a worker died
half-way, raises each alert once and loses nothing.  Each returns how many alerts it newly raised;
tests call them directly with a chosen ``now`` / ``today``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from wangge.alerts.models import AlertKind
from wangge.alerts.services import alert_raise, alert_resolve_except
from wangge.core.jobs import periodic_job
from wangge.transfer.models import TransferOrder
from wangge.transfer.selectors import (
    ARRIVAL_GRACE,
    DEPARTURE_GRACE,
    HANDOVER_GRACE,
    check_in_gap,
    crew_contacts,
    silent_alert_key,
    transfer_alert_keys,
)

# --- Transfers ---------------------------------------------------------------------------------


@periodic_job("transfer.transfers")
def raise_transfer_alerts(*, now: dt.datetime) -> int:
    """Late transfers → command; en route and not heard of (no check-in, or no departure) for
    ``WANGGE_TRANSFER_CHECK_IN_MINUTES`` → command, once per silence; arrived and not handed over →
    command and CDC (seed 000's bus)."""
    S = TransferOrder.Status
    raised = 0
    keep_late, keep_handover = [], []
    candidates = TransferOrder.objects.filter(status__in=[S.PLANNED, S.EN_ROUTE, S.ARRIVED]).select_related(
        "destination"
    ).annotate(last_check_in=Max("check_ins__at"))
    gap = check_in_gap()
    for t in candidates:
        keys = transfer_alert_keys(t.pk)
        link = reverse("transfer:detail", args=[t.pk])
        common = {"grid_code": t.grid_code, "link": link, "object_type": "transfer.transferorder",
                  "object_id": str(t.pk)}
        if t.status == S.PLANNED and now > t.planned_departure + DEPARTURE_GRACE:
            keep_late.append(keys["late_departure"])
            _, created = alert_raise(
                kind=AlertKind.TRANSFER_LATE, role="command", dedupe_key=keys["late_departure"],
                title=f"转运未出发：{t.vehicle} → {t.destination.name}",
                body=f"计划 {timezone.localtime(t.planned_departure):%H:%M} 出发，已超过30分钟仍未出发。随车人员："
                     f"{crew_contacts(t)}", **common,
            )
            raised += created
        if t.status in (S.PLANNED, S.EN_ROUTE) and now > t.planned_arrival + ARRIVAL_GRACE:
            keep_late.append(keys["late_arrival"])
            _, created = alert_raise(
                kind=AlertKind.TRANSFER_LATE, role="command", dedupe_key=keys["late_arrival"],
                title=f"转运延误：{t.vehicle} → {t.destination.name} 未按时到达",
                body=f"计划 {timezone.localtime(t.planned_arrival):%H:%M} 到达，已超过15分钟。请立即联系随车人员："
                     f"{crew_contacts(t)}", **common,
            )
            raised += created
        heard = max((x for x in (t.departed_at, t.last_check_in) if x), default=None)
        if t.status == S.EN_ROUTE and heard is not None and now > heard + gap:
            # The key carries when the silence began: a check-in ends it, a later silence is new.
            key = silent_alert_key(t.pk, heard)
            keep_late.append(key)
            minutes = int(gap.total_seconds() // 60)
            _, created = alert_raise(
                kind=AlertKind.TRANSFER_LATE, role="command", dedupe_key=key,
                title=f"转运失联：{t.vehicle} → {t.destination.name} 超过{minutes}分钟无途中报告",
                body=f"最后一次消息 {timezone.localtime(heard):%H:%M}"
                     f"（{'途中报告' if t.last_check_in and heard == t.last_check_in else '出发'}）。"
                     f"请立即联系随车人员：{crew_contacts(t)}", **common,
            )
            raised += created
        if t.status == S.ARRIVED and t.arrived_at and now > t.arrived_at + HANDOVER_GRACE:
            for role in ("command", "cdc"):
                key = keys[f"handover_{role}"]
                keep_handover.append(key)
                _, created = alert_raise(
                    kind=AlertKind.TRANSFER_NOT_HANDED_OVER, role=role, dedupe_key=key,
                    title=f"转运未交接：{t.vehicle} 已到达 {t.destination.name} 超过30分钟",
                    body=f"到达时间 {timezone.localtime(t.arrived_at):%H:%M}，接收方尚未确认交接。", **common,
                )
                raised += created
    alert_resolve_except(kind=AlertKind.TRANSFER_LATE, keep=keep_late, prefix="transfer:")
    alert_resolve_except(kind=AlertKind.TRANSFER_NOT_HANDED_OVER, keep=keep_handover, prefix="transfer:")
    return raised
