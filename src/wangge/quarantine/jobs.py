"""The quarantine app's deadlines: orders due for release and tests past their due date.

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

from wangge.alerts.models import AlertKind
from wangge.alerts.services import alert_raise, alert_resolve_except
from wangge.core.jobs import periodic_job
from wangge.quarantine.services import releases_due, tests_overdue


def resident_link(resident_id) -> str:
    return reverse("people:resident_detail", args=[resident_id])


# --- Quarantine releases and tests -------------------------------------------------------------


def release_key(order) -> str:
    # The planned date is in the key: an extended order falls due again on its new date.
    return f"release:{order.pk}:{order.planned_release.isoformat()}"


@periodic_job("quarantine.release_due", clock="today")
def raise_release_due_alerts(*, today: dt.date) -> int:
    """Active quarantine orders due for release by ``today`` → the community worker."""
    raised, keep = 0, []
    for order in releases_due(on_date=today):
        key = release_key(order)
        keep.append(key)
        _, created = alert_raise(
            kind=AlertKind.RELEASE_DUE, role="community_worker", grid_code=order.grid_code,
            title=f"隔离期满：{order.resident.name} 计划 {order.planned_release:%m月%d日} 解除",
            body="请核对检测结果，办理解除隔离或延长隔离。",
            link=resident_link(order.resident_id), object_type="quarantine.quarantineorder",
            object_id=str(order.pk), dedupe_key=key,
        )
        raised += created
    alert_resolve_except(kind=AlertKind.RELEASE_DUE, keep=keep)
    return raised


@periodic_job("quarantine.overdue_tests", clock="today")
def raise_overdue_test_alerts(*, today: dt.date) -> int:
    """Tests of active quarantine orders still pending after their due date → CDC."""
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
            link=resident_link(resident.pk), object_type="quarantine.quarantinetest", object_id=str(test.pk),
            dedupe_key=key,
        )
        raised += created
    alert_resolve_except(kind=AlertKind.TEST_OVERDUE, keep=keep)
    return raised
