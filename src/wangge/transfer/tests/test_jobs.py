"""The late-transfer job's silent convoy: en route with no check-in (or departure) for N minutes
alerts command, once per silence, from the database alone."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from wangge.alerts.models import Alert
from wangge.core.testing.factories import make_check_in, make_facility, make_transfer
from wangge.transfer import jobs

pytestmark = pytest.mark.django_db
DEPARTED = timezone.make_aware(dt.datetime(2026, 3, 10, 21, 0))


def silent_alerts(t):
    return Alert.objects.filter(dedupe_key__startswith=f"transfer:{t.pk}:silent:")


@pytest.fixture
def bus(city):
    # Planned to arrive late at night, so only the silence can alert in these tests.
    return make_transfer([city["residents"]["A"]], destination=make_facility(), departure=DEPARTED,
                         arrival=DEPARTED + dt.timedelta(hours=5), status="en_route", departed_at=DEPARTED)


def test_no_word_for_thirty_minutes_after_departure_alerts_command(bus):
    assert jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=30)) == 0
    assert jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=31)) == 1
    [alert] = silent_alerts(bus)
    assert (alert.role, alert.grid_code, alert.resolved_at) == ("command", bus.grid_code, None)
    assert "王医生 13900000000" in alert.body


def test_the_silence_alert_is_raised_once_however_often_the_job_runs(bus):
    for minutes in (31, 40, 55, 90):
        jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=minutes))
    assert silent_alerts(bus).count() == 1


def test_a_check_in_resolves_it_and_a_new_silence_is_a_new_alert(bus):
    jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=31))
    make_check_in(bus, at=DEPARTED + dt.timedelta(minutes=35))
    assert jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=40)) == 0
    assert not silent_alerts(bus).filter(resolved_at__isnull=True).exists()
    assert jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=66)) == 1
    assert jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=70)) == 0
    assert silent_alerts(bus).count() == 2
    assert silent_alerts(bus).filter(resolved_at__isnull=True).count() == 1


@override_settings(WANGGE_TRANSFER_CHECK_IN_MINUTES=10)
def test_the_gap_is_a_setting(bus):
    assert jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=11)) == 1


def test_an_arrived_transfer_is_not_silent(bus):
    jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=31))
    bus.status, bus.arrived_at = "arrived", DEPARTED + dt.timedelta(minutes=40)
    bus.save()
    jobs.raise_transfer_alerts(now=DEPARTED + dt.timedelta(minutes=41))
    assert not silent_alerts(bus).filter(resolved_at__isnull=True).exists()
