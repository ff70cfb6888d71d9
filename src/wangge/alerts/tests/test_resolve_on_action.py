"""Acting on an alert's record clears it at once, not at the next run of the job."""

import datetime as dt

from django.utils import timezone

from wangge.alerts.models import Alert, AlertKind
from wangge.quarantine.jobs import raise_overdue_test_alerts, raise_release_due_alerts
from wangge.quarantine.models import QuarantineOrder, QuarantineTest
from wangge.quarantine.services import order_release, quarantine_order_create, test_result_record


def _home_order(actor, user, resident, start):
    return quarantine_order_create(
        actor=actor(user), resident_id=resident.pk, regime_code="5+3", place="home", start_date=start,
        reason="密接",
    )


def test_releasing_an_order_resolves_its_release_due_alert(city, street_officer, actor):
    today = timezone.localdate()
    order = _home_order(actor, street_officer, city["residents"]["A"], today - dt.timedelta(days=10))
    assert raise_release_due_alerts(today=today) == 1
    QuarantineTest.objects.filter(order=order).update(result=QuarantineTest.Result.NEGATIVE)
    order_release(actor=actor(street_officer), order_id=order.pk)
    assert QuarantineOrder.objects.get(pk=order.pk).status == QuarantineOrder.Status.RELEASED
    alert = Alert.objects.get(kind=AlertKind.RELEASE_DUE)
    assert alert.resolved_at is not None


def test_recording_an_overdue_result_resolves_its_alert(city, street_officer, actor):
    today = timezone.localdate()
    order = _home_order(actor, street_officer, city["residents"]["A"], today - dt.timedelta(days=3))
    assert raise_overdue_test_alerts(today=today) >= 1
    test = QuarantineTest.objects.filter(order=order, due_date__lt=today).order_by("due_date").first()
    test_result_record(actor=actor(street_officer), test_id=test.pk, result="negative")
    alert = Alert.objects.get(kind=AlertKind.TEST_OVERDUE, object_id=str(test.pk))
    assert alert.resolved_at is not None
