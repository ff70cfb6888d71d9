"""The health app's deadlines: missed twice-daily reports and stale closed-loop gaps.

Plain functions driven only by the database, registered with ``core.jobs`` (the worker runs each
every five minutes).  Each looks at what is in the database *now*, raises the alerts whose
condition holds (``alert_raise`` is idempotent by ``dedupe_key``) and resolves those whose
condition is gone, so running a job twice, on two workers at once, or again after a worker died
half-way, raises each alert once and loses nothing.  Each returns how many alerts it newly raised;
tests call them directly with a chosen ``now`` / ``today``.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from wangge.alerts.models import Alert, AlertKind
from wangge.alerts.services import alert_raise, alert_resolve, alert_resolve_except
from wangge.core.jobs import periodic_job
from wangge.health.models import HealthReport
from wangge.health.selectors import GAP_KINDS, missing_reports, stale_gap_entries

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


def resident_link(resident_id) -> str:
    return reverse("people:resident_detail", args=[resident_id])


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


@periodic_job("health.missed_reports")
def raise_missed_report_alerts(*, now: dt.datetime) -> int:
    """A missed twice-daily report → the grid worker of that grid; resolved once the report is in."""
    raised = 0
    for date, slot in due_slots(now):
        for resident_id, grid_code, name in missing_reports(date=date, slot=slot):
            _, created = alert_raise(
                kind=AlertKind.MISSED_REPORT, role="grid_worker", grid_code=grid_code,
                title=f"漏报：{name} {date:%m月%d日}{SLOT_LABELS[slot]}未上报体温",
                body=f"{date.isoformat()} {SLOT_LABELS[slot]}的健康监测未上报，请联系本人或上门测温。",
                link=resident_link(resident_id), object_type="people.resident", object_id=str(resident_id),
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


# --- Stale gap-list entries ---------------------------------------------------------------------


def _hours(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} 小时" if hours >= 1 else f"{delta.total_seconds() / 60:.0f} 分钟"


def gap_key(entry) -> str:
    # The wait's start is in the key: a person who leaves the loop and re-enters it alerts again.
    return f"gap:{entry.kind}:{entry.object_id}:{entry.since:%Y%m%d%H%M%S}"


@periodic_job("health.stale_gaps")
def raise_stale_gap_alerts(*, now: dt.datetime) -> int:
    """Closed-loop gaps waiting past their threshold → the community worker."""
    shortest = min([*GAP_THRESHOLDS.values(), DEFAULT_GAP_THRESHOLD])
    raised, keep = 0, []
    for entry in stale_gap_entries(older_than=shortest, now=now):
        threshold = GAP_THRESHOLDS.get(entry.kind, DEFAULT_GAP_THRESHOLD)
        if entry.waited <= threshold:
            continue
        key = gap_key(entry)
        keep.append(key)
        label = str(GAP_KINDS.get(entry.kind, entry.kind))
        _, created = alert_raise(
            kind=AlertKind.GAP_STALE, role="community_worker", grid_code=entry.grid_code, dedupe_key=key,
            title=f"{label}：{entry.resident.name} 已等待 {_hours(entry.waited)}",
            body=f"{label}超过 {_hours(threshold)} 仍未处置。{entry.detail}".strip(),
            link=resident_link(entry.resident.pk), object_type="people.resident", object_id=str(entry.resident.pk),
        )
        raised += created
    alert_resolve_except(kind=AlertKind.GAP_STALE, keep=keep)
    return raised
