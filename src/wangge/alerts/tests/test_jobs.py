"""The worker's deadline jobs (each in its app's jobs.py): each alert kind's condition, its boundaries,
idempotency and resolution."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wangge.alerts.models import Alert, AlertKind
from wangge.core.testing.factories import (
    make_check_in,
    make_facility,
    make_person_status,
    make_quarantine_order,
    make_quarantine_test,
    make_transfer,
)
from wangge.health import jobs as health_jobs
from wangge.health.models import HealthReport
from wangge.quarantine import jobs as quarantine_jobs
from wangge.transfer import jobs as transfer_jobs
from wangge.transfer.models import TransferOrder

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def open_alerts(kind):
    return Alert.objects.filter(kind=kind, resolved_at__isnull=True)


def report(resident, date, slot):
    return HealthReport.objects.create(resident=resident, grid_code=resident.grid_code, date=date, slot=slot,
                                       temperature="36.5")


# --- Missed reports --------------------------------------------------------------------------
def test_a_monitored_person_without_a_morning_report_alerts_their_grid_worker_after_noon(city):
    resident = city["residents"]["A"]
    make_person_status(resident)
    raised = health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 12, 1))
    alert = Alert.objects.get(dedupe_key=f"missed:{resident.pk}:2026-03-10:am")
    assert alert.kind == AlertKind.MISSED_REPORT
    assert alert.role == "grid_worker"
    assert alert.grid_code == resident.grid_code
    # Yesterday's two slots are due too (the worker may have been down over midnight).
    assert raised == 3


def test_no_morning_alert_before_noon(city):
    resident = city["residents"]["A"]
    make_person_status(resident)
    health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 11, 59))
    assert not Alert.objects.filter(dedupe_key=f"missed:{resident.pk}:2026-03-10:am").exists()


def test_the_afternoon_slot_is_missed_only_after_eight_in_the_evening(city):
    resident = city["residents"]["A"]
    make_person_status(resident)
    health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 19, 59))
    assert not Alert.objects.filter(dedupe_key=f"missed:{resident.pk}:2026-03-10:pm").exists()
    health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 20, 0))
    assert Alert.objects.filter(dedupe_key=f"missed:{resident.pk}:2026-03-10:pm").exists()


def test_a_person_who_reported_raises_no_missed_alert(city):
    resident = city["residents"]["A"]
    make_person_status(resident)
    report(resident, DAY, "am")
    health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 13))
    assert not Alert.objects.filter(dedupe_key=f"missed:{resident.pk}:2026-03-10:am").exists()


def test_a_person_not_under_monitoring_raises_no_missed_alert(city):
    make_person_status(city["residents"]["A"], status="excluded")
    assert health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 21)) == 0


def test_missed_report_job_run_twice_raises_each_alert_once(city):
    make_person_status(city["residents"]["A"])
    first = health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 21))
    second = health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 21, 5))
    assert (first, second) == (4, 0)
    assert Alert.objects.filter(kind=AlertKind.MISSED_REPORT).count() == 4


def test_a_late_report_resolves_its_missed_alert(city):
    resident = city["residents"]["A"]
    make_person_status(resident)
    health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 13))
    report(resident, DAY, "am")
    health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 13, 5))
    alert = Alert.objects.get(dedupe_key=f"missed:{resident.pk}:2026-03-10:am")
    assert alert.resolved_at is not None


# --- Releases due ----------------------------------------------------------------------------
def test_an_active_order_due_today_alerts_the_community_worker(city):
    order = make_quarantine_order(city["residents"]["B"], start=DAY - dt.timedelta(days=14), planned_release=DAY)
    assert quarantine_jobs.raise_release_due_alerts(today=DAY) == 1
    alert = Alert.objects.get(kind=AlertKind.RELEASE_DUE)
    assert (alert.role, alert.grid_code, alert.object_id) == ("community_worker", order.grid_code, str(order.pk))


def test_an_order_due_tomorrow_is_not_due_yet(city):
    make_quarantine_order(city["residents"]["B"], start=DAY, planned_release=DAY + dt.timedelta(days=1))
    assert quarantine_jobs.raise_release_due_alerts(today=DAY) == 0


def test_release_due_run_twice_raises_once_and_a_released_order_resolves_it(city):
    order = make_quarantine_order(city["residents"]["B"], start=DAY - dt.timedelta(days=14), planned_release=DAY)
    assert quarantine_jobs.raise_release_due_alerts(today=DAY) == 1
    assert quarantine_jobs.raise_release_due_alerts(today=DAY) == 0
    order.status = "released"
    order.save()
    quarantine_jobs.raise_release_due_alerts(today=DAY)
    assert not open_alerts(AlertKind.RELEASE_DUE).exists()


def test_an_extended_order_falls_due_again_on_its_new_date(city):
    order = make_quarantine_order(city["residents"]["B"], start=DAY - dt.timedelta(days=14), planned_release=DAY)
    quarantine_jobs.raise_release_due_alerts(today=DAY)
    order.planned_release = DAY + dt.timedelta(days=3)
    order.save()
    quarantine_jobs.raise_release_due_alerts(today=DAY)
    assert not open_alerts(AlertKind.RELEASE_DUE).exists()
    assert quarantine_jobs.raise_release_due_alerts(today=DAY + dt.timedelta(days=3)) == 1


# --- Overdue tests ---------------------------------------------------------------------------
def test_a_pending_test_past_its_due_date_alerts_the_cdc(city):
    order = make_quarantine_order(city["residents"]["A"], start=DAY, planned_release=DAY + dt.timedelta(days=14))
    test = make_quarantine_test(order, due=DAY)
    assert quarantine_jobs.raise_overdue_test_alerts(today=DAY) == 0  # due today: not overdue yet
    assert quarantine_jobs.raise_overdue_test_alerts(today=DAY + dt.timedelta(days=1)) == 1
    alert = Alert.objects.get(kind=AlertKind.TEST_OVERDUE)
    assert (alert.role, alert.object_id) == ("cdc", str(test.pk))


def test_a_test_with_a_result_is_not_overdue_and_resolves_its_alert(city):
    order = make_quarantine_order(city["residents"]["A"], start=DAY, planned_release=DAY + dt.timedelta(days=14))
    test = make_quarantine_test(order, due=DAY)
    quarantine_jobs.raise_overdue_test_alerts(today=DAY + dt.timedelta(days=2))
    test.result = "negative"
    test.save()
    assert quarantine_jobs.raise_overdue_test_alerts(today=DAY + dt.timedelta(days=2)) == 0
    assert not open_alerts(AlertKind.TEST_OVERDUE).exists()


# --- Transfers -------------------------------------------------------------------------------
@pytest.fixture
def bus(city):
    return make_transfer([city["residents"]["A"], city["residents"]["A2"]], destination=make_facility(),
                    departure=local(2026, 3, 10, 9), arrival=local(2026, 3, 10, 10))


def test_a_transfer_not_departed_thirty_minutes_after_plan_alerts_command(bus):
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 9, 30)) == 0
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 9, 31)) == 1
    alert = Alert.objects.get(dedupe_key=f"transfer:{bus.pk}:late_departure")
    assert (alert.kind, alert.role, alert.grid_code) == (AlertKind.TRANSFER_LATE, "command", bus.grid_code)


def test_a_transfer_not_arrived_fifteen_minutes_after_plan_alerts_command(bus):
    bus.status, bus.departed_at = TransferOrder.Status.EN_ROUTE, local(2026, 3, 10, 9)
    bus.save()
    make_check_in(bus, at=local(2026, 3, 10, 10))  # the crew reported at 10:00: not silent, only late
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 10, 15)) == 0
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 10, 16)) == 1
    assert Alert.objects.get(dedupe_key=f"transfer:{bus.pk}:late_arrival").role == "command"


def test_a_late_transfer_alert_resolves_when_it_arrives(bus):
    bus.status = TransferOrder.Status.EN_ROUTE
    bus.save()
    transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 11))
    bus.status, bus.arrived_at = TransferOrder.Status.ARRIVED, local(2026, 3, 10, 11)
    bus.save()
    transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 11, 5))
    assert not open_alerts(AlertKind.TRANSFER_LATE).exists()


def test_arrived_and_not_handed_over_after_thirty_minutes_alerts_command_and_cdc(bus):
    bus.status, bus.arrived_at = TransferOrder.Status.ARRIVED, local(2026, 3, 10, 10)
    bus.save()
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 10, 30)) == 0
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 10, 31)) == 2
    roles = set(Alert.objects.filter(kind=AlertKind.TRANSFER_NOT_HANDED_OVER).values_list("role", flat=True))
    assert roles == {"command", "cdc"}


def test_transfer_alerts_run_twice_raise_once_and_a_handover_resolves_them(bus):
    bus.status, bus.arrived_at = TransferOrder.Status.ARRIVED, local(2026, 3, 10, 10)
    bus.save()
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 11)) == 2
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 11)) == 0
    bus.status = TransferOrder.Status.HANDED_OVER
    bus.save()
    transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 11, 5))
    assert not open_alerts(AlertKind.TRANSFER_NOT_HANDED_OVER).exists()


def test_a_cancelled_transfer_raises_nothing(bus):
    bus.status = TransferOrder.Status.CANCELLED
    bus.save()
    assert transfer_jobs.raise_transfer_alerts(now=local(2026, 3, 10, 23)) == 0


# --- Stale gap-list entries ------------------------------------------------------------------
def test_a_confirmed_case_not_admitted_for_more_than_four_hours_alerts_the_community_worker(city):
    resident = city["residents"]["B"]
    since = local(2026, 3, 10, 8)
    make_person_status(resident, status="confirmed", since=since, severity="mild")
    assert health_jobs.raise_stale_gap_alerts(now=since + dt.timedelta(hours=4)) == 0
    assert health_jobs.raise_stale_gap_alerts(now=since + dt.timedelta(hours=4, minutes=1)) == 1
    alert = Alert.objects.get(kind=AlertKind.GAP_STALE)
    assert (alert.role, alert.grid_code, alert.object_id) == ("community_worker", resident.grid_code,
                                                               str(resident.pk))


def test_a_contact_not_quarantined_waits_eight_hours_before_alerting(city):
    since = local(2026, 3, 10, 8)
    make_person_status(city["residents"]["B"], status="close_contact", since=since)
    assert health_jobs.raise_stale_gap_alerts(now=since + dt.timedelta(hours=7, minutes=59)) == 0
    assert health_jobs.raise_stale_gap_alerts(now=since + dt.timedelta(hours=8, minutes=1)) == 1


def test_stale_gap_run_twice_raises_once_and_admission_resolves_it(city):
    since = local(2026, 3, 10, 8)
    status = make_person_status(city["residents"]["B"], status="confirmed", since=since, severity="mild")
    now = since + dt.timedelta(hours=6)
    assert health_jobs.raise_stale_gap_alerts(now=now) == 1
    assert health_jobs.raise_stale_gap_alerts(now=now) == 0
    status.admitted_at = now
    status.isolated_at = now
    status.save()
    health_jobs.raise_stale_gap_alerts(now=now)
    assert not open_alerts(AlertKind.GAP_STALE).exists()


def test_a_job_interrupted_half_way_loses_nothing_when_run_again(city, monkeypatch):
    make_person_status(city["residents"]["A"])
    make_person_status(city["residents"]["B"])
    calls = {"n": 0}
    real_raise = health_jobs.alert_raise

    def dies_on_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real_raise(**kwargs)

    monkeypatch.setattr(health_jobs, "alert_raise", dies_on_third)
    with pytest.raises(RuntimeError):
        health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 21))
    monkeypatch.setattr(health_jobs, "alert_raise", real_raise)
    health_jobs.raise_missed_report_alerts(now=local(2026, 3, 10, 21))
    # Two people, four slots each (yesterday am/pm, today am/pm): all there, none twice.
    assert Alert.objects.filter(kind=AlertKind.MISSED_REPORT).count() == 8
