"""The deadlines the background worker watches.  Plain functions, driven only by the database.

Each job looks at what is in the database *now*, raises the alerts whose condition holds
(``alert_raise`` is idempotent by ``dedupe_key``) and resolves those whose condition is gone.
Running a job twice, on two workers at once, or again after a worker died half-way, raises each
alert once and loses nothing.  Each returns how many alerts it newly raised.  ``alerts.tasks``
runs them every five minutes; tests call them directly with a chosen ``now`` / ``today``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from wangge.alerts.models import Alert, AlertKind
from wangge.alerts.services import alert_raise, alert_resolve

# Twice-daily monitoring: a slot's report is missed once its deadline (local time) has passed.
SLOT_DEADLINES = {"am": dt.time(12, 0), "pm": dt.time(20, 0)}
SLOT_LABELS = {"am": "上午", "pm": "下午"}

# How long each closed-loop gap (health.selectors.GAP_KINDS) may wait before it is stale
# (应收尽收、应隔尽隔、应治尽治、应检尽检).
GAP_THRESHOLDS: dict[str, dt.timedelta] = {
    "unadmitted": dt.timedelta(hours=4),  # confirmed, not admitted
    "unisolated": dt.timedelta(hours=4),  # suspected, not isolated
    "fevers_unseen": dt.timedelta(hours=4),  # fever, not seen by a doctor
    "unquarantined": dt.timedelta(hours=8),  # close contact, not quarantined
    "tests_overdue": dt.timedelta(hours=24),  # a quarantine test a day past its due date
}
DEFAULT_GAP_THRESHOLD = dt.timedelta(hours=4)


def _resident_link(resident_id) -> str:
    return reverse("people:resident_detail", args=[resident_id])


def _resolve_open(*, kind: str, keep: Iterable[str], prefix: str = "") -> None:
    """Resolve open alerts of ``kind`` (whose key starts with ``prefix``) not in ``keep``."""
    keep = set(keep)
    qs = Alert.objects.filter(kind=kind, resolved_at__isnull=True)
    if prefix:
        qs = qs.filter(dedupe_key__startswith=prefix)
    for key in list(qs.values_list("dedupe_key", flat=True)):
        if key not in keep:
            alert_resolve(dedupe_key=key)


# --- Missed monitoring reports ----------------------------------------------------------------


def due_slots(now: dt.datetime) -> list[tuple[dt.date, str]]:
    """Slots whose deadline has passed: today's up to now, and yesterday's (a worker that was
    down over midnight still raises them)."""
    local = timezone.localtime(now)
    today = local.date()
    yesterday = today - dt.timedelta(days=1)
    slots = [(yesterday, "am"), (yesterday, "pm")]
    slots += [(today, slot) for slot, deadline in SLOT_DEADLINES.items() if local.time() >= deadline]
    return slots


def missed_key(resident_id, date: dt.date, slot: str) -> str:
    return f"missed:{resident_id}:{date.isoformat()}:{slot}"


def raise_missed_report_alerts(*, now: dt.datetime) -> int:
    """A missed twice-daily report → the grid worker of that grid; resolved once the report is in."""
    from wangge.health.models import HealthReport
    from wangge.health.selectors import missing_reports

    raised = 0
    for date, slot in due_slots(now):
        for resident_id, grid_code, name in missing_reports(date=date, slot=slot):
            _, created = alert_raise(
                kind=AlertKind.MISSED_REPORT, role="grid_worker", grid_code=grid_code,
                title=f"漏报：{name} {date:%m月%d日}{SLOT_LABELS[slot]}未上报体温",
                body=f"{date.isoformat()} {SLOT_LABELS[slot]}的健康监测未上报，请联系本人或上门测温。",
                link=_resident_link(resident_id), object_type="people.resident", object_id=str(resident_id),
                dedupe_key=missed_key(resident_id, date, slot),
            )
            raised += created
    # The report came in late: the alert is moot.
    for key in Alert.objects.filter(kind=AlertKind.MISSED_REPORT, resolved_at__isnull=True).values_list(
        "dedupe_key", flat=True
    ):
        try:
            _, resident_id, date, slot = key.split(":")
            date = dt.date.fromisoformat(date)
        except ValueError:
            continue
        if HealthReport.objects.filter(resident_id=resident_id, date=date, slot=slot).exists():
            alert_resolve(dedupe_key=key)
    return raised


# --- Quarantine releases and tests -------------------------------------------------------------


def release_key(order) -> str:
    # The planned date is in the key: an extended order falls due again on its new date.
    return f"release:{order.pk}:{order.planned_release.isoformat()}"


def raise_release_due_alerts(*, today: dt.date) -> int:
    """Active quarantine orders due for release by ``today`` → the community worker."""
    from wangge.quarantine.services import releases_due

    raised, keep = 0, []
    for order in releases_due(on_date=today):
        key = release_key(order)
        keep.append(key)
        _, created = alert_raise(
            kind=AlertKind.RELEASE_DUE, role="community_worker", grid_code=order.grid_code,
            title=f"隔离期满：{order.resident.name} 计划 {order.planned_release:%m月%d日} 解除",
            body="请核对检测结果，办理解除隔离或延长隔离。",
            link=_resident_link(order.resident_id), object_type="quarantine.quarantineorder",
            object_id=str(order.pk), dedupe_key=key,
        )
        raised += created
    _resolve_open(kind=AlertKind.RELEASE_DUE, keep=keep)
    return raised


def raise_overdue_test_alerts(*, today: dt.date) -> int:
    """Tests of active quarantine orders still pending after their due date → CDC."""
    from wangge.quarantine.services import tests_overdue

    raised, keep = 0, []
    for test in tests_overdue(on_date=today):
        key = f"test_overdue:{test.pk}"
        keep.append(key)
        resident = test.order.resident
        _, created = alert_raise(
            kind=AlertKind.TEST_OVERDUE, role="cdc", grid_code=test.grid_code,
            title=f"检测逾期：{resident.name} {test.get_phase_display()}第{test.day}天"
                  f"（应检 {test.due_date:%m月%d日}）",
            body="隔离期核酸检测已过应检日期仍未采样或未出结果。",
            link=_resident_link(resident.pk), object_type="quarantine.quarantinetest", object_id=str(test.pk),
            dedupe_key=key,
        )
        raised += created
    _resolve_open(kind=AlertKind.TEST_OVERDUE, keep=keep)
    return raised


# --- Transfers ---------------------------------------------------------------------------------


def raise_transfer_alerts(*, now: dt.datetime) -> int:
    """Late transfers → command; arrived and not handed over → command and CDC (seed 000's bus)."""
    from wangge.transfer.models import TransferOrder
    from wangge.transfer.selectors import (
        ARRIVAL_GRACE,
        DEPARTURE_GRACE,
        HANDOVER_GRACE,
        transfer_alert_keys,
    )

    S = TransferOrder.Status
    raised = 0
    keep_late, keep_handover = [], []
    candidates = TransferOrder.objects.filter(status__in=[S.PLANNED, S.EN_ROUTE, S.ARRIVED]).select_related(
        "destination"
    )
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
                     f"{t.escort} {t.escort_phone}", **common,
            )
            raised += created
        if t.status in (S.PLANNED, S.EN_ROUTE) and now > t.planned_arrival + ARRIVAL_GRACE:
            keep_late.append(keys["late_arrival"])
            _, created = alert_raise(
                kind=AlertKind.TRANSFER_LATE, role="command", dedupe_key=keys["late_arrival"],
                title=f"转运延误：{t.vehicle} → {t.destination.name} 未按时到达",
                body=f"计划 {timezone.localtime(t.planned_arrival):%H:%M} 到达，已超过15分钟。请立即联系随车人员："
                     f"{t.escort} {t.escort_phone}", **common,
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
    _resolve_open(kind=AlertKind.TRANSFER_LATE, keep=keep_late, prefix="transfer:")
    _resolve_open(kind=AlertKind.TRANSFER_NOT_HANDED_OVER, keep=keep_handover, prefix="transfer:")
    return raised


# --- Stale gap-list entries ---------------------------------------------------------------------


def _hours(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} 小时" if hours >= 1 else f"{delta.total_seconds() / 60:.0f} 分钟"


def gap_key(entry) -> str:
    # The wait's start is in the key: a person who leaves the loop and re-enters it alerts again.
    return f"gap:{entry.kind}:{entry.object_id}:{entry.since:%Y%m%d%H%M%S}"


def raise_stale_gap_alerts(*, now: dt.datetime) -> int:
    """Closed-loop gaps waiting past their threshold → the community worker."""
    from wangge.health.selectors import GAP_KINDS, stale_gap_entries

    shortest = min([*GAP_THRESHOLDS.values(), DEFAULT_GAP_THRESHOLD])
    raised, keep = 0, []
    for entry in stale_gap_entries(older_than=shortest, now=now):
        threshold = GAP_THRESHOLDS.get(entry.kind, DEFAULT_GAP_THRESHOLD)
        if entry.waited <= threshold:
            continue
        key = gap_key(entry)
        keep.append(key)
        label = GAP_KINDS.get(entry.kind, entry.kind)
        _, created = alert_raise(
            kind=AlertKind.GAP_STALE, role="community_worker", grid_code=entry.grid_code, dedupe_key=key,
            title=f"{label}：{entry.resident.name} 已等待 {_hours(entry.waited)}",
            body=f"{label}超过 {_hours(threshold)} 仍未处置。{entry.detail}".strip(),
            link=_resident_link(entry.resident.pk), object_type="people.resident", object_id=str(entry.resident.pk),
        )
        raised += created
    _resolve_open(kind=AlertKind.GAP_STALE, keep=keep)
    return raised
