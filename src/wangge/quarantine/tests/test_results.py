"""Recording test results: a positive result alerts the CDC and, from the CDC, marks the person suspected."""

import pytest
from django.utils import timezone

from wangge.alerts.models import Alert
from wangge.audit.models import AuditEntry
from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.health.models import PersonStatus, StatusTransition
from wangge.quarantine import services


def make_order(actor, user, resident):
    return services.quarantine_order_create(actor=actor(user), resident_id=resident.pk, regime_code="5+3",
                                            place="home", reason="密接")


def first_test(order):
    return order.tests.order_by("due_date").first()


def test_a_negative_result_is_recorded_and_audited(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = services.test_result_record(actor=actor(cdc), test_id=first_test(order).pk, result="negative")
    assert test.result == "negative" and test.recorded_by == cdc and test.result_at is not None
    assert AuditEntry.objects.filter(field="test_result", object_id=str(order.pk)).count() == 1


def test_a_positive_result_from_the_cdc_alerts_and_marks_the_person_suspected(city, cdc, actor):
    resident = city["residents"]["A"]
    order = make_order(actor, cdc, resident)
    test = first_test(order)
    services.test_result_record(actor=actor(cdc), test_id=test.pk, result="positive",
                                confirmed=True)
    alert = Alert.objects.get(dedupe_key=f"quarantine_test_positive:{test.pk}")
    assert alert.role == "cdc" and alert.kind == "positive_test"
    assert PersonStatus.objects.get(resident=resident).status == "suspected"
    transition = StatusTransition.objects.get(resident=resident, to_status="suspected")
    assert transition.reason == "隔离期核酸阳性"
    assert transition.evidence["quarantine_test_id"] == test.pk


def test_a_positive_result_from_a_grid_worker_only_alerts(city, grid_worker, actor):
    resident = city["residents"]["A"]
    order = make_order(actor, grid_worker, resident)
    services.test_result_record(actor=actor(grid_worker), test_id=first_test(order).pk, result="positive",
                                confirmed=True)
    assert Alert.objects.filter(kind="positive_test").count() == 1
    assert not PersonStatus.objects.filter(resident=resident, status="suspected").exists()


def test_a_positive_result_for_a_confirmed_case_does_not_change_the_status(city, cdc, actor):
    resident = city["residents"]["A"]
    PersonStatus.objects.create(resident=resident, grid_code=resident.grid_code, status="confirmed",
                                severity="mild", since=timezone.now())
    order = make_order(actor, cdc, resident)
    services.test_result_record(actor=actor(cdc), test_id=first_test(order).pk, result="positive",
                                confirmed=True)
    assert PersonStatus.objects.get(resident=resident).status == "confirmed"
    assert not StatusTransition.objects.filter(resident=resident).exists()


def test_the_same_result_pushed_twice_raises_one_alert(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = first_test(order)
    services.test_result_record(actor=actor(cdc), test_id=test.pk, result="positive",
                                confirmed=True)
    services.test_result_record(actor=actor(cdc), test_id=test.pk, result="positive",
                                confirmed=True)
    assert Alert.objects.filter(dedupe_key=f"quarantine_test_positive:{test.pk}").count() == 1
    assert StatusTransition.objects.filter(to_status="suspected").count() == 1


def test_a_recorded_result_cannot_be_overwritten_with_another(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = first_test(order)
    services.test_result_record(actor=actor(cdc), test_id=test.pk, result="negative")
    with pytest.raises(Conflict):
        services.test_result_record(actor=actor(cdc), test_id=test.pk, result="positive",
                                confirmed=True)


def test_a_test_out_of_reach_is_not_found(city, cdc, outsider, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    with pytest.raises(NotFound):
        services.test_result_record(actor=actor(outsider), test_id=first_test(order).pk, result="negative")


def later_test(order):
    return order.tests.order_by("-due_date").first()


def test_a_result_for_a_test_not_due_yet_is_refused_by_code(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = later_test(order)
    assert test.due_date > timezone.localdate()
    with pytest.raises(ValidationFailed) as exc:
        services.test_result_record(actor=actor(cdc), test_id=test.pk, result="negative")
    assert exc.value.code == "test_not_due"
    test.refresh_from_db()
    assert test.result == "pending" and not test.entries.exists()


def test_a_positive_without_confirmation_is_refused_and_nothing_happens(city, cdc, actor):
    resident = city["residents"]["A"]
    order = make_order(actor, cdc, resident)
    test = first_test(order)
    with pytest.raises(ValidationFailed) as exc:
        services.test_result_record(actor=actor(cdc), test_id=test.pk, result="positive")
    assert exc.value.code == "positive_unconfirmed"
    test.refresh_from_db()
    assert test.result == "pending"
    assert not Alert.objects.filter(kind="positive_test").exists()
    assert not PersonStatus.objects.filter(resident=resident, status="suspected").exists()


def test_a_negative_needs_no_confirmation(city, grid_worker, actor):
    order = make_order(actor, grid_worker, city["residents"]["A"])
    test = services.test_result_record(actor=actor(grid_worker), test_id=first_test(order).pk, result="negative")
    assert test.result == "negative"


def test_the_first_result_is_kept_as_an_entry(city, cdc, actor):
    order = make_order(actor, cdc, city["residents"]["A"])
    test = services.test_result_record(actor=actor(cdc), test_id=first_test(order).pk, result="negative")
    [entry] = test.entries.all()
    assert (entry.result, entry.recorded_by, entry.corrects) == ("negative", cdc, None)
