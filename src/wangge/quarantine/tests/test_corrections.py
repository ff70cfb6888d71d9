"""Correcting a wrong result: a new audited entry naming the one it corrects; the original is kept;
what a positive set off follows the correction."""

import pytest
from django.utils import timezone

from wangge.alerts.models import Alert
from wangge.audit.models import AuditEntry
from wangge.core.errors import Conflict, Forbidden, ValidationFailed
from wangge.core.testing.factories import make_quarantine_order, make_quarantine_test
from wangge.health.models import PersonStatus
from wangge.quarantine import services
from wangge.quarantine.models import TestResultEntry


def make_order(actor, user, resident):
    return services.quarantine_order_create(
        actor=actor(user), resident_id=resident.pk, regime_code="5+3", place="home", reason="密接"
    )


def recorded(actor, user, resident, result):
    order = make_order(actor, user, resident)
    test = order.tests.order_by("due_date").first()
    return services.test_result_record(actor=actor(user), test_id=test.pk, result=result, confirmed=True)


def test_a_correction_keeps_the_original_entry_and_links_to_it(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "negative")
    original = test.entries.get()
    entry = services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="positive", reason="录入错误")
    original.refresh_from_db()
    assert original.result == "negative" and original.corrects is None
    assert entry.corrects == original and entry.result == "positive"
    assert (entry.recorded_by, entry.reason) == (cdc, "录入错误") and entry.recorded_at is not None
    test.refresh_from_db()
    assert test.result == "positive"  # the current result is the latest correction's
    assert list(test.entries.values_list("result", flat=True)) == ["negative", "positive"]


def test_a_correction_is_audited_on_the_order_with_its_reason(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "negative")
    entry = services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="positive", reason="录入错误")
    audit = AuditEntry.objects.filter(field="test_result", object_id=str(test.order_id)).order_by("pk").last()
    assert audit.changes[f"test:{test.phase}:{test.day}"] == ["negative", "positive"]
    assert audit.changes["result_entry"] == [entry.corrects_id, entry.pk]
    assert "录入错误" in audit.note and audit.actor == cdc


def test_a_second_correction_corrects_the_first_and_the_latest_wins(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "negative")
    first = services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="positive", reason="录错")
    second = services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="negative", reason="复核")
    assert second.corrects == first
    test.refresh_from_db()
    assert test.result == "negative" and test.entries.count() == 3


def test_a_correction_needs_a_reason(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "negative")
    with pytest.raises(ValidationFailed) as exc:
        services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="positive", reason="  ")
    assert exc.value.code == "reason_required"


def test_a_correction_to_the_same_result_is_refused(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "negative")
    with pytest.raises(ValidationFailed) as exc:
        services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="negative", reason="x")
    assert exc.value.code == "correction_unchanged"


def test_a_pending_test_has_nothing_to_correct(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    with pytest.raises(Conflict) as exc:
        services.test_result_correct(actor=actor(cdc), test_id=order.tests.first().pk, result="negative", reason="x")
    assert exc.value.code == "no_result_to_correct"


def test_a_grid_worker_may_record_but_not_correct(city, grid_worker, actor):
    test = recorded(actor, grid_worker, city["residents"]["A"], "negative")
    with pytest.raises(Forbidden):
        services.test_result_correct(actor=actor(grid_worker), test_id=test.pk, result="positive", reason="x")


def test_recording_over_a_result_still_refuses_and_points_to_correction(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "negative")
    with pytest.raises(Conflict) as exc:
        services.test_result_record(actor=actor(cdc), test_id=test.pk, result="positive", confirmed=True)
    assert exc.value.code == "result_exists"


def test_correcting_to_positive_alerts_the_cdc_and_marks_the_person_suspected(city, cdc, actor):
    resident = city["residents"]["A"]
    test = recorded(actor, cdc, resident, "negative")
    entry = services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="positive", reason="录错")
    alert = Alert.objects.get(kind="positive_test", dedupe_key=services.positive_alert_key(test, entry))
    assert alert.resolved_at is None
    assert PersonStatus.objects.get(resident=resident).status == "suspected"


def test_correcting_a_positive_to_negative_resolves_its_alert_and_asks_the_cdc_to_review(city, cdc, actor):
    resident = city["residents"]["A"]
    test = recorded(actor, cdc, resident, "positive")
    assert PersonStatus.objects.get(resident=resident).status == "suspected"
    entry = services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="negative", reason="标本混淆")
    assert Alert.objects.get(dedupe_key=services.positive_alert_key(test)).resolved_at is not None
    review = Alert.objects.get(kind="result_corrected")
    assert review.role == "cdc" and review.dedupe_key == f"quarantine_test_corrected:{entry.pk}"
    # Only the CDC excludes a case: the status stays until they decide.
    assert PersonStatus.objects.get(resident=resident).status == "suspected"


def test_positive_negative_positive_raises_a_fresh_alert(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "positive")
    services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="negative", reason="错")
    again = services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="positive", reason="复核阳性")
    open_alerts = Alert.objects.filter(
        kind="positive_test", resolved_at__isnull=True, dedupe_key__startswith="quarantine_test_positive:"
    )
    assert list(open_alerts.values_list("dedupe_key", flat=True)) == [services.positive_alert_key(test, again)]


def test_a_corrected_positive_no_longer_blocks_release(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "positive")
    assert any("阳性" in p for p in services.release_problems(test.order, today=timezone.localdate()))
    services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="negative", reason="标本混淆")
    assert not any("阳性" in p for p in services.release_problems(test.order, today=timezone.localdate()))


def test_a_result_written_without_an_entry_gets_its_original_entry_on_correction(city, cdc, actor):
    today = timezone.localdate()
    order = make_quarantine_order(city["residents"]["A"], start=today, planned_release=today)
    test = make_quarantine_test(order, due=today, result="negative")
    entry = services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="positive", reason="补录")
    original = TestResultEntry.objects.get(pk=entry.corrects_id)
    assert original.result == "negative" and original.corrects is None


def test_a_closed_order_takes_no_correction(city, cdc, actor):
    test = recorded(actor, cdc, city["residents"]["A"], "negative")
    test.order.__class__.objects.filter(pk=test.order_id).update(status="released")
    with pytest.raises(Conflict) as exc:
        services.test_result_correct(actor=actor(cdc), test_id=test.pk, result="positive", reason="x")
    assert exc.value.code == "order_closed"
